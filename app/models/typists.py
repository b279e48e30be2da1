"""Who is typing where (the +typing notifications we receive), sans I/O: a typing=active
counts for ACTIVE_EXPIRY_S, a typing=paused for PAUSED_EXPIRY_S, and done, a message from the
sender, or leaving ends it, as the IRCv3 typing spec says. Keys are casefolded by the caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.models.typing import ACTIVE, PAUSED

ACTIVE_EXPIRY_S = 6.0
PAUSED_EXPIRY_S = 30.0


@dataclass(frozen=True, slots=True)
class Typist:
    """Someone typing in a conversation: their nick as shown, and active or paused."""

    nick: str
    state: str
    since: float


class Typists:
    """The typists of every conversation; key folds a nick or conversation name."""

    def __init__(self, key: Callable[[str], str] = str.lower) -> None:
        self._key = key
        self._by_target: dict[str, dict[str, Typist]] = {}

    def notified(self, target: str, nick: str, state: str, now: float) -> None:
        """nick sent typing=state in target (an unknown state counts as done)."""
        typists = self._by_target.setdefault(self._key(target), {})
        if state in (ACTIVE, PAUSED):
            typists[self._key(nick)] = Typist(nick, state, now)
        else:
            typists.pop(self._key(nick), None)

    def stopped(self, nick: str, target: str | None = None) -> bool:
        """nick sent a message in target (None: left everywhere); True when that ended typing."""
        ended = False
        for key, typists in self._by_target.items():
            if target is None or key == self._key(target):
                ended = typists.pop(self._key(nick), None) is not None or ended
        return ended

    def renamed(self, old: str, new: str) -> None:
        """old is now new: their typing follows."""
        for typists in self._by_target.values():
            found = typists.pop(self._key(old), None)
            if found is not None:
                typists[self._key(new)] = Typist(new, found.state, found.since)

    def clear(self) -> None:
        """A new connection: nobody is typing."""
        self._by_target.clear()

    def expire(self, now: float) -> None:
        """Forget the notifications that are too old."""
        for typists in self._by_target.values():
            for key, found in list(typists.items()):
                limit = ACTIVE_EXPIRY_S if found.state == ACTIVE else PAUSED_EXPIRY_S
                if now - found.since >= limit:
                    del typists[key]

    def typing_in(self, target: str, now: float) -> list[Typist]:
        """Who types in target now, the earliest first."""
        self.expire(now)
        return sorted(self._by_target.get(self._key(target), {}).values(),
                      key=lambda typist: typist.since)

    def pending(self) -> bool:
        """True while anyone is typing anywhere (an expiry is still to come)."""
        return any(self._by_target.values())


def typing_text(typists: list[Typist]) -> str:
    """The line under the log: 'bob is typing…', 'bob and carol are typing…', 'several people
    are typing…'; a paused typist 'has stopped typing'; '' for nobody."""
    active = [t.nick for t in typists if t.state == ACTIVE]
    paused = [t.nick for t in typists if t.state == PAUSED]
    parts = []
    if len(active) == 1:
        parts.append(f"{active[0]} is typing\u2026")
    elif len(active) in (2, 3):
        parts.append(f"{', '.join(active[:-1])} and {active[-1]} are typing\u2026")
    elif active:
        parts.append("several people are typing\u2026")
    if len(paused) == 1 and not active:
        parts.append(f"{paused[0]} has stopped typing")
    return "  ".join(parts)
