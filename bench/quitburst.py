"""The QUIT burst phase: many members of one channel close their sockets at once (a switch
reboots); how long until every member left has seen every QUIT, and how many never came.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench.loadgen import POLL_CAP, Bot, Swarm


@dataclass
class QuitResult:
    quitters: int
    stayers: int
    expected: int  # QUIT lines due: quitters x stayers
    seen: int
    seconds: float  # first close to the last QUIT seen (to the deadline when some are missing)

    @property
    def missing(self) -> int:
        return self.expected - self.seen


def quit_burst(swarm: Swarm, quitters: list[Bot], stayers: list[Bot], timeout: float) -> QuitResult:
    """Close every quitter's socket in one go, then serve the stayers until each has received a
    QUIT for every quitter, or until timeout seconds pass (the rest are missing, not an error)."""
    if set(quitters) & set(stayers):
        raise ValueError("a bot cannot both quit and stay")
    swarm.quit_watch = frozenset(bot.nick for bot in quitters)
    swarm.watched_quits = 0
    for bot in stayers:
        bot.quits_seen = 0
    expected = len(quitters) * len(stayers)
    start_ns = time.monotonic_ns()
    for bot in quitters:
        swarm.close(bot, "quit burst")
    deadline = time.monotonic() + timeout
    while swarm.watched_quits < expected and time.monotonic() < deadline:
        swarm.poll(POLL_CAP)
    seen = swarm.watched_quits
    if not expected:
        end_ns = start_ns
    else:
        end_ns = swarm.last_quit_ns if seen >= expected else time.monotonic_ns()
    swarm.quit_watch = frozenset()
    return QuitResult(len(quitters), len(stayers), expected, seen, (end_ns - start_ns) / 1e9)
