"""The chat window's controller: asks where to connect, runs the Connection and Session, drains
the connection's queue on the UI thread in bounded batches, trusts TLS certificates on first use
(pinned fingerprints), sends the server password, reconnects with backoff, and answers the view's
actions (Send/Enter, Users, Escape, X, theme)."""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from app.controllers import commands
from app.models import events as ev
from app.models.connection import Connection
from app.models.log import EntryKind, LogEntry, MessageLog
from app.models.session import Outcome, Session
from app.models.settings import DEFAULT_CHANNEL, THEMES, ConnectParams, SettingsStore
from app.models.splitter import LINE_LIMIT
from app.models.trust import (CertificateReceived, Verdict, check, fingerprint_halves,
                              server_key)
from app.models.users import UserItem
from app.views.base import ChatView
from ircproto.framing import LineError
from ircproto.message import Message, MessageError
from ircproto.names import nick_error
from ircproto.numerics import ERR_PASSWDMISMATCH

POLL_MS = 40
BATCH_LIMIT = 200
BACKOFF_SECONDS = (1, 2, 4, 8, 16, 30)
KEEPALIVE_MS = 60_000
"""Silence this long makes us PING the server; twice this long means the link is dead."""
WRONG_PASSWORD = "The server password was wrong"
PASSWORD_NEEDED = "This server needs a password: enter it and connect again"
log = logging.getLogger(__name__)


class ConnectionLike(Protocol):
    """What the controller needs of a connection (Connection, or the tests' FakeConnection)."""

    events: queue.Queue[object]

    @property
    def state(self) -> str: ...

    def start(self) -> None: ...

    def send(self, message: Message) -> None: ...

    def trust_certificate(self, trusted: bool) -> None: ...

    def close(self) -> None: ...


ConnectionFactory = Callable[[str, int, bool], ConnectionLike]
"""Makes a connection to (host, port, tls)."""
Clock = Callable[[], datetime]


def params_error(params: ConnectParams) -> str:
    """Why params cannot be used to connect ('' when they can)."""
    host = params.host.strip()
    if not host or any(c.isspace() for c in host):
        return "Enter a host name or address (no spaces)"
    if not 0 < params.port < 65536:
        return f"The port must be between 1 and 65535, not {params.port}"
    error = nick_error(params.nick)
    if error:
        return f"Invalid nickname: {error}"
    if commands.has_line_break(params.password):
        return "The password cannot contain line breaks or NUL characters"
    return ""


def fallback_nicks(nick: str) -> tuple[str, ...]:
    """The nicks to try when nick is taken on reconnect."""
    return (nick + "_", nick + "__")


class ClientController:
    """Implements ViewActions for one view; see start_client for how it is made."""

    def __init__(self, view: ChatView, *, settings_store: SettingsStore,
                 connection_factory: ConnectionFactory, clock: Clock,
                 channels: tuple[str, ...] = (DEFAULT_CHANNEL,)) -> None:
        self.view = view
        self.log = MessageLog()
        self.store = settings_store
        self.params = ConnectParams()
        self.session: Session | None = None
        self.connection: ConnectionLike | None = None
        self.current: str | None = None
        self.clock = clock
        self._factory = connection_factory
        self._wanted = list(channels)
        self._ever_registered = False
        self._attempt = 0
        self._closed = False
        self._polling = False
        self._rejoining: set[str] = set()
        self._generation = 0
        self._heard = False
        self._pinged = False
        self._lines_heard = False
        self._refusal = ""
        """Why we ended the connection ourselves before registering (an untrusted or changed
        certificate, a wrong password): the connect dialog comes back with it, no retry."""

    # --- state the commands read ---

    @property
    def online(self) -> bool:
        """True once registered on a live connection."""
        return (self.session is not None and self.session.registered
                and self.connection is not None and self.connection.state == "connected")

    @property
    def closed(self) -> bool:
        """True once the window was closed (quit, or the connect dialog cancelled)."""
        return self._closed

    @property
    def address(self) -> str:
        """host:port we connect to."""
        return f"{self.params.host}:{self.params.port}"

    # --- the connect flow ---

    def begin(self, params: ConnectParams | None, defaults: ConnectParams | None = None) -> None:
        """Connect with params, or ask for them first (with defaults, else the settings')."""
        if params is None:
            self.ask(defaults if defaults is not None else self.store.load().connect_params)
        elif error := params_error(params):
            self.ask(params, error)
        else:
            self.connect(params)

    def ask(self, defaults: ConnectParams, error: str = "") -> None:
        """Show the connect dialog until the values are valid; connect, or close on cancel."""
        while True:
            answer = self.view.ask_connection(defaults, error)
            if answer is None:
                self.shut_down()
                return
            answer = replace(answer, host=answer.host.strip(), nick=answer.nick.strip())
            error = params_error(answer)
            if not error:
                self._forget_password_unless_kept(answer)
                self.connect(answer)
                return
            defaults = answer

    def _forget_password_unless_kept(self, params: ConnectParams) -> None:
        """Unticking 'Remember password' removes a stored password at once."""
        stored = self.store.load()
        if not params.remember_password and (stored.password or stored.remember_password):
            if not self.store.update(password="", remember_password=False):
                self.show([self.entry(f"Could not remove the saved password from "
                                      f"{self.store.path}", EntryKind.ERROR)])

    def connect(self, params: ConnectParams, fallbacks: tuple[str, ...] = ()) -> None:
        """Open a new connection and session with params (closing any old connection)."""
        self._drop_connection()
        self.params = params
        self.session = Session(params.nick, fallback_nicks=fallbacks, clock=self.clock)
        self._refusal = ""
        self._lines_heard = False
        self.connection = self._factory(params.host, params.port, params.tls)
        self.view.set_status("connecting", f"Connecting to {self.address}")
        self.connection.start()
        self._generation += 1
        self._heard, self._pinged = True, False
        generation = self._generation
        self.view.schedule(KEEPALIVE_MS, lambda: self._keepalive(generation))
        if not self._polling:
            self._polling = True
            self.view.schedule(POLL_MS, self.poll)

    def _drop_connection(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def shut_down(self, reason: str = "") -> None:
        """Leave: QUIT when online, close the connection, close the view."""
        if self._closed:
            return
        self._closed = True
        if self.online and self.session is not None and self.connection is not None:
            self.connection.send(self.session.quit(reason or "Leaving"))
        self._drop_connection()
        self.view.close()

    # --- draining the queue on the UI thread ---

    def poll(self) -> None:
        """Handle at most BATCH_LIMIT queued items, show their log lines in one call, and
        come back: at once when there may be more, else after POLL_MS."""
        if self._closed:
            self._polling = False
            return
        entries: list[LogEntry] = []
        handled = 0
        connection = self.connection
        while connection is not None and connection is self.connection and handled < BATCH_LIMIT:
            try:
                item = connection.events.get_nowait()
            except queue.Empty:
                break
            handled += 1
            self._heard = True
            entries.extend(self._handle_safely(item))
        self.show(entries)
        if self._closed:
            self._polling = False
        else:
            self.view.schedule(0 if handled >= BATCH_LIMIT else POLL_MS, self.poll)

    def show(self, entries: list[LogEntry]) -> None:
        """Log entries and show them in one view call."""
        if entries:
            self.log.extend(entries)
            self.view.show_entries(entries)

    def entry(self, text: str, kind: EntryKind = EntryKind.SYSTEM, target: str = "") -> LogEntry:
        """A local system or error line."""
        return LogEntry(self.clock(), "", target, text, kind)

    def _handle_safely(self, item: object) -> list[LogEntry]:
        """_handle_item, but a bug while handling one item costs that item, not the client."""
        try:
            return self._handle_item(item)
        except Exception as error:  # logged with its traceback, and shown
            log.exception("error while handling %r", item)
            return [self.entry(f"Internal error while handling {_describe(item)}: {error!r}",
                               EntryKind.ERROR)]

    def _handle_item(self, item: object) -> list[LogEntry]:
        if isinstance(item, Message):
            assert self.session is not None
            self._lines_heard = True
            entries = self.apply(self.session.feed(item))
            if self._password_refused(item):
                reason = WRONG_PASSWORD if self.params.password else PASSWORD_NEEDED
                return entries + self._refuse(reason, password_wrong=True)
            return entries
        if isinstance(item, CertificateReceived):
            return self._certificate(item)
        if isinstance(item, LineError):
            text = f"Ignored a line from the server ({item.reason}"
            text += f": {item.detail})" if item.detail else ")"
            return [self.entry(text, EntryKind.ERROR)]
        if isinstance(item, ev.ConnectionOpened):
            return self._opened()
        if isinstance(item, ev.ConnectFailed):
            return self._failed(self._refusal or item.reason)
        if isinstance(item, ev.ConnectionClosed):
            return [] if item.by_us else self._failed(self._closed_reason(item.reason))
        log.error("unexpected item on the connection queue: %r", item)
        return [self.entry(f"Internal error: unexpected {type(item).__name__}", EntryKind.ERROR)]

    def _keepalive(self, generation: int) -> None:
        """Every KEEPALIVE_MS: PING after a silent interval; drop the link after two. Before
        registration (a certificate question may take a while) it only waits."""
        if self._closed or generation != self._generation:
            return
        if not self.online:
            self.view.schedule(KEEPALIVE_MS, lambda: self._keepalive(generation))
            return
        if self._heard:
            self._heard, self._pinged = False, False
        elif not self._pinged:
            self._pinged = True
            self.send(Message("PING", ("localchat",)))
        else:
            seconds = 2 * KEEPALIVE_MS // 1000
            self.show(self._failed(f"No reply from {self.address} for {seconds} s"))
            return
        self.view.schedule(KEEPALIVE_MS, lambda: self._keepalive(generation))

    def _opened(self) -> list[LogEntry]:
        assert self.session is not None and self.connection is not None
        if self.params.password:
            self.connection.send(Message("PASS", (self.params.password,)))
        for message in self.session.start():
            self.connection.send(message)
        self.view.set_status("connecting", f"Registering as {self.session.nick}")
        return []

    def _failed(self, reason: str, logged: str = "") -> list[LogEntry]:
        """The connection failed or dropped: ask again before the first welcome (or after we
        refused the server), else retry. logged: the log line, when not reason on one line."""
        self._drop_connection()
        if self._refusal:
            self._ever_registered = False  # what comes next is a new start, not a reconnect
        if not self._ever_registered:
            self.view.set_status("disconnected", reason.splitlines()[0] if reason else "")
            self.view.schedule(0, lambda: self._ask_again(reason))
            return [self.entry(logged or one_line(reason), EntryKind.ERROR)]
        return self._lost(ev.ConnectionLost(reason))

    def _ask_again(self, reason: str) -> None:
        if not self._closed:
            self.ask(self.params, reason)

    def _lost(self, event: ev.ConnectionLost) -> list[LogEntry]:
        delay = BACKOFF_SECONDS[min(self._attempt, len(BACKOFF_SECONDS) - 1)]
        self._attempt += 1
        retry = ev.Reconnecting(delay, self._attempt)
        self.view.set_status("disconnected", f"{event.reason}; reconnecting in {delay} s")
        self.view.set_users([])
        self.view.schedule(int(retry.delay * 1000), self._reconnect)
        return [self.entry(f"{event.reason}. Reconnecting in {delay} s "
                           f"(attempt {retry.attempt})", EntryKind.ERROR)]

    def _reconnect(self) -> None:
        if not self._closed:
            self.connect(self.params, fallback_nicks(self.params.nick))

    # --- TLS certificates (trust on first use) and the server password ---

    def _certificate(self, item: CertificateReceived) -> list[LogEntry]:
        """The server showed its certificate: go on when it is the pinned one, refuse a changed
        one, ask the user about a new one (the connection holds until answered)."""
        assert self.connection is not None
        server_id = server_key(item.host, item.port)
        pins = self.store.load().pins
        verdict = check(pins, server_id, item.fingerprint)
        if verdict is Verdict.SAME:
            self.connection.trust_certificate(True)
            return []
        if verdict is Verdict.CHANGED:
            self.connection.trust_certificate(False)
            pinned = pins[server_id]
            return self._refuse(
                certificate_changed(server_id, pinned, item.fingerprint),
                logged=f"Refused to connect: the TLS certificate of {server_id} has CHANGED from "
                       f"the pinned SHA-256 {pinned} to {item.fingerprint}. Only if its owner "
                       f"made a new one, remove the pin with /forget-cert {server_id}")
        connection = self.connection
        self.view.schedule(0, lambda: self._ask_trust(connection, item))
        return [self.entry(f"{server_id} presents a TLS certificate not seen before, "
                           f"SHA-256 fingerprint {item.fingerprint}")]

    def _ask_trust(self, connection: ConnectionLike, item: CertificateReceived) -> None:
        if self._closed or connection is not self.connection:
            return
        server_id = server_key(item.host, item.port)
        trusted = self.view.confirm_certificate(server_id, item.fingerprint)
        if self._closed or connection is not self.connection:
            return
        if not trusted:
            self._refusal = f"You did not trust the certificate of {server_id}; not connected"
            connection.trust_certificate(False)
            return
        entries = [self.entry(f"Trusted the certificate of {server_id} (SHA-256 "
                              f"{item.fingerprint}); it is pinned for later connections")]
        pins = {**self.store.load().pins, server_id: item.fingerprint}
        if not self.store.update(pins=pins):
            entries.append(self.entry(f"Could not save the pinned certificate to "
                                      f"{self.store.path}: you will be asked again next time",
                                      EntryKind.ERROR))
        self.show(entries)
        connection.trust_certificate(True)

    def forget_certificate(self, server_id: str) -> bool:
        """Remove the pin of server_id ('host:port'); False when there was none."""
        pins = dict(self.store.load().pins)
        if pins.pop(server_id, None) is None:
            return False
        if not self.store.update(pins=pins):
            raise ValueError(f"Could not save settings to {self.store.path}")
        return True

    def _closed_reason(self, reason: str) -> str:
        """reason, with a hint when a plain connection was closed before the server said a
        word: a TLS port does that."""
        if self.params.tls or self._lines_heard or self._ever_registered:
            return reason
        return f"{reason} before saying anything; if that is a TLS port, tick Use TLS"

    def _password_refused(self, message: Message) -> bool:
        """True for 464, or an ERROR about the password, before registration."""
        if self._refusal or self.session is None or self.session.registered:
            return False
        return message.command == ERR_PASSWDMISMATCH or (
            message.verb == "ERROR" and "password" in message.param(-1).lower())

    def _refuse(self, reason: str, password_wrong: bool = False,
                logged: str = "") -> list[LogEntry]:
        """We end this connection before registering: the connect dialog comes back with reason
        (the password field emptied when the password was wrong)."""
        self._refusal = reason
        if password_wrong:
            self.params = replace(self.params, password="")
            stored = self.store.load()
            if stored.password and not self.store.update(password=""):
                log.warning("could not remove the wrong saved password from %s", self.store.path)
        return self._failed(reason, logged)

    # --- session outcomes ---

    def apply(self, outcome: Outcome) -> list[LogEntry]:
        """Send what the session wants sent; update the view for its events; return log lines."""
        if self.connection is not None:
            for message in outcome.outgoing:
                self.connection.send(message)
        entries: list[LogEntry] = []
        for event in outcome.events:
            if isinstance(event, ev.MessageReceived):
                entries.append(event.entry)
            else:
                entries.extend(self._on_event(event))
        return entries

    def _on_event(self, event: ev.Event) -> list[LogEntry]:
        if isinstance(event, ev.Registered):
            return self._registered(event)
        if isinstance(event, ev.NickRejected):
            return self._failed(f"Nickname rejected: {event.reason}") if not self._ever_registered \
                else self._nick_lost(event)
        if isinstance(event, ev.UserJoined) and event.own:
            self._joined(event.channel)
        elif isinstance(event, ev.UserParted) and event.own:
            self._left(event.channel)
        elif isinstance(event, ev.UsersChanged) and self._is_current(event.channel):
            self.view.set_users(list(event.users))
        elif isinstance(event, ev.NickChanged) and event.own:
            return self._renamed(event.new)
        elif isinstance(event, ev.NickChanged):
            return self._reclaim(event.old)
        elif isinstance(event, ev.UserQuit):
            return self._reclaim(event.nick)
        return []

    def _reclaim(self, freed: str) -> list[LogEntry]:
        """On a fallback nick (me_) and our own nick was just freed: take it back."""
        assert self.session is not None
        wanted = self.params.nick
        if self.session.key(freed) != self.session.key(wanted) or self.session.is_own(wanted):
            return []
        self.send(self.session.change_nick(wanted))
        return [self.entry(f"{wanted} is free again; taking it back")]

    def _renamed(self, nick: str) -> list[LogEntry]:
        """Our nick changed: show it, and use and remember it from now on."""
        self.view.set_identity(nick, self.address)
        self.params = replace(self.params, nick=nick)
        if self.store.update(nick=nick):
            return []
        return [self.entry(f"Could not save settings to {self.store.path}", EntryKind.ERROR)]

    def _nick_lost(self, event: ev.NickRejected) -> list[LogEntry]:
        """Every nick we tried on reconnect is taken: ask the user for another."""
        self._ever_registered = False
        return self._failed(f"Nickname rejected on reconnect: {event.reason}")

    def _registered(self, event: ev.Registered) -> list[LogEntry]:
        assert self.connection is not None and self.session is not None
        again = self._ever_registered
        self._ever_registered, self._attempt = True, 0
        self.view.set_identity(event.nick, self.address)
        self.view.set_status("connected", self.current or "")
        entries = []
        if not again and not self._remember_params():
            entries.append(self.entry(f"Could not save settings to {self.store.path}",
                                      EntryKind.ERROR))
        for channel in self._wanted:
            self.connection.send(self.session.join(channel))
        self._rejoining = {self.session.key(channel) for channel in self._wanted} if again \
            else set()
        if again:
            rejoin = f"; rejoining {', '.join(self._wanted)}" if self._wanted else ""
            entries.append(self.entry(f"Reconnected to {self.address} as {event.nick}{rejoin}"))
        return entries

    def _remember_params(self) -> bool:
        """Save what worked: host, port, nick, TLS, and the password only when asked to."""
        params = self.params
        return self.store.update(
            host=params.host, port=params.port, nick=params.nick, tls=params.tls,
            remember_password=params.remember_password,
            password=params.password if params.remember_password else "")

    def _is_current(self, channel: str) -> bool:
        return (self.current is not None and self.session is not None
                and self.session.key(channel) == self.session.key(self.current))

    def _wanted_index(self, channel: str) -> int:
        assert self.session is not None
        keys = [self.session.key(name) for name in self._wanted]
        key = self.session.key(channel)
        return keys.index(key) if key in keys else -1

    def _joined(self, channel: str) -> None:
        """We are in channel: talk there, unless it is a rejoin after a reconnect (then the
        channel we talked to before stays current)."""
        assert self.session is not None
        if self._wanted_index(channel) < 0:
            self._wanted.append(channel)
        key = self.session.key(channel)
        if key in self._rejoining and self.current is not None:
            self._rejoining.discard(key)
            if self._is_current(channel):
                self.switch_to(self.current)
            return
        self.switch_to(channel)

    def _left(self, channel: str) -> None:
        index = self._wanted_index(channel)
        if index >= 0:
            del self._wanted[index]
        if self._is_current(channel):
            assert self.session is not None
            remaining = self.session.channels()
            self.switch_to(remaining[-1] if remaining else None)

    def switch_to(self, channel: str | None) -> None:
        """Make channel the one Send talks to, and show its users."""
        self.current = channel
        users = self.session.users(channel) if self.session and channel else []
        self.view.set_users(users)
        if self.online:
            self.view.set_status("connected", channel or "")

    def send_outcome(self, outcome: Outcome) -> None:
        """Send and show what a session builder produced (our own chat lines)."""
        self.show(self.apply(outcome))

    def send(self, message: Message) -> bool:
        """Send one message on the current connection; False with an error line when it is
        longer than an IRC line may be."""
        size = len(message.encode())
        if size > LINE_LIMIT:
            self.show([self.entry(f"Not sent: {message.verb} would be {size} bytes; an IRC line "
                                  f"holds at most {LINE_LIMIT}", EntryKind.ERROR)])
            return False
        if self.connection is not None:
            self.connection.send(message)
        return True

    # --- ViewActions ---

    def on_send(self, text: str) -> None:
        """Send/Enter: a slash command, or text for the current channel."""
        if not text.strip():
            return
        try:
            if text.startswith("/") and not text.startswith("//"):
                handled = commands.run(self, text)
            else:
                handled = self.say(text[1:] if text.startswith("//") else text)
        except MessageError as error:  # a line the wire format refuses: never sent, never fatal
            self.show([self.entry(f"Not sent: {error}", EntryKind.ERROR)])
            handled = False
        if handled and not self._closed:
            self.view.clear_input()

    def say(self, text: str, target: str | None = None, action: bool = False) -> bool:
        """Send text (split to fit) to target or the current channel; False with an error line
        when that cannot be done."""
        target = target or self.current
        if not self.online or self.session is None:
            self.show([self.entry("Not connected: nothing was sent", EntryKind.ERROR)])
            return False
        if target is None:
            self.show([self.entry("You are in no channel: /join #channel first",
                                  EntryKind.ERROR)])
            return False
        try:
            outcome = (self.session.act if action else self.session.say)(target, text)
        except MessageError as error:
            self.show([self.entry(f"Not sent: {error}", EntryKind.ERROR)])
            return False
        except ValueError as error:
            self.show([self.entry(str(error), EntryKind.ERROR)])
            return False
        self.send_outcome(outcome)
        return True

    def on_users(self) -> None:
        """Users button: show the current channel's users."""
        self.view.show_users(self.current_users())

    def current_users(self) -> list[UserItem]:
        """The current channel's users, sorted for display."""
        return self.session.users(self.current) if self.session and self.current else []

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
            self.show([self.entry(f"Unknown theme {theme!r}", EntryKind.ERROR)])
        elif not self.store.update(theme=theme):
            self.show([self.entry(f"Could not save the theme to {self.store.path}",
                                  EntryKind.ERROR)])


def certificate_changed(server_id: str, pinned: str, presented: str) -> str:
    """The warning for a certificate that is not the pinned one, naming both SHA-256
    fingerprints (each on two lines of its own; the log shows it as one line)."""
    return "\n".join([
        f"The TLS certificate of {server_id} has CHANGED, so LocalChat did not connect.",
        "Pinned:", *_indented(fingerprint_halves(pinned)),
        "Presented now:", *_indented(fingerprint_halves(presented)),
        "Someone may be pretending to be the server. If its owner really made a new "
        f"certificate, remove the pin (run localchat --forget-cert {server_id}, or type "
        f"/forget-cert {server_id} in a chat window) and connect again."])


def _indented(lines: tuple[str, ...]) -> list[str]:
    return [f"    {line}" for line in lines]


def one_line(text: str) -> str:
    """text for one log line: line breaks become spaces."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def _describe(item: object) -> str:
    return f"'{item.format()}'" if isinstance(item, Message) else type(item).__name__


def start_client(view: ChatView, *, params: ConnectParams | None = None,
                 settings_store: SettingsStore | None = None,
                 connection_factory: ConnectionFactory | None = None,
                 clock: Clock | None = None,
                 defaults: ConnectParams | None = None) -> ClientController:
    """Make the controller, bind it to view, and connect (asking first when params is None,
    with defaults or else the remembered values)."""
    controller = ClientController(
        view,
        settings_store=settings_store if settings_store is not None else SettingsStore(),
        connection_factory=connection_factory if connection_factory is not None else Connection,
        clock=clock if clock is not None else datetime.now,
    )
    view.bind(controller)
    controller.begin(params, defaults)
    return controller
