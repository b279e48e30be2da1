"""The open conversations (channels, private chats, and the server's own lines), each with its
log, the msgids it holds (each message once), its unread count and its read marker. No I/O."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from app.models.log import EntryKind, LogEntry, MessageLog

STATUS = "(server)"
"""The conversation of lines that concern no channel or person: not a valid nick or channel."""
UNREAD_KINDS = (EntryKind.CHAT, EntryKind.ACTION, EntryKind.NOTICE)


@dataclass
class Conversation:
    """One conversation's log and read state."""

    name: str
    private: bool
    log: MessageLog = field(default_factory=MessageLog)
    msgids: set[str] = field(default_factory=set)
    unread: int = 0
    first_unread: LogEntry | None = None
    read_until: datetime | None = None
    last_msgid: str = ""
    last_time: datetime | None = None
    """The newest message from the server we hold (msgid and server time): history resumes
    after it."""
    mentioned: bool = False
    """An unread line names our nick."""

    def entries(self) -> list[LogEntry]:
        """The log, oldest first."""
        return self.log.entries()

    def first_unread_index(self) -> int:
        """Where the 'new messages' marker stands in entries(), or -1."""
        if self.first_unread is None:
            return -1
        for index, entry in enumerate(self.log.entries()):
            if entry is self.first_unread:
                return index
        return -1

    def counts_as_unread(self, entry: LogEntry) -> bool:
        """True for someone else's message newer than the read marker."""
        if entry.own or entry.kind not in UNREAD_KINDS:
            return False
        return self.read_until is None or entry.time > self.read_until


class Conversations:
    """All conversations, in the order they were opened; keys fold names with key_of."""

    def __init__(self, key_of: Callable[[str], str] = str.lower) -> None:
        self.key_of = key_of
        self._all: dict[str, Conversation] = {}

    def __iter__(self) -> Iterator[Conversation]:
        return iter(list(self._all.values()))

    def __len__(self) -> int:
        return len(self._all)

    def get(self, name: str) -> Conversation | None:
        """The conversation called name, or None."""
        return self._all.get(self.key_of(name))

    def open(self, name: str, private: bool = False) -> Conversation:
        """The conversation called name, made when new."""
        key = self.key_of(name)
        if key not in self._all:
            self._all[key] = Conversation(name, private)
        return self._all[key]

    def close(self, name: str) -> None:
        """Forget the conversation called name."""
        self._all.pop(self.key_of(name), None)

    def rename(self, old: str, new: str) -> bool:
        """A private chat follows its person's new nick; False when there is none for old or
        one for new already."""
        found = self._all.get(self.key_of(old))
        if found is None or not found.private or self.key_of(new) in self._all:
            return False
        del self._all[self.key_of(old)]
        found.name = new
        self._all[self.key_of(new)] = found
        return True

    def rekey(self, key_of: Callable[[str], str]) -> None:
        """The server's casemapping changed: fold the names again. Two conversations that now
        fold alike become one (the first opened keeps its name and gets the other's lines)."""
        self.key_of = key_of
        folded: dict[str, Conversation] = {}
        for conversation in self._all.values():
            kept = folded.setdefault(key_of(conversation.name), conversation)
            if kept is not conversation:
                _merge(kept, conversation)
        self._all = folded

    def add(self, conversation: Conversation, entry: LogEntry, viewing: bool) -> int:
        """Put entry into conversation in time order (a replayed line among the newer ones
        already there). Returns where it went, or -1 when its msgid is there already. viewing:
        the user sees this conversation now, so nothing becomes unread."""
        if entry.msgid:
            if entry.msgid in conversation.msgids:
                return -1
            conversation.msgids.add(entry.msgid)
            if conversation.last_time is None or entry.time >= conversation.last_time:
                conversation.last_msgid, conversation.last_time = entry.msgid, entry.time
        index = _place(conversation.log, entry)
        conversation.log.insert(index, entry)
        if not viewing and conversation.counts_as_unread(entry):
            conversation.unread += 1
            conversation.mentioned = conversation.mentioned or entry.mention
            if conversation.first_unread is None or entry.time < conversation.first_unread.time:
                conversation.first_unread = entry
        return index

    def replace(self, conversation: Conversation, old: LogEntry, new: LogEntry) -> bool:
        """Swap old for new in place (a pending line delivered); False when old is not there."""
        if not conversation.log.replace(old, new):
            return False
        if new.msgid:
            conversation.msgids.add(new.msgid)
            if conversation.last_time is None or new.time >= conversation.last_time:
                conversation.last_msgid, conversation.last_time = new.msgid, new.time
        return True

    def mark_read(self, conversation: Conversation, until: datetime | None = None) -> None:
        """Everything up to until (default: all) is read: recount unread and the marker."""
        if until is not None and (conversation.read_until is None
                                  or until > conversation.read_until):
            conversation.read_until = until
        if until is None:
            conversation.unread, conversation.first_unread = 0, None
            conversation.mentioned = False
            return
        unread = [e for e in conversation.log.entries() if conversation.counts_as_unread(e)]
        conversation.unread = len(unread)
        conversation.mentioned = any(entry.mention for entry in unread)
        conversation.first_unread = unread[0] if unread else None


def _merge(kept: Conversation, other: Conversation) -> None:
    """other's lines and unread state into kept, in time order, each message once."""
    lines, doubled = [], 0
    for entry in other.entries():
        if entry.msgid and entry.msgid in kept.msgids:
            doubled += other.counts_as_unread(entry)
        else:
            lines.append(entry)
    merged = sorted(kept.entries() + lines, key=lambda e: e.time)
    kept.log = MessageLog(kept.log.limit)
    kept.log.extend(merged)
    kept.msgids |= other.msgids
    kept.unread += max(0, other.unread - doubled)
    kept.mentioned = kept.mentioned or other.mentioned
    if other.last_time is not None and (kept.last_time is None
                                        or other.last_time > kept.last_time):
        kept.last_msgid, kept.last_time = other.last_msgid, other.last_time
    if kept.first_unread is None or (other.first_unread is not None
                                     and other.first_unread.time < kept.first_unread.time):
        kept.first_unread = other.first_unread


def _place(log: MessageLog, entry: LogEntry) -> int:
    """Where entry goes: at the end, except that a replayed server line goes before the server
    lines newer than it at the end of the log (walked from the end: no copy of the log)."""
    index = len(log)
    if not entry.replayed:
        return index
    for newer in log.newest_first():
        if not (newer.msgid and newer.time > entry.time):
            break
        index -= 1
    return index

