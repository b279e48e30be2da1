"""Replies, reactions and deletions as the controller does them: reply mode and the quote a reply
shows of its parent (fetched with CHATHISTORY AROUND when not held), reactions toggled and
applied to their messages, REDACT sent and applied (the cache forgets the message), and what
the log offers where the server allows it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from app.controllers.archive import Archive
from app.controllers.presenter import Presenter
from app.models import events as ev
from app.models.conversations import Conversation
from app.models.log import LogEntry
from app.models.reacts import reacted, toggled
from app.models.replies import NOT_LOADED, can_answer, quote_of
from app.models.session import Session
from app.models.userinput import InvalidInput
from app.views.base import ChatView, MessageActions
from ircproto.message import Message

REDACTION_CAP = "draft/message-redaction"
TAGS_CAP = "message-tags"
OPERATOR_PREFIXES = {"~", "&", "@"}
MAX_AWAITED = 500
"""Replies whose parent is not loaded, remembered to be quoted when it comes (oldest forgotten);
as many messages' reactions that came before their message (applied when it comes)."""


class Annotations:
    """One window's replies, reactions and deletions. session() is the current session when
    online (else None); caught_up() says whether a history request of ours may go out now."""

    def __init__(self, view: ChatView, presenter: Presenter, archive: Archive,
                 session: Callable[[], Session | None], send: Callable[[Message], bool],
                 caught_up: Callable[[], bool]) -> None:
        self._view, self._presenter, self._archive = view, presenter, archive
        self._session, self._send, self._caught_up = session, send, caught_up
        self.replying: LogEntry | None = None
        """The message the next line we say answers (reply mode), or None."""
        self._replying_in = ""
        self._awaited: dict[tuple[str, str], list[str]] = {}
        """(conversation key, parent msgid) -> msgids of the replies quoting it as not loaded."""
        self._early: dict[tuple[str, str], list[tuple[str, str, bool]]] = {}
        """(conversation key, msgid) -> (nick, reaction, added) heard before the message."""
        self._to_fetch: list[tuple[str, str]] = []  # (target, parent msgid), once caught up
        self._fetched: set[tuple[str, str]] = set()
        self._offered = MessageActions()

    # --- entries on their way into the log ---

    def annotate(self, conversation: Conversation, entry: LogEntry) -> LogEntry:
        """entry (a reply) with the quote of its parent; '(message not loaded)' until the
        parent comes, which is then fetched from history."""
        parent = self._find(conversation, entry.reply_to)
        if parent is not None:
            return replace(entry, quote=quote_of(parent))
        key = (self._presenter.key(conversation.name), entry.reply_to)
        if entry.msgid:
            self._awaited.setdefault(key, []).append(entry.msgid)
            while len(self._awaited) > MAX_AWAITED:
                del self._awaited[next(iter(self._awaited))]
        if key not in self._fetched:
            self._fetched.add(key)
            self._to_fetch.append((conversation.name, entry.reply_to))
        return replace(entry, quote=NOT_LOADED)

    def filed(self, conversation: Conversation, entry: LogEntry) -> None:
        """entry (a server line) is in conversation: quote it in the replies waiting for it,
        and show the reactions to it that came first."""
        if not (self._awaited or self._early) or not entry.msgid:
            return
        key = (self._presenter.key(conversation.name), entry.msgid)
        for nick, reaction, added in self._early.pop(key, []):
            self._reaction(conversation.name, entry.msgid, nick, reaction, added)
        children = self._awaited.pop(key, [])
        for msgid in children:
            child = conversation.log.find(msgid)
            if child is not None:
                self._presenter.replace(child, replace(child, quote=quote_of(entry)))

    def after_batch(self) -> None:
        """Fetch the parents of replies that are not loaded, once history may be asked."""
        session = self._session()
        if not self._to_fetch or session is None or not session.has_history:
            return
        if not self._caught_up():  # a FAIL of ours must not look like one of catch-up's
            return
        for target, msgid in self._to_fetch:
            self._send(session.build.around(target, msgid))
        self._to_fetch = []

    def heard(self, events: list[ev.Event]) -> None:
        """Session events: reactions and deletions of messages in the log."""
        for event in events:
            if isinstance(event, ev.ReactionChanged):
                self._reaction(event.target, event.msgid, event.nick, event.reaction,
                               event.added)
            elif isinstance(event, ev.MessageRedacted):
                self._redacted(event.target, event.msgid)

    # --- what the user does ---

    def reply(self, entry: LogEntry | None) -> None:
        """Reply mode for entry (None: the newest message of the conversation shown)."""
        if not self._offered.reply:
            raise InvalidInput("This server cannot carry replies")
        entry = entry or next((found for found in self._presenter.shown().log.newest_first()
                               if can_answer(found)), None)
        if entry is None or not can_answer(entry):
            raise InvalidInput("There is no message to reply to here")
        self.replying, self._replying_in = entry, self._presenter.key(
            self._presenter.shown().name)
        self._view.set_reply(f"Replying to {quote_of(entry)}")

    def cancel_reply(self) -> None:
        """Leave reply mode."""
        if self.replying is not None:
            self.replying = None
            self._view.set_reply("")

    def reply_for(self, target: str) -> LogEntry | None:
        """The message a line said to target now answers (reply mode there), or None."""
        if self.replying is None or self._presenter.key(target) != self._replying_in:
            return None
        return self.replying

    def react(self, entry: LogEntry, reaction: str) -> None:
        """Toggle our reaction to entry: +draft/react, or +draft/unreact when we hold it."""
        session = self._live("react")
        if not self._offered.react or not can_answer(entry):
            raise InvalidInput("Reactions are not possible on this message here")
        target = self._presenter.route(entry).name
        added = not reacted(entry, reaction, session.nick, session.key)
        if self._send(session.react(target, entry.msgid, reaction, added)):
            self._reaction(target, entry.msgid, session.nick, reaction.strip(), added)

    def delete(self, entry: LogEntry) -> None:
        """REDACT entry; without echo-message the server tells us nothing, so it goes now."""
        session = self._live("delete a message")
        if not self._offered.can_delete(entry) or not entry.msgid or entry.deleted:
            raise InvalidInput("That message cannot be deleted here")
        target = self._presenter.route(entry).name
        if self._send(session.redact(target, entry.msgid)) and not session.echoes:
            self._redacted(target, entry.msgid)

    def _live(self, what: str) -> Session:
        session = self._session()
        if session is None:
            raise InvalidInput(f"Not connected: cannot {what} now")
        return session

    # --- what the log offers ---

    def offer(self, switched: bool) -> None:
        """Tell the view what the log offers now (when that changed); a switch of conversation
        ends reply mode."""
        offered = self.actions()
        if offered != self._offered:
            self._offered = offered
            self._view.set_message_actions(offered)
        if self.replying is not None and (switched or not offered.reply):
            self.cancel_reply()

    def actions(self) -> MessageActions:
        """Reply and react where the server carries client tags, delete where it offers
        draft/message-redaction (any message for a channel operator)."""
        session = self._session()
        if session is None:
            return MessageActions()
        tags, redaction = TAGS_CAP in session.caps, REDACTION_CAP in session.caps
        delete = ""
        if redaction:
            shown = self._presenter.current
            channel = session.channel(shown) if shown else None
            operator = channel is not None and bool(
                channel.users.prefixes_of(session.nick) & OPERATOR_PREFIXES)
            delete = "any" if operator else "own"
        return MessageActions(reply=tags, react=tags, delete=delete)

    # --- applying ---

    def _find(self, conversation: Conversation, msgid: str) -> LogEntry | None:
        if not msgid or msgid not in conversation.msgids:
            return None
        return conversation.log.find(msgid)

    def _reaction(self, target: str, msgid: str, nick: str, reaction: str, added: bool) -> None:
        conversation = self._presenter.conversations.get(target)
        entry = self._find(conversation, msgid) if conversation is not None else None
        session = self._presenter.session
        if session is None or (entry is not None and entry.deleted):
            return
        if entry is None:  # not here yet (history comes later): shown when it comes
            early = self._early.setdefault((self._presenter.key(target), msgid), [])
            early.append((nick, reaction, added))
            while len(self._early) > MAX_AWAITED:
                del self._early[next(iter(self._early))]
            return
        changed = toggled(entry, reaction, nick, added, session.key)
        if changed is not None:
            self._presenter.replace(entry, changed)

    def _redacted(self, target: str, msgid: str) -> None:
        self._early.pop((self._presenter.key(target), msgid), None)
        conversation = self._presenter.conversations.get(target)
        entry = self._find(conversation, msgid) if conversation is not None else None
        if conversation is None or entry is None or entry.deleted:
            return  # the spec: a msgid not in this target's log is ignored
        self._presenter.replace(entry, replace(entry, text="", deleted=True, reactions=(),
                                               reply_to="", quote=""))
        self._archive.redacted(conversation, msgid)
        if self.replying is not None and self.replying.msgid == msgid:
            self.cancel_reply()
