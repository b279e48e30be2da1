"""The chat window's controller, the one object the view talks to: a façade that wires the link,
the connect flow, the TLS trust step, the presenter, the cache and the sender, and turns view
actions, slash commands and session events into calls on them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.controllers import commands
from app.controllers.archive import Archive
from app.controllers.connect import ConnectFlow
from app.controllers.link import BATCH_LIMIT, ConnectionFactory, ConnectionLike, Link
from app.controllers.presenter import Presenter
from app.controllers.sender import Sender
from app.controllers.trust import TrustStep
from app.models import events as ev
from app.models.connection import CLOSE_WAIT, Connection
from app.models.conversations import STATUS, Conversations
from app.models.log import EntryKind, LogEntry
from app.models.outbox import Outbox
from app.models.session import Outcome, Session
from app.models.settings import DEFAULT_CHANNEL, THEMES, ConnectParams, PinRemoval, SettingsStore
from app.models.splitter import LINE_LIMIT
from app.models.trust import CertificateReceived
from app.models.userinput import InvalidInput
from app.models.users import UserItem
from app.views.base import ChatView
from ircproto.framing import LineError
from ircproto.message import Message, MessageError

CATCH_UP_MS = 20_000
"""After a reconnect, how long the outbox waits for the rejoins and history before it is sent
anyway (a channel we can no longer join, a server that never answers CHATHISTORY)."""
Clock = Callable[[], datetime]
log = logging.getLogger(__name__)
__all__ = ["BATCH_LIMIT", "CATCH_UP_MS", "ClientController", "start_client"]
"""BATCH_LIMIT stays importable from here for bench/ui_freeze.py; its home is link.py."""


class ClientController:
    """Implements ViewActions for one view and CommandContext for the slash commands; see
    start_client for how it is made."""

    def __init__(self, view: ChatView, *, settings_store: SettingsStore,
                 connection_factory: ConnectionFactory, clock: Clock,
                 channels: tuple[str, ...] = (DEFAULT_CHANNEL,),
                 cache_dir: Path | None = None) -> None:
        self.view, self.store, self.clock = view, settings_store, clock
        self._closed = False
        self._wanted = list(channels)
        self._marked: dict[str, datetime] = {}
        self.presenter = Presenter(view, clock, lambda c, e: self.archive.filed(c, e))
        self.archive = Archive(cache_dir, self.presenter)
        self.sender = Sender(self.presenter, self.send)
        self.link = Link(view, connection_factory, self._handle, self._after_batch,
                         lambda seconds: self.flow.silent(seconds))
        self.flow = ConnectFlow(self.link, settings_store, self.presenter, clock,
                                self._connecting, self.shut_down)
        self.trust = TrustStep(self.link, settings_store, self.presenter,
                               lambda reason, logged: self.flow.refuse(reason, logged=logged),
                               self.flow.refused)

    # --- state the view, the commands and the tests read ---

    @property
    def online(self) -> bool:
        """True once registered on a connection whose opening we drained (and not its end)."""
        return self.session is not None and self.session.registered and self.link.connected

    @property
    def caught_up(self) -> bool:
        """Online, rejoined, and every history page asked for has arrived (or we gave up)."""
        return self.online and self.flow.catch_up is not None and self.flow.catch_up.done

    @property
    def catching_up(self) -> list[str]:
        """The (folded) names of the channels and conversations catch-up still waits for."""
        return self.flow.catch_up.waiting() if self.flow.catch_up is not None else []

    @property
    def closed(self) -> bool:
        """True once the window was closed (quit, or the connect dialog cancelled)."""
        return self._closed

    @property
    def session(self) -> Session | None:
        """The current connection's Session (None before the first connect)."""
        return self.flow.session

    @property
    def params(self) -> ConnectParams:
        """What we connect with."""
        return self.flow.params

    @property
    def address(self) -> str:
        """host:port we connect to."""
        return self.flow.address

    @property
    def current(self) -> str | None:
        """The conversation shown and talked to (None: the server's lines)."""
        return self.presenter.current

    @property
    def conversations(self) -> Conversations:
        """The open conversations."""
        return self.presenter.conversations

    @property
    def outbox(self) -> Outbox:
        """Our messages the server has not confirmed yet."""
        return self.sender.outbox

    @property
    def connection(self) -> ConnectionLike | None:
        """The current connection."""
        return self.link.connection

    # --- starting and ending ---

    def begin(self, params: ConnectParams | None, defaults: ConnectParams | None = None) -> None:
        """Connect with params, or ask for them first (with defaults, else the settings')."""
        self.flow.begin(params, defaults)

    def _connecting(self, params: ConnectParams) -> None:
        """Before each connect: nothing is sent on the new connection yet; the first one shows
        what the cache holds for host:port and nick."""
        self.outbox.new_connection()
        if self.archive.opened:
            return
        self.sender.restore(self.archive.open(params))
        if not self.archive.opened:
            return
        wanted = [self.conversations.get(name) for name in self._wanted]
        first = next((found for found in wanted if found is not None), None)
        if first is not None:
            self.switch_to(first.name)
        else:
            self.refresh()

    def shut_down(self, reason: str = "") -> None:
        """Leave: QUIT when online, close the connection (without waiting), close the view."""
        if self._closed:
            return
        self._closed = True
        if self.online and self.session is not None:
            self.link.send(self.session.quit(reason or "Leaving"))
        self.link.close()
        lost = self.archive.close(self.outbox.items())
        if lost:
            log.error("%s: %d unsent messages lost", lost, len(self.outbox))
        self.view.close()

    def wait_closed(self, timeout: float = CLOSE_WAIT) -> bool:
        """After shut_down, once the UI loop ended: let the QUIT go out (at most timeout)."""
        return self.link.wait_closed(timeout)

    # --- items drained from the connection, and session events ---

    def _handle(self, item: object) -> None:
        """File the lines of one item; a bug while handling it costs that item, not the client."""
        try:
            self.presenter.add(self._entries_for(item), self._confirmed)
        except Exception as error:  # logged with its traceback, and shown
            log.exception("error while handling %r", item)
            self.presenter.add([self.presenter.entry(
                f"Internal error while handling {_describe(item)}: {error!r}", EntryKind.ERROR)])

    def _entries_for(self, item: object) -> list[LogEntry]:
        if isinstance(item, Message):
            assert self.session is not None
            return self._apply(self.session.feed(item)) + self.flow.heard(item)
        if isinstance(item, CertificateReceived):
            return self.trust.check(item)
        if isinstance(item, LineError):
            detail = f": {item.detail})" if item.detail else ")"
            return [self.presenter.entry(f"Ignored a line from the server ({item.reason}{detail}",
                                         EntryKind.ERROR)]
        if isinstance(item, ev.ConnectionOpened):
            return self.flow.opened()
        if isinstance(item, ev.ConnectFailed):
            return self.flow.connect_failed(item.reason)
        if isinstance(item, ev.ConnectionClosed):
            return self.flow.closed(item)
        log.error("unexpected item on the connection queue: %r", item)
        return [self.presenter.entry(f"Internal error: unexpected {type(item).__name__}",
                                     EntryKind.ERROR)]

    def _confirmed(self, entry: LogEntry) -> bool:
        return self.session is not None and self.sender.confirmed(self.session, entry)

    def _apply(self, outcome: Outcome) -> list[LogEntry]:
        """Send what the session wants sent; act on its events; return the log lines."""
        for message in outcome.outgoing:
            self.link.send(message)
        entries: list[LogEntry] = []
        for event in outcome.events:
            entries += [event.entry] if isinstance(event, ev.MessageReceived) \
                else self._on_event(event)
        return entries

    def _on_event(self, event: ev.Event) -> list[LogEntry]:
        session, catch_up = self.session, self.flow.catch_up
        assert session is not None and catch_up is not None
        if isinstance(event, ev.Registered):
            return self._registered(session, event.nick)
        if isinstance(event, ev.NickRejected):
            return self.flow.nick_rejected(event.reason)
        if isinstance(event, (ev.HistoryReceived, ev.HistoryTargetFound, ev.RequestFailed)):
            self._send_all(catch_up.on_event(event))
        elif isinstance(event, ev.ReadMarkerSet):
            self.presenter.read_elsewhere(event)
        elif isinstance(event, ev.UserJoined) and event.own:
            self._joined(session, event.channel)
        elif isinstance(event, ev.UserParted) and event.own:
            self._left(session, event.channel, closing=not event.kicked_by)
        elif isinstance(event, ev.UsersChanged) and self.presenter.is_current(event.channel):
            self.view.set_users(list(event.users))
        elif isinstance(event, ev.NickChanged) and event.own:
            return self.flow.renamed(event.new)
        elif isinstance(event, ev.NickChanged):
            self.presenter.renamed(event.old, event.new)
            return self._reclaim(event.old)
        elif isinstance(event, ev.UserQuit):
            return self._reclaim(event.nick)
        return []

    def _reclaim(self, freed: str) -> list[LogEntry]:
        """On a fallback nick (me_) and our own nick was just freed: take it back."""
        message = self.flow.reclaim(freed)
        if message is None:
            return []
        self.send(message)
        return [self.presenter.entry(f"{self.params.nick} is free again; taking it back")]

    def _registered(self, session: Session, nick: str) -> list[LogEntry]:
        again, entries = self.flow.registered(nick)
        self.view.set_status("connected", self.current or "")
        self.conversations.rekey(self.presenter.key)
        self._marked = {}
        self.link.while_open(CATCH_UP_MS, self._stop_waiting)
        for channel in self._wanted:
            self.link.send(session.join(channel))
        assert self.flow.catch_up is not None
        self.flow.catch_up.registered(self._wanted if again or len(self.outbox) else ())
        if again:
            rejoin = f"; rejoining {', '.join(self._wanted)}" if self._wanted else ""
            entries.append(self.presenter.entry(f"Reconnected to {self.address} as {nick}{rejoin}"))
        return entries

    def _wanted_index(self, session: Session, channel: str) -> int:
        keys = [session.key(name) for name in self._wanted]
        return keys.index(session.key(channel)) if session.key(channel) in keys else -1

    def _joined(self, session: Session, channel: str) -> None:
        """We are in channel: fetch what we missed there, and talk there, unless it is a rejoin
        after a reconnect (then the conversation we looked at before stays current)."""
        if self._wanted_index(session, channel) < 0:
            self._wanted.append(channel)
        self.conversations.open(channel)
        assert self.flow.catch_up is not None
        requests, awaited = self.flow.catch_up.joined(channel)
        self._send_all(requests)
        if awaited and self.current is not None:
            if self.presenter.is_current(channel):
                self.view.set_users(session.users(channel))
            return
        self.switch_to(channel)

    def _left(self, session: Session, channel: str, closing: bool = True) -> None:
        index = self._wanted_index(session, channel)
        if index >= 0:
            del self._wanted[index]
        current = self.presenter.is_current(channel)
        if closing:
            self.conversations.close(channel)
            self.archive.forget(channel)
        if current:
            remaining = session.channels()
            self.switch_to(remaining[-1] if remaining else None)

    # --- catching up, the outbox, the read marker ---

    def _stop_waiting(self) -> None:
        """CATCH_UP_MS after registering: send the outbox even if some rejoin or history
        request never finished, and say so."""
        if self._closed or self.caught_up or self.flow.catch_up is None:
            return
        waiting = self.flow.catch_up.give_up()
        self.presenter.error(f"Stopped waiting for {', '.join(waiting) or 'the server'} to "
                             f"catch up; sending what you typed")
        self._after_batch()

    def _after_batch(self) -> None:
        if len(self.outbox) and self.caught_up and self.session is not None:
            self.sender.flush(self.session)
        self.refresh()

    def refresh(self) -> None:
        """Update the view, tell the server what we have read, save to the cache."""
        self.presenter.refresh()
        self._send_read_marker()
        self.archive.save()

    def _send_read_marker(self) -> None:
        """MARKREAD the newest line of the conversation the user is looking at."""
        session, shown = self.session, self.presenter.shown()
        if (not self.online or session is None or shown.last_time is None
                or "draft/read-marker" not in session.caps or shown.name == STATUS):
            return
        key = session.key(shown.name)
        if key in self._marked and self._marked[key] >= shown.last_time:
            return
        self._marked[key] = shown.last_time
        shown.read_until = max(shown.read_until or shown.last_time, shown.last_time)
        self.send(session.mark_read(shown.name, shown.last_time))

    # --- CommandContext ---

    def send(self, message: Message) -> bool:
        """Send one message on the current connection; False with an error line when it is
        longer than an IRC line may be."""
        size = len(message.encode())
        if size > LINE_LIMIT:
            self.presenter.error(f"Not sent: {message.verb} would be {size} bytes; an IRC line "
                                 f"holds at most {LINE_LIMIT}")
            return False
        self.link.send(message)
        return True

    def _send_all(self, messages: list[Message]) -> None:
        for message in messages:
            self.send(message)

    def say(self, text: str, target: str | None = None, action: bool = False) -> bool:
        """Send text (split to fit) to target or the current channel; InvalidInput when that
        cannot be done."""
        target, session = target or self.current, self.session
        if session is None or not (self.online or self.flow.ever_registered
                                   or (target and self.archive.opened)):
            raise InvalidInput("Not connected: nothing was sent")
        if target is None:
            raise InvalidInput("You are in no channel: /join #channel first")
        try:
            outcome = (session.act if action else session.say)(target, text)
        except MessageError as error:  # the wire format refused the user's line
            raise InvalidInput(f"Not sent: {error}") from error
        self.sender.speak(session, outcome, target, action, live=self.online)
        return True

    def inform(self, *texts: str) -> None:
        """Show system lines."""
        self.presenter.show([self.presenter.entry(text) for text in texts])

    def switch_to(self, name: str | None) -> None:
        """Show name (None: the server's lines) and talk there."""
        self.presenter.switch_to(name, self.online)

    def forget_certificate(self, server_id: str) -> PinRemoval:
        """Remove the pin of server_id ('host:port')."""
        return self.trust.forget(server_id)

    def current_users(self) -> list[UserItem]:
        """The current channel's users, sorted for display."""
        return self.presenter.current_users()

    # --- ViewActions ---

    def on_send(self, text: str) -> None:
        """Send/Enter: a slash command, or text for the current channel. Wrong input is an
        error line; a bug is logged with its traceback and shown as an internal error."""
        if not text.strip():
            return
        try:
            if text.startswith("/") and not text.startswith("//"):
                handled = commands.run(self, text)
            else:
                handled = self.say(text[1:] if text.startswith("//") else text)
        except InvalidInput as error:
            self.presenter.error(str(error))
            handled = False
        except Exception as error:
            log.exception("error while handling what the user typed")
            self.presenter.error(f"Internal error (a bug, logged): {error!r}")
            handled = False
        if handled and not self._closed:
            self.view.clear_input()

    def on_switch(self, name: str) -> None:
        """The user picked a conversation in the list: show it and talk there."""
        if name == STATUS or self.conversations.get(name) is not None:
            self.switch_to(None if name == STATUS else name)
        else:
            self.presenter.error(f"No conversation called {name}")

    def on_users(self) -> None:
        """Users button: show the current channel's users."""
        self.view.show_users(self.current_users())

    def on_escape(self) -> None:
        """Escape: ask, then leave."""
        if self.view.confirm_exit():
            self.shut_down()

    def on_close(self) -> None:
        """Window X: ask, then leave."""
        if self.view.confirm_exit():
            self.shut_down()

    def on_theme_changed(self, theme: str) -> None:
        """Remember the theme; say so when it is unknown or cannot be saved."""
        if theme not in THEMES:
            self.presenter.error(f"Unknown theme {theme!r}")
        elif not self.store.update(theme=theme):
            self.presenter.error(f"Could not save the theme to {self.store.path}")


def _describe(item: object) -> str:
    return f"'{item.format()}'" if isinstance(item, Message) else type(item).__name__


def start_client(view: ChatView, *, params: ConnectParams | None = None,
                 settings_store: SettingsStore | None = None,
                 connection_factory: ConnectionFactory | None = None,
                 clock: Clock | None = None,
                 defaults: ConnectParams | None = None,
                 cache_dir: Path | None = None) -> ClientController:
    """Make the controller, bind it to view, and connect (asking first when params is None,
    with defaults or else the remembered values). cache_dir: where the local log cache lives
    (None: no cache)."""
    controller = ClientController(
        view,
        settings_store=settings_store if settings_store is not None else SettingsStore(),
        connection_factory=connection_factory if connection_factory is not None else Connection,
        clock=clock if clock is not None else datetime.now,
        cache_dir=cache_dir,
    )
    view.bind(controller)
    controller.begin(params, defaults)
    return controller
