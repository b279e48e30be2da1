"""Who we are on a server: the credential each connect logs in with (typed in the connect
dialog, else stored, else none so that the nick is registered), storing it once the server took
it, /passwd, and what the connect dialog says when a login is refused or the nick belongs to
someone else (with a free variant to try)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from app.models import events as ev
from app.models.credentials import CredentialStore
from app.models.log import EntryKind, LogEntry
from app.models.login import Login
from app.models.session import Session
from app.models.settings import ConnectParams
from app.models.trust import server_key
from app.models.userinput import InvalidInput
from app.views.base import ChatView
from ircproto.casemap import casefold
from ircproto.message import Message
from ircproto.names import NICKLEN, is_valid_nick

Entry = Callable[[str, EntryKind], LogEntry]
Refuse = Callable[[str, ConnectParams], list[LogEntry]]


def nick_variants(nick: str, refused: set[str], nicklen: int = NICKLEN) -> list[str]:
    """Nicks to suggest instead of nick (nick2, nick_, nick3, ...), none the server refused
    (refused holds folded nicks), each within nicklen."""
    found = []
    for suffix in ("2", "_", "3", "__", "4", "5", "6", "7", "8", "9"):
        candidate = nick[:nicklen - len(suffix)] + suffix
        if casefold(candidate) not in refused and is_valid_nick(candidate, nicklen):
            found.append(candidate)
    return found


class Identity:
    """credentials: where passwords are kept; entry makes a log line; refuse(reason, params)
    ends the connection before registration and brings the connect dialog back with params."""

    def __init__(self, credentials: CredentialStore, entry: Entry, refuse: Refuse) -> None:
        self._credentials, self._entry, self._refuse = credentials, entry, refuse
        self._refused: set[str] = set()
        """Nicks (folded) the server said belong to someone else."""
        self._suggested: set[str] = set()
        self._wanted = ""
        """The nick the user wanted, that variants are suggested for."""
        self._pending: tuple[str, str] | None = None
        """(account, new password) of a PASSWD on its way."""
        self._server = ""

    def login(self, params: ConnectParams) -> Login:
        """The login of a connect with params: the typed password, else the stored one, else
        none (register the nick when the server offers it)."""
        self._server = server_key(params.host, params.port)
        if params.account_password:
            return Login(params.account_password, name=params.nick, register=False,
                         tls=params.tls)
        stored = self._credentials.get(self._server, params.nick)
        if stored:
            return Login(stored, name=params.nick, register=False, tls=params.tls)
        return Login(name=params.nick, tls=params.tls)

    def react(self, event: ev.Event, session: Session, params: ConnectParams
              ) -> list[LogEntry]:
        """What to do about an account event of session (connected with params)."""
        if isinstance(event, (ev.AccountCreated, ev.LoggedIn)):
            return self._keep(event.account, session.credential)
        if isinstance(event, ev.PasswordChanged) and self._pending is not None:
            account, password = self._pending
            self._pending = None
            return self._keep(account, password, changed=True)
        if isinstance(event, ev.RequestFailed) and event.command == "PASSWD":
            self._pending = None
        elif isinstance(event, ev.LoginRefused):
            return self._login_refused(event, params)
        elif isinstance(event, ev.NickOwned):
            return self._nick_owned(event.nick, params, session.nicklen)
        return []

    def _keep(self, account: str, password: str, changed: bool = False) -> list[LogEntry]:
        """Store account's password once the server took it (when it is not stored yet)."""
        if not password or self._credentials.get(self._server, account) == password:
            return []
        if not self._credentials.set(self._server, account, password):
            return [self._entry(f"Could not save the password of {account} to "
                                f"{self._credentials.where}: log in by hand next time",
                                EntryKind.ERROR)]
        if changed:
            return [self._entry(f"Password changed and saved in {self._credentials.where}. "
                                f"On another device, connect as {account} with it",
                                EntryKind.SYSTEM)]
        return []

    def _login_refused(self, event: ev.LoginRefused, params: ConnectParams) -> list[LogEntry]:
        if params.account_password:
            reason = (f"The server refused the password for the account {params.nick} "
                      f"({event.reason}). Check it, or leave it empty to connect under "
                      f"another nickname.")
        else:
            reason = (f"The saved login for {params.nick} was refused by the server "
                      f"({event.reason}). Type the account's password, or choose another "
                      f"nickname.")
        return self._refuse(reason, replace(params, account_password=""))

    def _nick_owned(self, nick: str, params: ConnectParams, nicklen: int) -> list[LogEntry]:
        if casefold(nick) not in self._suggested:  # not our own suggestion refused in turn
            self._wanted = nick
        self._refused.add(casefold(nick))
        variants = nick_variants(self._wanted, self._refused, nicklen)
        suggestion = variants[0] if variants else ""
        self._suggested.add(casefold(suggestion))
        reason = (f"The name {nick} belongs to someone else on this server. "
                  + (f"Connect as {suggestion} (filled in) or pick another name; " if suggestion
                     else "Pick another name; ")
                  + f"if {nick} is your account, type {nick} and its Account password.")
        return self._refuse(reason, replace(params, nick=suggestion or params.nick,
                                            account_password=""))

    def from_dialog(self, view: ChatView, session: Session | None) -> Message | None:
        """The account dialog until it gives a password the wire takes: its PASSWD, or None
        when cancelled; InvalidInput when we are not logged in."""
        if session is None or not session.account:
            raise InvalidInput("You are not logged in to an account here, so there is no "
                               "password to set")
        error = ""
        while True:
            new = view.ask_account_password(session.account, self._server, error)
            if new is None:
                return None
            try:
                return self.change_password(session, new)
            except InvalidInput as problem:
                error = str(problem)

    def change_password(self, session: Session, new: str) -> Message:
        """PASSWD with the stored password and new; InvalidInput when we cannot."""
        if not session.account:
            raise InvalidInput("You are not logged in to an account here, so there is no "
                               "password to change")
        current = self._credentials.get(self._server, session.account)
        if not current:
            raise InvalidInput(f"This device has no saved password for {session.account}: "
                               f"reconnect with the password to change it")
        message = session.change_password(current, new)
        self._pending = (session.account, new)
        return message
