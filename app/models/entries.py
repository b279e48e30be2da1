"""Log lines as MessageReceived events: notes and our own lines stamped by the clock, and the
server's chat lines with the original time (server-time), msgid and replay mark from their tags."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from app.models import events as ev
from app.models.log import EntryKind, LogEntry
from app.models.replies import parent_of
from ircproto.servertime import parse_server_time


def parse_time(text: str) -> datetime | None:
    """An IRCv3 server-time value as a naive local datetime, like the rest of the log; None when
    text is not one."""
    moment = parse_server_time(text)
    return moment.astimezone().replace(tzinfo=None) if moment else None


class EntryMaker:
    """Builds the log's entries, reading the time from a clock unless the server gave one."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock

    def now(self) -> datetime:
        """The clock's time."""
        return self._clock()

    def entry(self, sender: str, target: str, text: str, kind: EntryKind = EntryKind.SYSTEM,
              *, own: bool = False, private: bool = False) -> ev.MessageReceived:
        """A line stamped now."""
        return ev.MessageReceived(LogEntry(self._clock(), sender, target, text, kind, own,
                                           private))

    def system(self, text: str, target: str = "") -> ev.MessageReceived:
        """A note from the client or server, in target's log ('' for the server's)."""
        return self.entry("", target, text, EntryKind.SYSTEM)

    def presence(self, text: str, target: str, nick: str, what: str) -> ev.MessageReceived:
        """nick's join, part or quit (what), which the log may fold into one compact line."""
        return ev.MessageReceived(LogEntry(self._clock(), nick, target, text, EntryKind.SYSTEM,
                                           presence=what))

    def error(self, text: str, target: str = "") -> ev.MessageReceived:
        """Something that went wrong, in target's log ('' for the server's)."""
        return self.entry("", target, text, EntryKind.ERROR)

    def tagged(self, tags: Mapping[str, str], sender: str, target: str, text: str,
               kind: EntryKind, *, own: bool, private: bool,
               replayed: bool) -> ev.MessageReceived:
        """A chat line from the server, with its original time, msgid and the message it
        answers (+reply) from tags."""
        moment = parse_time(tags.get("time", "")) or self._clock()
        return ev.MessageReceived(LogEntry(moment, sender, target, text, kind, own, private,
                                           tags.get("msgid", ""), False, replayed,
                                           reply_to=parent_of(tags)))
