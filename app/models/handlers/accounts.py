"""Handlers for accounts: logging in with SASL or registering the nick before CAP END
(begin() decides which), AUTHENTICATE challenges, 900-908, REGISTER and PASSWD answers, and
the FAIL REGISTER that says the nick belongs to someone else."""

from __future__ import annotations

from app.models import events as ev
from app.models.handlers import history
from app.models.login import REGISTRATION_CAP, new_password
from app.models.outcome import Outcome
from app.models.sasl import Mechanism, SaslError, choose, chunks
from app.models.sessionstate import SessionState
from ircproto import numerics as num
from ircproto.message import Message

ACCOUNT_EXISTS = "ACCOUNT_EXISTS"


def begin(state: SessionState, out: Outcome) -> bool:
    """Before CAP END: start SASL (with a password) or REGISTER (without one, when offered, and
    only the nick we wanted, not a fallback); True when we did, and CAP END waits for the
    answer."""
    login, caps = state.login, state.caps
    if login.password and "sasl" in caps.granted:
        mechanism = choose(caps.sasl_mechanisms, login.tls)
        if mechanism is None:
            out.emit(state.log.error("Not logging in: the server offers no SASL mechanism "
                                     "we use without TLS"))
            return False
        login.exchange = Mechanism(mechanism, login.name or state.nick, login.password)
        out.send("AUTHENTICATE", mechanism)
        return True
    if login.password:
        out.emit(state.log.system("This server does not offer SASL: connected as a guest"))
        return False
    if login.register and REGISTRATION_CAP in caps.offered and (
            not login.name or state.is_own(login.name)):  # never a fallback nick (me_)
        login.password = new_password()
        login.registering = True
        out.send("REGISTER", "*", "*", login.password)
        return True
    return False


def end_caps(state: SessionState, out: Outcome) -> None:
    """Registration may complete now."""
    if not state.registered:
        out.send("CAP", "END")


# AUTHENTICATE <base64 chunk> | +
def handle_authenticate(state: SessionState, message: Message, out: Outcome) -> None:
    exchange = state.login.exchange
    if exchange is None:
        return
    try:
        challenge = state.login.reader.add(message.param(0))
        if challenge is None:
            return
        response = exchange.respond(challenge)
    except SaslError as error:
        state.login.exchange = None
        out.send("AUTHENTICATE", "*")
        out.emit(ev.LoginRefused("*", str(error)))
        return
    for piece in chunks(response):
        out.send("AUTHENTICATE", piece)


# 900 <client> <nick>!<ident>@<host> <account> :You are now logged in as <user>
def handle_900(state: SessionState, message: Message, out: Outcome) -> None:
    state.login.account = message.param(2) if len(message.params) > 3 else state.nick
    out.emit(ev.LoggedIn(state.login.account),
             state.log.system(f"Logged in as {state.login.account}"))


# 901 <client> <nick>!<ident>@<host> :You are now logged out
def handle_901(state: SessionState, message: Message, out: Outcome) -> None:
    state.login.account = ""
    out.emit(state.log.system(message.param(-1) or "Logged out"))


# 903 <client> :SASL authentication successful
def handle_903(state: SessionState, message: Message, out: Outcome) -> None:
    state.login.exchange = None
    if state.login.held_nick:  # logged in now: the registered nick is ours to take
        state.nick, state.login.held_nick = state.login.held_nick, ""
        out.send("NICK", state.nick)
    end_caps(state, out)


def nick_owned(state: SessionState, nick: str, reason: str, out: Outcome) -> None:
    """A 433 before registration saying nick is registered: ours to take once our SASL login
    is through (we have its password and have not been refused), else someone else's."""
    login = state.login
    if login.password and not login.registering and not login.account and not state.registered:
        login.held_nick = nick
        out.emit(state.log.system(f"{nick} is registered; logging in to take it"))
        return
    out.emit(ev.NickOwned(nick, reason))


# 902/904/905/906 <client> :<reason>
def handle_sasl_failed(state: SessionState, message: Message, out: Outcome) -> None:
    if state.login.exchange is None:
        return  # an abort we asked for, or a stray reply
    state.login.exchange = None
    state.login.held_nick = ""
    out.emit(ev.LoginRefused(message.command, message.param(-1)))


# REGISTER SUCCESS <account> :<message> / REGISTER VERIFICATION_REQUIRED <account> :<message>
def handle_register(state: SessionState, message: Message, out: Outcome) -> None:
    if not state.login.registering:
        return
    state.login.registering = False
    if message.param(0).upper() == "SUCCESS":
        out.emit(ev.AccountCreated(message.param(1)),
                 state.log.system(f"Created the account {message.param(1)} for this nick"))
    else:
        state.login.password = ""
        out.emit(state.log.system(f"Not registered: {message.param(-1)}"))
    end_caps(state, out)


# PASSWD SUCCESS :Password changed
def handle_passwd(state: SessionState, message: Message, out: Outcome) -> None:
    if message.param(0).upper() == "SUCCESS":
        out.emit(ev.PasswordChanged())  # the controller says so once it stored the password


# FAIL <command> <code> [<context>...] :<description>
def handle_fail(state: SessionState, message: Message, out: Outcome) -> None:
    if message.param(0).upper() != "REGISTER" or not state.login.registering:
        history.handle_fail(state, message, out)
        return
    state.login.registering = False
    state.login.password = ""
    if message.param(1) == ACCOUNT_EXISTS:
        out.emit(ev.NickOwned(state.nick, message.param(-1)))
        return
    out.emit(state.log.system(f"Not registered: {message.param(-1)}; connecting as a guest"))
    end_caps(state, out)


def is_owned(message: Message) -> bool:
    """True for a 433 before registration that says the nick is registered to an account."""
    return message.command == num.ERR_NICKNAMEINUSE and "registered" in message.param(-1).lower()
