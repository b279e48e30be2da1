"""What the view shows: log entries filed in their conversations (unread counts, the new-messages
marker), the conversation list, the current conversation and its users, updated in few calls;
and the read markers (MARKREAD) for what the user has seen. Lines of ignored nicks are dropped
here, and joins/parts/quits folded into one compact line when asked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app.models import events as ev
from app.models.conversations import STATUS, Conversation, Conversations
from app.models.ignores import IgnoreList
from app.models.log import EntryKind, LogEntry
from app.models.presencefold import SUMMARY, PresenceFold
from app.models.session import Session
from app.models.users import UserItem
from app.views import base
from app.views.base import ChatView
from ircproto.casemap import casefold
from ircproto.message import Message
from ircproto.names import is_channel

Filed = Callable[[Conversation, LogEntry], None]
"""Told of each server line (one with a msgid) filed in a conversation: the cache saves it."""
Annotate = Callable[[Conversation, LogEntry], LogEntry]
"""A reply as its conversation shows it: with the quote of its parent."""


class Presenter:
    """Files entries and keeps the view in step; session is the current one (None before the
    first connect)."""

    def __init__(self, view: ChatView, clock: Callable[[], datetime], filed: Filed) -> None:
        self.view = view
        self.clock = clock
        self.session: Session | None = None
        self.conversations = Conversations(self.key)
        self.current: str | None = None
        """The conversation shown and talked to (None: the server's own lines)."""
        self._filed = filed
        self._appended: list[LogEntry] = []
        self._redraw = False
        self._marker: LogEntry | None = None
        self._listed: list[base.Conversation] = []
        self._listed_current = ""
        self._marked: dict[str, datetime] = {}
        """The read marker last sent per conversation key."""
        self.ignores = IgnoreList(key=self.key)
        self.compact_joins = False
        """Others' joins, parts and quits read as one compact line per run."""
        self._fold = PresenceFold()
        self.notify_mode_of: Callable[[str, bool], str] = lambda name, private: ""
        """What a conversation (name, private) notifies for, as the list shows it."""
        self.annotate: Annotate = lambda conversation, entry: entry
        """Gives a reply (an entry with reply_to) the quote of its parent."""

    def key(self, name: str) -> str:
        """name folded as the server folds names."""
        return self.session.key(name) if self.session is not None else casefold(name)

    def entry(self, text: str, kind: EntryKind = EntryKind.SYSTEM, target: str = "") -> LogEntry:
        """A local system or error line."""
        return LogEntry(self.clock(), "", target, text, kind)

    def error(self, text: str) -> None:
        """Show a local error line now."""
        self.show([self.entry(text, EntryKind.ERROR)])

    def show(self, entries: list[LogEntry]) -> None:
        """Put entries in their conversations and update the view."""
        self.add(entries)
        self.refresh()

    def add(self, entries: list[LogEntry], confirmed: Callable[[LogEntry], bool] | None = None
            ) -> None:
        """Put each entry in the conversation it concerns (its channel or private chat, else the
        current one); confirmed(entry) True means an own line that confirms a pending one."""
        for original in entries:
            if self.ignores.hides(original):
                continue
            conversation = self.route(original)
            if (original.own and original.msgid and confirmed is not None
                    and original.msgid not in conversation.msgids  # a line held: no news
                    and confirmed(original)):
                continue
            if original.reply_to and not original.quote and not original.pending:
                original = self.annotate(conversation, original)
            entry = self._folded(conversation, original)
            if entry is None:
                continue
            index = self.conversations.add(conversation, entry, conversation is self.shown())
            if index >= 0 and conversation is self.shown():
                if index < len(conversation.log) - 1:
                    self._redraw = True
                else:
                    self._appended.append(entry)
            if index >= 0 and entry.msgid and conversation.name != STATUS:
                self._filed(conversation, entry)  # last: it may replace entry (its reactions)

    def _folded(self, conversation: Conversation, entry: LogEntry) -> LogEntry | None:
        """entry as the log should take it: a join/part/quit becomes (or grows, None) the
        compact line when compact_joins is on; any other line ends the run."""
        if not self.compact_joins:
            return entry
        key = self.key(conversation.name)
        if not entry.presence or entry.presence == SUMMARY:
            self._fold.end(key)
            return entry
        old, line = self._fold.fold(key, entry, conversation.log.last())
        if old is None:
            return line
        self.replace(old, line)
        return None

    def clear(self, conversation: Conversation) -> None:
        """Empty conversation's log (here only) and show it empty when it is the one shown."""
        conversation.log = type(conversation.log)(conversation.log.limit)
        conversation.unread, conversation.first_unread = 0, None
        self._fold.end(self.key(conversation.name))
        if conversation is self.shown():
            self._appended, self._redraw, self._marker = [], False, None
            self.view.show_conversation([], -1)

    def replace(self, old: LogEntry, new: LogEntry) -> None:
        """A shown line changes in place (a pending message now delivered)."""
        conversation = self.route(old)
        if not self.conversations.replace(conversation, old, new):
            return
        if new.msgid:
            self._filed(conversation, new)
        waiting = [index for index, entry in enumerate(self._appended) if entry is old]
        if waiting:
            self._appended[waiting[0]] = new
        elif conversation is self.shown():
            self.view.update_entry(old, new)

    def refresh(self) -> None:
        """Show the lines added to the current conversation, and the list with its unread
        counts when it changed."""
        shown = self.shown()
        if self._redraw:
            entries = shown.entries()
            marker = next((i for i, e in enumerate(entries) if e is self._marker), -1)
            self.view.show_conversation(entries, marker)
        elif self._appended:
            self.view.show_entries(self._appended)
        self._redraw, self._appended = False, []
        listed = [base.Conversation(c.name, c.unread, c.private, c.mentioned,
                                    "" if c.name == STATUS else self.notify_mode_of(c.name,
                                                                                    c.private))
                  for c in self.conversations
                  if c.name != STATUS or len(c.log)]
        current = self.current or STATUS
        if (listed != self._listed or current != self._listed_current
                or [c.notify for c in listed] != [c.notify for c in self._listed]):
            self._listed, self._listed_current = listed, current
            self.view.set_conversations(listed, current)

    def read_marker(self, online: bool) -> Message | None:
        """MARKREAD for the newest line of the conversation the user is looking at, when the
        server has not been told yet; not as a guest where the server has accounts (read
        markers belong to them there: a guest's MARKREAD gets FAIL ACCOUNT_REQUIRED)."""
        session, shown = self.session, self.shown()
        guest = session is not None and session.does_accounts and not session.account
        if (not online or session is None or guest or shown.last_time is None
                or "draft/read-marker" not in session.caps or shown.name == STATUS):
            return None
        key = session.key(shown.name)
        if key in self._marked and self._marked[key] >= shown.last_time:
            return None
        self._marked[key] = shown.last_time
        shown.read_until = max(shown.read_until or shown.last_time, shown.last_time)
        return session.mark_read(shown.name, shown.last_time)

    def rekey(self) -> None:
        """Names fold as the server now says: conversations and ignored nicks again."""
        self.conversations.rekey(self.key)
        self.ignores.rekey(self.key)

    def forget_read_markers(self) -> None:
        """A new registration: the server is told again."""
        self._marked = {}

    def route(self, entry: LogEntry) -> Conversation:
        """The conversation entry belongs in (opened when it is new)."""
        if entry.target:
            found = self.conversations.get(entry.target)
            if found is not None:
                return found
            if entry.private:
                return self.conversations.open(entry.target, private=True)
            if self.session is not None and self.session.channel(entry.target):
                return self.conversations.open(entry.target)
        return self.shown()

    def shown(self) -> Conversation:
        """The conversation the view shows."""
        found = self.conversations.get(self.current) if self.current else None
        return found if found is not None else self.conversations.open(STATUS)

    def is_current(self, name: str) -> bool:
        """True when name is the conversation shown."""
        return self.current is not None and self.key(name) == self.key(self.current)

    def is_channel_name(self, name: str) -> bool:
        """True when name is a channel's (as the server's CHANTYPES say, once known)."""
        return self.session.is_channel(name) if self.session else is_channel(name)

    def switch_to(self, name: str | None, online: bool) -> None:
        """Make name (a channel or private chat; None: the server's lines) the conversation the
        view shows and Send talks to: its log with the new-messages marker, its users."""
        found = self.conversations.get(name) if name else None
        if name and found is None:
            found = self.conversations.open(name, private=not self.is_channel_name(name))
        self.refresh()  # lines of the conversation shown so far go there first
        self.current = found.name if found is not None else None
        shown = self.shown()
        self._marker = shown.first_unread
        self.view.show_conversation(shown.entries(), shown.first_unread_index())
        self.conversations.mark_read(shown)
        self._appended, self._redraw = [], False
        self.view.set_users(self.users_of(found))
        if online:
            self.view.set_status("connected", self.current or "")
        self.refresh()

    def users_of(self, conversation: Conversation | None) -> list[UserItem]:
        """Who is in a conversation: a channel's members, or the two people of a private chat
        (one, when it is a chat with ourselves)."""
        if conversation is None or self.session is None:
            return []
        if conversation.private and self.session.is_own(conversation.name):
            return [UserItem(self.session.nick)]
        if conversation.private:
            return sorted([UserItem(self.session.nick), UserItem(conversation.name)],
                          key=lambda user: casefold(user.nick))
        channel = self.session.channel(conversation.name)
        return self.session.users(channel.name) if channel else []

    def current_users(self) -> list[UserItem]:
        """The current channel's users, sorted for display."""
        return self.session.users(self.current) if self.session and self.current else []

    def read_elsewhere(self, event: ev.ReadMarkerSet) -> None:
        """MARKREAD from the server (another client of ours read up to a time)."""
        found = self.conversations.get(event.target)
        if found is None:
            return
        if found is self.shown():
            found.read_until = max(found.read_until or event.time, event.time)
        else:
            self.conversations.mark_read(found, event.time)

    def renamed(self, old: str, new: str) -> None:
        """Someone else's nick changed: their private chat follows."""
        if self.conversations.rename(old, new) and self.is_current(old):
            self.current = new
