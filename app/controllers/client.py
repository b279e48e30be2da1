"""The chat window's controller, the one object the view talks to: a façade that wires the link,
the connector (connect flow, TLS trust step), the presenter, the cache and the sender, and turns
view actions, slash commands and session events into calls on them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.controllers import commands
from app.controllers.activity import Activity
from app.controllers.alerts import Alerts
from app.controllers.annotations import Annotations
from app.controllers.archive import Archive
from app.controllers.commandsupport import CommandSupport
from app.controllers.connector import Connector
from app.controllers.link import ConnectionFactory, Link
from app.controllers.menuactions import MenuActions
from app.controllers.preferences import PreferencesFlow
from app.controllers.presenter import Presenter
from app.controllers.reactions import Reactions
from app.controllers.search import Searcher
from app.controllers.sender import Sender
from app.models.connection import CLOSE_WAIT, Connection
from app.models.conversations import STATUS, Conversation, Conversations
from app.models.ignores import IgnoreList
from app.models.log import EntryKind, LogEntry
from app.models.notifier import Notifier
from app.models.replies import quote_of
from app.models.session import Session
from app.models.settings import (
    DEFAULT_CHANNEL,
    ConnectParams,
    Settings,
    SettingsStore,
)
from app.models.splitter import LINE_LIMIT
from app.models.userinput import InvalidInput
from app.views.base import ChatView
from ircproto.message import Message, MessageError

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)


class ClientController(CommandSupport, MenuActions):
    """Implements ViewActions for one view (the menus' part in MenuActions) and CommandContext
    for the slash commands (helpers in CommandSupport); see start_client for how it is made."""

    def __init__(self, view: ChatView, *, settings_store: SettingsStore,
                 connection_factory: ConnectionFactory, clock: Clock,
                 channels: tuple[str, ...] = (DEFAULT_CHANNEL,),
                 cache_dir: Path | None = None, notifier: Notifier | None = None) -> None:
        self.view, self.store = view, settings_store
        self._closed = False
        self.presenter = Presenter(view, clock, lambda c, e: self._filed(c, e))
        self.archive = Archive(cache_dir, self.presenter,
                               lambda entries, nick: self._alerts.mark(entries, nick))
        self._alerts = Alerts(view, self.presenter, settings_store, notifier, self.switch_to)
        self.presenter.notify_mode_of = lambda name, private: \
            self._alerts.mode_of(name, private).value
        self.sender = Sender(self.presenter, self.send, self.archive)
        self.link = Link(view, connection_factory, self._handle, self._after_batch,
                         lambda seconds: self.connector.silent(seconds),
                         lambda: clock().timestamp())
        self.connector = Connector(self.link, settings_store, self.presenter, clock,
                                self._connecting, self.shut_down)
        self.reactions = Reactions(
            channels, presenter=self.presenter, connector=self.connector, link=self.link,
            archive=self.archive, send=self.send, switch_to=self.switch_to,
            waiting=lambda: len(self.sender.outbox) > 0, gave_up=self._after_batch,
            undelivered=self.sender.undelivered)
        self.activity = Activity(view, clock, lambda: self.session, lambda: self.current,
                                 self.send, lambda: self.online,
                                 lambda nick: self.presenter.ignores.ignores(nick))
        self.searcher = Searcher(view, self.presenter, self.archive,
                                 lambda: self.session if self.online else None, self.send,
                                 self.switch_to, lambda: self.caught_up)
        self.annotations = Annotations(view, self.presenter, self.archive,
                                       lambda: self.session if self.online else None, self.send,
                                       lambda: self.caught_up)
        self.presenter.annotate = self.annotations.annotate
        self.preferences = PreferencesFlow(view, settings_store, self._alerts,
                                           self.apply_options, self.inform,
                                           self.on_theme_changed)
        self.apply_options(settings_store.load())

    def apply_options(self, settings: Settings) -> None:
        """Use the remembered chat options: typing notifications, automatic away, the ignore
        list, compact join/part lines."""
        self.activity.send_typing = settings.send_typing
        self.activity.set_idle_minutes(settings.auto_away_minutes)
        self.presenter.ignores = IgnoreList(settings.ignored, self.presenter.key)
        self.presenter.compact_joins = settings.compact_joins

    # --- state the view, the commands and the tests read ---

    @property
    def online(self) -> bool:
        """True once registered on a connection whose opening we drained (and not its end)."""
        return self.session is not None and self.session.registered and self.link.connected

    @property
    def caught_up(self) -> bool:
        """Online, rejoined, and every history page asked for has arrived (or we gave up)."""
        return self.online and self.connector.catch_up is not None and self.connector.catch_up.done

    @property
    def catching_up(self) -> list[str]:
        """The (folded) names of the channels and conversations catch-up still waits for."""
        return self.connector.catch_up.waiting() if self.connector.catch_up is not None else []

    @property
    def closed(self) -> bool:
        """True once the window was closed (quit, or the connect dialog cancelled)."""
        return self._closed

    @property
    def session(self) -> Session | None:
        """The current connection's Session (None before the first connect)."""
        return self.connector.session

    @property
    def params(self) -> ConnectParams:
        """What we connect with."""
        return self.connector.params

    @property
    def current(self) -> str | None:
        """The conversation shown and talked to (None: the server's lines)."""
        return self.presenter.current

    @property
    def alerts(self) -> Alerts:
        """Mentions, notifications and their settings."""
        return self._alerts

    @property
    def conversations(self) -> Conversations:
        """The open conversations."""
        return self.presenter.conversations

    # --- starting and ending ---

    def begin(self, params: ConnectParams | None, defaults: ConnectParams | None = None) -> None:
        """Connect with params, or ask for them first (with defaults, else the settings')."""
        self.connector.begin(params, defaults)

    def _connecting(self, params: ConnectParams) -> None:
        """Before each connect: nothing is sent on the new connection yet; the first one shows
        what the cache holds for host:port and nick."""
        self.sender.outbox.new_connection()
        self.activity.new_connection()
        if self.archive.opened:
            return
        self.sender.restore(self.archive.open(params))
        if not self.archive.opened:
            return
        wanted = [self.conversations.get(name) for name in self.reactions.wanted]
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
        self.alerts.close()
        lost = self.archive.close()
        if lost and len(self.sender.outbox):
            log.error("%s: %d unsent messages may be lost", lost, len(self.sender.outbox))
        self.view.close()

    def wait_closed(self, timeout: float = CLOSE_WAIT) -> bool:
        """After shut_down, once the UI loop ended: let the QUIT go out (at most timeout)."""
        return self.link.wait_closed(timeout)

    # --- items drained from the connection, and session events ---

    def _handle(self, item: object) -> None:
        """File the lines of one item; a bug while handling it costs that item, not the client."""
        try:
            entries = self.alerts.mark(self._entries_for(item))
            self.presenter.add(entries, self._confirmed)
            self.alerts.consider(entries)
        except Exception as error:  # logged with its traceback, and shown
            log.exception("error while handling %r", item)
            self.presenter.add([self.presenter.entry(
                f"Internal error while handling {_describe(item)}: {error!r}", EntryKind.ERROR)])

    def _entries_for(self, item: object) -> list[LogEntry]:
        if isinstance(item, Message):
            assert self.session is not None
            outcome = self.session.feed(item)
            for event in outcome.events:
                self.activity.heard(event)
            self.searcher.heard(outcome.events)
            self.annotations.heard(outcome.events)
            return self.reactions.apply(outcome) + self.connector.heard(item)
        return self.connector.on_item(item)

    def _filed(self, conversation: Conversation, entry: LogEntry) -> None:
        self.archive.filed(conversation, entry)
        self.annotations.filed(conversation, entry)

    def _confirmed(self, entry: LogEntry) -> bool:
        return self.session is not None and self.sender.confirmed(self.session, entry)

    # --- after each batch of items ---

    def _after_batch(self) -> None:
        """Send the outbox once caught up; show what changed."""
        if len(self.sender.outbox) and self.caught_up and self.session is not None:
            self.sender.flush(self.session)
        self.annotations.after_batch()
        self.refresh()

    def refresh(self) -> None:
        """Update the view, tell the server what we have read, save to the cache."""
        self.presenter.refresh()
        self.annotations.offer(switched=False)
        marker = self.presenter.read_marker(self.online)
        if marker is not None:
            self.send(marker)
        self.archive.save()

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

    def say(self, text: str, target: str | None = None, action: bool = False) -> bool:
        """Send text (split to fit) to target or the current channel; InvalidInput when that
        cannot be done."""
        target, session = target or self.current, self.session
        if session is None or not (self.online or self.connector.ever_registered
                                   or (target and self.archive.opened)):
            raise InvalidInput("Not connected: nothing was sent")
        if target is None:
            raise InvalidInput("You are in no channel: /join #channel first")
        parent = None if action else self.annotations.reply_for(target)
        try:
            said = session.speech(target, text, action, parent.msgid if parent else "",
                                  quote_of(parent) if parent else "")
        except MessageError as error:  # the wire format refused the user's line
            raise InvalidInput(f"Not sent: {error}") from error
        self.sender.say(session, said, target, action, live=self.online)
        if parent is not None:
            self.annotations.cancel_reply()
        return True

    def inform(self, *texts: str) -> None:
        """Show system lines."""
        self.presenter.show([self.presenter.entry(text) for text in texts])

    def switch_to(self, name: str | None) -> None:
        """Show name (None: the server's lines) and talk there."""
        self.presenter.switch_to(name, self.online)
        self.annotations.offer(switched=True)
        self.activity.show()

    # --- ViewActions ---

    def on_send(self, text: str) -> None:
        """Send/Enter: a slash command, or text for the current channel. Wrong input is an
        error line; a bug is logged with its traceback and shown as an internal error."""
        if not text.strip():
            return
        typed_in = self.current  # a /msg or /query may switch conversations
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
            self.activity.spoke(typed_in)
            self.view.clear_input()

    def on_input_changed(self, text: str) -> None:
        """The input's text changed: typing notifications, and we are not idle."""
        self.activity.typed(text)

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
        """Window X: ask, then leave (as Escape does)."""
        self.on_escape()


def _describe(item: object) -> str:
    return f"'{item.format()}'" if isinstance(item, Message) else type(item).__name__


def start_client(view: ChatView, *, params: ConnectParams | None = None,
                 settings_store: SettingsStore | None = None,
                 connection_factory: ConnectionFactory | None = None,
                 clock: Clock | None = None,
                 defaults: ConnectParams | None = None,
                 cache_dir: Path | None = None,
                 notifier: Notifier | None = None) -> ClientController:
    """Make the controller, bind it to view, and connect (asking first when params is None,
    with defaults or else the remembered values). cache_dir: where the local log cache lives
    (None: no cache); notifier: where desktop notifications go (None: none)."""
    controller = ClientController(
        view,
        settings_store=settings_store if settings_store is not None else SettingsStore(),
        connection_factory=connection_factory if connection_factory is not None else Connection,
        clock=clock if clock is not None else datetime.now,
        cache_dir=cache_dir,
        notifier=notifier,
    )
    view.bind(controller)
    controller.begin(params, defaults)
    return controller
