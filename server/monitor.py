"""MONITOR lists (IRCv3 monitor): which connection watches which nick, both ways. Pure; used
under the state lock (server.monitornotify tells the watchers).

Lists belong to connections (a device's list is its own) and go when the connection does.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

from ircproto.casemap import casefold

MONITOR_LIMIT = 100  # nicks one connection may monitor (ISUPPORT MONITOR=)
CASEMAPPING = "rfc1459"
Session = TypeVar("Session", bound=Hashable)


class Monitors(Generic[Session]):
    """Both directions of every MONITOR list: connection -> nicks, nick key -> connections."""

    def __init__(self, limit: int = MONITOR_LIMIT) -> None:
        self.limit = limit
        self._lists: dict[Session, dict[str, str]] = {}  # connection -> {nick key: nick}
        self._watchers: dict[str, set[Session]] = {}  # nick key -> connections

    def add(self, session: Session, nick: str) -> bool:
        """Watch nick; False when session's list is full (a nick already there is not added
        again, and counts as done)."""
        key = casefold(nick, CASEMAPPING)
        nicks = self._lists.setdefault(session, {})
        if key in nicks:
            return True
        if len(nicks) >= self.limit:
            return False
        nicks[key] = nick
        self._watchers.setdefault(key, set()).add(session)
        return True

    def remove(self, session: Session, nick: str) -> None:
        key = casefold(nick, CASEMAPPING)
        nicks = self._lists.get(session, {})
        if nicks.pop(key, None) is not None:
            self._unwatch(session, key)
        if not nicks:
            self._lists.pop(session, None)

    def clear(self, session: Session) -> None:
        """Empty session's list (MONITOR C, or the connection has closed)."""
        for key in self._lists.pop(session, {}):
            self._unwatch(session, key)

    def _unwatch(self, session: Session, key: str) -> None:
        watching = self._watchers.get(key)
        if watching is not None:
            watching.discard(session)
            if not watching:
                del self._watchers[key]

    def nicks(self, session: Session) -> list[str]:
        """session's list, as it gave the nicks, in the order they were added."""
        return list(self._lists.get(session, {}).values())

    def watchers(self, nick: str) -> set[Session]:
        """The connections monitoring nick."""
        return self._watchers.get(casefold(nick, CASEMAPPING), set())

    def __len__(self) -> int:
        """How many connections have a list."""
        return len(self._lists)
