"""Our chat lines on their way: sent at once when we are live, else kept in the outbox until we
are back and caught up; an echo or a replayed line confirms each. Each is in the cache from the
moment it is typed until it is confirmed, so a crash loses none: the next run shows it pending,
lets the catch-up confirm what had arrived, and sends the rest. A server without echo-message
confirms nothing: a line counts as delivered once handed to the connection, and is gone from
the disk before that (at most once: a crash in that instant loses it, never sends it twice).
One line may go out in several messages (a multiline batch): it is one pending entry, which its
echoed batch confirms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from app.controllers.archive import Archive
from app.controllers.presenter import Presenter
from app.models import events as ev
from app.models.log import LogEntry
from app.models.outbox import Outbox, Outgoing
from app.models.outcome import Outcome
from app.models.session import Session
from ircproto.message import Message


class Sender:
    """Sends outcomes of Session.say/act; send puts one message on the current connection
    (False when it cannot)."""

    def __init__(self, presenter: Presenter, send: Callable[[Message], bool],
                 archive: Archive) -> None:
        self.outbox = Outbox()
        self._presenter = presenter
        self._send = send
        self._archive = archive

    def restore(self, kept: list[Outgoing]) -> None:
        """Messages kept unsent by the last run: pending again, in their conversations."""
        for item in kept:
            self.outbox.add(item)
            self._presenter.conversations.open(item.target, item.entry.private)
        self._presenter.add([item.entry for item in kept])

    def speak(self, session: Session, outcome: Outcome, target: str, action: bool,
              live: bool) -> None:
        """Session.say/act's outcome (a message per line) sent as say() does."""
        entries = [event.entry for event in outcome.events if isinstance(event, ev.MessageReceived)]
        self.say(session, [(entry, [message]) for entry, message
                           in zip(entries, outcome.outgoing, strict=True)], target, action, live)

    def say(self, session: Session, said: list[tuple[LogEntry, list[Message]]], target: str,
            action: bool, live: bool) -> None:
        """Send our lines (each in its messages: Session.speech) now, pending until echoed when
        the server echoes, or keep them pending in the outbox until we are back and caught up
        (live False)."""
        live = live and not self.outbox.unsent()  # none waits ahead
        if live and not session.echoes:
            for _, messages in said:
                for message in messages:
                    self._send(message)
            self._presenter.show([entry for entry, _ in said])
            return
        shown = []
        for entry, messages in said:
            pending = replace(entry, pending=True)
            item = Outgoing(target, entry.text, action, pending, sent=live,
                            reply_to=entry.reply_to)
            self.outbox.add(item)
            self._archive.keep(item)  # queued for the disk before it goes out
            shown.append(pending)
            if live:
                for message in messages:
                    self._send(message)
                self.outbox.sent(item)
        self._presenter.show(shown)

    def flush(self, session: Session) -> None:
        """We are registered, rejoined and caught up with history: send, in order, what was
        typed offline or sent but never confirmed (history showed which ones arrived)."""
        items = self.outbox.unsent()
        if session.echoes:
            self._archive.sending(items)
        else:  # nothing will confirm them: forgotten on disk first, so never sent twice
            self._archive.handed_over(items)
        for item in items:
            for message in session.messages_for(item.target, item.text, item.action,
                                                item.reply_to):
                self._send(message)
            self.outbox.sent(item)
            if not session.echoes:
                self.outbox.remove(item)
                self._deliver(item, kept=False)

    def confirmed(self, session: Session, entry: LogEntry) -> bool:
        """entry is the server's copy of a pending message of ours: mark that one delivered."""
        item = self.outbox.confirm(entry, session.key)
        if item is None:
            return False
        self._deliver(item, entry)
        return True

    def undelivered(self, target: str | None) -> None:
        """The server refused our message to target (404; its error line says why), or with
        None our multiline message (FAIL BATCH): the oldest one sent there is no longer
        pending, nor kept in the cache, and is not sent again after a reconnect."""
        item = self.outbox.refused(target, self._presenter.key)
        if item is not None:
            self._archive.delivered(item)  # no longer kept: the server answered it
            self._presenter.replace(item.entry, replace(item.entry, pending=False))

    def _deliver(self, item: Outgoing, copy: LogEntry | None = None, kept: bool = True) -> None:
        """item reached the server: its line is no longer pending (and takes the server's
        time and msgid from copy, its echo), and the cache no longer keeps it (kept: it
        still did)."""
        if kept:
            self._archive.delivered(item)
        new = replace(item.entry, pending=False)
        if copy is not None:
            new = replace(new, time=copy.time, msgid=copy.msgid)
        self._presenter.replace(item.entry, new)
