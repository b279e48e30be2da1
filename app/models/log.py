"""The message log: what the chat window shows, one LogEntry per line."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class EntryKind(Enum):
    """How a log line is shown: chat apart from system lines, errors apart from both."""

    CHAT = "chat"
    ACTION = "action"
    NOTICE = "notice"
    SYSTEM = "system"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One line of the log. sender is '' for system and error lines; target is the channel or,
    for a private message, the other person's nick. msgid is the server's id (IRCv3 msgid) when
    it gave one; pending marks our own message not yet confirmed by the server (typed while
    offline, or sent and awaiting its echo); replayed marks a line fetched from history, which
    raises no notification; mention marks someone else's line that names our nick. presence is
    'join', 'part' or 'quit' for someone else's coming and going, 'summary' for the one compact
    line that stands for several of them. A multiline message (draft/multiline) is one entry
    whose text holds line feeds. reply_to is the msgid of the message this one answers (+reply)
    and quote how the log shows that parent ('bob: the start of its text'); reactions are
    (reaction, nicks who sent it) in the order first seen; deleted marks a redacted message."""

    time: datetime
    sender: str
    target: str
    text: str
    kind: EntryKind = EntryKind.CHAT
    own: bool = False
    private: bool = False
    msgid: str = ""
    pending: bool = False
    replayed: bool = False
    presence: str = ""
    mention: bool = False
    reply_to: str = ""
    quote: str = ""
    reactions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    deleted: bool = False


DEFAULT_LOG_LIMIT = 10_000


class MessageLog:
    """The newest entries, oldest first. Bounded (default 10,000 lines) so a client left running
    for weeks in a busy channel keeps a steady memory footprint; older lines fall off the front."""

    def __init__(self, limit: int = DEFAULT_LOG_LIMIT) -> None:
        if limit < 1:
            raise ValueError("a log holds at least one entry")
        self._entries: deque[LogEntry] = deque(maxlen=limit)

    @property
    def limit(self) -> int:
        """How many entries the log keeps."""
        return self._entries.maxlen or 0

    def append(self, entry: LogEntry) -> None:
        """Add one entry at the end, dropping the oldest when full."""
        self._entries.append(entry)

    def extend(self, entries: Iterable[LogEntry]) -> None:
        """Add entries at the end, in order."""
        self._entries.extend(entries)

    def insert(self, index: int, entry: LogEntry) -> None:
        """Put entry before position index (a replayed line older than the newest ones)."""
        if len(self._entries) == self.limit:
            if index == 0:
                return  # older than everything kept: it would fall off at once
            self._entries.popleft()
            index -= 1
        self._entries.insert(index, entry)

    def replace(self, old: LogEntry, new: LogEntry) -> bool:
        """Put new where old is (the same object); False when old is not here."""
        for back, entry in enumerate(reversed(self._entries)):  # pending lines are recent
            if entry is old:
                self._entries[len(self._entries) - 1 - back] = new
                return True
        return False

    def find(self, msgid: str) -> LogEntry | None:
        """The entry with msgid, searched from the newest (reactions and replies are mostly to
        recent lines); None when it is not here."""
        if msgid:
            for entry in reversed(self._entries):
                if entry.msgid == msgid:
                    return entry
        return None

    def last(self) -> LogEntry | None:
        """The newest entry (None when empty)."""
        return self._entries[-1] if self._entries else None

    def newest_first(self) -> Iterator[LogEntry]:
        """The entries from the newest back (no copy: do not change the log meanwhile)."""
        return reversed(self._entries)

    def entries(self) -> list[LogEntry]:
        """A copy of the entries, oldest first."""
        return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)
