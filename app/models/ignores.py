"""The nicks whose lines we do not show (/ignore), client side: a list of nicks kept in the
settings, matched as the server folds nicks. Sans I/O."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from app.models.log import EntryKind, LogEntry
from app.models.userinput import InvalidInput
from ircproto.names import nick_error

HIDDEN_KINDS = (EntryKind.CHAT, EntryKind.ACTION, EntryKind.NOTICE)
"""What an ignored nick says is hidden; notes about them (joins, kicks) still show."""
IGNORE_NICKLEN = 64
"""Nicks as long as any server allows may be ignored (NICKLEN is per server)."""


class IgnoreList:
    """The ignored nicks in the order they were added; key folds a nick."""

    def __init__(self, nicks: Iterable[str] = (), key: Callable[[str], str] = str.lower) -> None:
        self.key = key
        self._nicks: dict[str, str] = {}
        for nick in nicks:
            self._nicks.setdefault(key(nick), nick)

    @property
    def nicks(self) -> list[str]:
        """The ignored nicks, as typed."""
        return list(self._nicks.values())

    def rekey(self, key: Callable[[str], str]) -> None:
        """The server's casemapping is known: fold again."""
        self.key = key
        self._nicks = {key(nick): nick for nick in self._nicks.values()}

    def add(self, nick: str) -> bool:
        """Ignore nick; False when it was already; InvalidInput when it is not a nick."""
        error = nick_error(nick, IGNORE_NICKLEN)
        if error:
            raise InvalidInput(f"Cannot ignore '{nick}': {error}")
        if self.key(nick) in self._nicks:
            return False
        self._nicks[self.key(nick)] = nick
        return True

    def remove(self, nick: str) -> bool:
        """Stop ignoring nick; False when it was not ignored."""
        return self._nicks.pop(self.key(nick), None) is not None

    def ignores(self, nick: str) -> bool:
        """True when nick is ignored."""
        return bool(nick) and self.key(nick) in self._nicks

    def hides(self, entry: LogEntry) -> bool:
        """True for a line an ignored nick said (never our own)."""
        return bool(self._nicks) and not entry.own and entry.kind in HIDDEN_KINDS \
            and self.ignores(entry.sender)
