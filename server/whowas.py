"""The nicks that were: who held a nick before leaving or changing it (WHOWAS), bounded both per
nick and in all. Pure; used under the state lock."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from ircproto.casemap import casefold

PER_NICK = 8  # entries kept for one nick, newest first
TOTAL = 2000  # entries kept in all; the oldest go first


@dataclass(frozen=True, slots=True)
class WasUser:
    """One holder of a nick as it was when it let go of it."""

    nick: str
    user: str
    host: str
    realname: str
    account: str | None
    left_at: float  # unix time


class Whowas:
    """Recent holders of nicks. remember() when a registered nick goes (QUIT, NICK, KILL)."""

    def __init__(self, per_nick: int = PER_NICK, total: int = TOTAL,
                 casemapping: str = "rfc1459") -> None:
        if per_nick < 1 or total < 1:
            raise ValueError("whowas bounds must be at least 1")
        self.per_nick, self.total, self.casemapping = per_nick, total, casemapping
        # newest first; a list, not a deque: one deque costs ~600 bytes however short, and a
        # server where nicks come and go holds `total` of them (measured: 2.2 MB for 2000)
        self._by_nick: dict[str, list[WasUser]] = {}
        self._order: deque[tuple[str, WasUser]] = deque()  # oldest first, across nicks

    def __len__(self) -> int:
        return len(self._order)

    def remember(self, entry: WasUser) -> None:
        key = casefold(entry.nick, self.casemapping)
        entries = self._by_nick.setdefault(key, [])
        if len(entries) == self.per_nick:
            self._drop(key, entries.pop())  # the oldest of this nick
        entries.insert(0, entry)
        self._order.append((key, entry))
        while len(self._order) > self.total:
            old_key, old = self._order.popleft()
            held = self._by_nick[old_key]
            held.remove(old)
            if not held:
                del self._by_nick[old_key]

    def _drop(self, key: str, entry: WasUser) -> None:
        self._order.remove((key, entry))

    def find(self, nick: str, count: int = 0) -> list[WasUser]:
        """The holders of nick, newest first: at most count of them (all when count < 1)."""
        entries = list(self._by_nick.get(casefold(nick, self.casemapping), ()))
        return entries[:count] if count > 0 else entries
