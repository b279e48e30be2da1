"""The connector, the connect flow: ask for valid parameters, open the link with a new Session
that logs in (or registers the nick) as the Identity says, register (PASS, CAP, NICK, USER), and
decide after each failure: ask again (before the first welcome, or after we refused the server,
or a login or the nick was refused) or reconnect with backoff, on a fallback nick."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from app.controllers.identity import Identity
from app.controllers.link import Link
from app.controllers.presenter import Presenter
from app.controllers.trust import TrustStep
from app.models import events as ev
from app.models.catchup import CatchUp
from app.models.log import EntryKind, LogEntry
from app.models.session import Session
from app.models.settings import ConnectParams, SettingsStore, params_error
from app.models.trust import CertificateReceived
from ircproto.framing import LineError
from ircproto.message import Message
from ircproto.numerics import ERR_PASSWDMISMATCH

WRONG_PASSWORD = "The server password was wrong"
PASSWORD_NEEDED = "This server needs a password: enter it and connect again"
log = logging.getLogger(__name__)


def fallback_nicks(nick: str) -> tuple[str, ...]:
    """The nicks to try when nick is taken on reconnect."""
    return (nick + "_", nick + "__")


def one_line(text: str) -> str:
    """text for one log line: line breaks become spaces."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


class Connector:
    """Owns params, the session and its catch-up, and the TLS trust step. connecting(params)
    runs before each connect (the first one opens the cache); cancelled runs when the user gives
    up in the connect dialog."""

    def __init__(self, link: Link, store: SettingsStore, presenter: Presenter,
                 clock: Callable[[], datetime], connecting: Callable[[ConnectParams], None],
                 cancelled: Callable[[], None]) -> None:
        self.trust = TrustStep(link, store, presenter,
                               lambda reason, logged: self.refuse(reason, logged=logged),
                               self.refused, lambda: self.params.announced_fingerprint)
        self.identity = Identity(store.credentials, presenter.entry, self.refuse_with)
        self._link = link
        self._store = store
        self._presenter = presenter
        self._clock = clock
        self._connecting = connecting
        self._cancelled = cancelled
        self.params = ConnectParams()
        self.session: Session | None = None
        self.catch_up: CatchUp | None = None
        self.ever_registered = False
        self._lines_heard = False
        self._refusal = ""
        """Why we ended the connection ourselves before registering (an untrusted or changed
        certificate, a wrong password): the connect dialog comes back with it, no retry."""

    @property
    def address(self) -> str:
        """host:port we connect to."""
        return f"{self.params.host}:{self.params.port}"

    def begin(self, params: ConnectParams | None, defaults: ConnectParams | None = None) -> None:
        """Connect with params, or ask for them first (with defaults, else the settings')."""
        if params is None:
            self.ask(defaults if defaults is not None else self._store.load().connect_params)
        elif error := params_error(params):
            self.ask(params, error)
        else:
            self.connect(params)

    def ask(self, defaults: ConnectParams, error: str = "") -> None:
        """Show the connect dialog until the values are valid; connect, or give up on cancel."""
        while True:
            answer = self._presenter.view.ask_connection(defaults, error)
            if answer is None:
                self._cancelled()
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
        stored = self._store.load()
        if not params.remember_password and (stored.password or stored.remember_password):
            if not self._store.update(password="", remember_password=False):
                self._presenter.error(f"Could not remove the saved password from "
                                      f"{self._store.path}")

    def connect(self, params: ConnectParams, fallbacks: tuple[str, ...] = ()) -> None:
        """Open a new connection and session with params (closing any old connection)."""
        self._link.drop()
        self.params = params
        self._connecting(params)
        self.session = Session(params.nick, fallback_nicks=fallbacks, clock=self._clock,
                               login=self.identity.login(params))
        self.catch_up = CatchUp(self.session, self._presenter.conversations, self._clock)
        self._presenter.session = self.session
        self._refusal = ""
        self._lines_heard = False
        self._presenter.view.set_status("connecting", f"Connecting to {self.address}")
        self._link.open(params.host, params.port, params.tls)

    def refused(self, reason: str) -> None:
        """We will end this connection ourselves (the user did not trust the server)."""
        self._refusal = reason

    def on_item(self, item: object) -> list[LogEntry]:
        """What the connection queued besides the server's lines: the log lines it makes."""
        if isinstance(item, CertificateReceived):
            return self.trust.check(item)
        if isinstance(item, LineError):
            detail = f": {item.detail})" if item.detail else ")"
            return [self._presenter.entry(f"Ignored a line from the server ({item.reason}"
                                          f"{detail}", EntryKind.ERROR)]
        if isinstance(item, ev.ConnectionOpened):
            return self.opened()
        if isinstance(item, ev.ConnectFailed):
            return self.failed(self._refusal or item.reason)
        if isinstance(item, ev.ConnectionClosed):
            return [] if item.by_us else self.failed(self._closed_reason(item.reason))
        log.error("unexpected item on the connection queue: %r", item)
        return [self._presenter.entry(f"Internal error: unexpected {type(item).__name__}",
                                      EntryKind.ERROR)]

    def opened(self) -> list[LogEntry]:
        """The TCP (and TLS) connection is up: register."""
        assert self.session is not None
        if self.params.password:
            self._link.send(Message("PASS", (self.params.password,)))
        for message in self.session.start():
            self._link.send(message)
        self._presenter.view.set_status("connecting", f"Registering as {self.session.nick}")
        return []

    def heard(self, message: Message) -> list[LogEntry]:
        """A line from the server: a refused password ends the attempt."""
        self._lines_heard = True
        if not self._password_refused(message):
            return []
        reason = WRONG_PASSWORD if self.params.password else PASSWORD_NEEDED
        return self.refuse(reason, password_wrong=True)

    def silent(self, seconds: int) -> None:
        """The keepalive found the server silent for seconds."""
        self._presenter.show(self.failed(f"No reply from {self.address} for {seconds} s"))

    def failed(self, reason: str, logged: str = "") -> list[LogEntry]:
        """The connection failed or dropped: ask again before the first welcome (or after we
        refused the server), else retry. logged: the log line, when not reason on one line."""
        self._link.drop()
        view = self._presenter.view
        if self._refusal:
            self.ever_registered = False  # what comes next is a new start, not a reconnect
        if not self.ever_registered:
            view.set_status("disconnected", reason.splitlines()[0] if reason else "")
            self._link.later(0, lambda: self.ask(self.params, reason))
            return [self._presenter.entry(logged or one_line(reason), EntryKind.ERROR)]
        delay, attempt = self._link.retry(
            lambda: self.connect(self.params, fallback_nicks(self.params.nick)))
        view.set_status("disconnected", f"{reason}; reconnecting in {delay} s")
        view.set_users([])
        return [self._presenter.entry(f"{reason}. Reconnecting in {delay} s "
                                      f"(attempt {attempt})", EntryKind.ERROR)]

    def refuse(self, reason: str, password_wrong: bool = False,
               logged: str = "") -> list[LogEntry]:
        """We end this connection before registering: the connect dialog comes back with reason
        (the password field emptied when the password was wrong)."""
        self._refusal = reason
        if password_wrong:
            self.params = replace(self.params, password="")
            stored = self._store.load()
            if stored.password and not self._store.update(password=""):
                log.warning("could not remove the wrong saved password from %s",
                            self._store.path)
        return self.failed(reason, logged)

    def refuse_with(self, reason: str, params: ConnectParams) -> list[LogEntry]:
        """We end this connection before registering (a login or the nick was refused): the
        connect dialog comes back with reason, filled with params."""
        self.params = params
        return self.refuse(reason)

    def _closed_reason(self, reason: str) -> str:
        """reason, with a hint when a plain connection was closed before the server said a
        word: a TLS port does that."""
        if self.params.tls or self._lines_heard or self.ever_registered:
            return reason
        return f"{reason} before saying anything; if that is a TLS port, tick Use TLS"

    def _password_refused(self, message: Message) -> bool:
        """True for 464, or an ERROR about the password, before registration."""
        if self._refusal or self.session is None or self.session.registered:
            return False
        return message.command == ERR_PASSWDMISMATCH or (
            message.verb == "ERROR" and "password" in message.param(-1).lower())

    def registered(self, nick: str) -> tuple[bool, list[LogEntry]]:
        """The welcome: whether it is a reconnect, and the lines to show."""
        again = self.ever_registered
        self.ever_registered = True
        self.params = replace(self.params, account_password="")  # stored once it was taken
        self._link.registered()
        self._presenter.view.set_identity(nick, self.address)
        return again, [] if again or self._remember_params() else self._unsaved()

    def _remember_params(self) -> bool:
        """Save what worked: host, port, nick, TLS, and the password only when asked to."""
        params = self.params
        return self._store.update(
            host=params.host, port=params.port, nick=params.nick, tls=params.tls,
            remember_password=params.remember_password,
            password=params.password if params.remember_password else "")

    def nick_rejected(self, reason: str) -> list[LogEntry]:
        """Every nick we tried is taken: ask the user for another."""
        if self.ever_registered:
            self.ever_registered = False
            return self.failed(f"Nickname rejected on reconnect: {reason}")
        return self.failed(f"Nickname rejected: {reason}")

    def renamed(self, nick: str) -> list[LogEntry]:
        """Our nick changed: show it, and use and remember it from now on."""
        self._presenter.view.set_identity(nick, self.address)
        self.params = replace(self.params, nick=nick)
        return [] if self._store.update(nick=nick) else self._unsaved()

    def _unsaved(self) -> list[LogEntry]:
        """The error line for settings that could not be written."""
        return [self._presenter.entry(f"Could not save settings to {self._store.path}",
                                      EntryKind.ERROR)]

    def reclaim(self, freed: str) -> list[LogEntry]:
        """On a fallback nick (me_) and our own nick was just freed: take it back."""
        assert self.session is not None
        wanted = self.params.nick
        if self.session.key(freed) != self.session.key(wanted) or self.session.is_own(wanted):
            return []
        self._link.send(self.session.change_nick(wanted))
        return [self._presenter.entry(f"{wanted} is free again; taking it back")]
