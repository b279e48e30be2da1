"""Handlers for getting and staying connected: PING, CAP negotiation, the welcome (001),
ISUPPORT (005), nick refusals before and after registration, and ERROR."""

from __future__ import annotations

from app.models import events as ev
from app.models.handlers import accounts
from app.models.outcome import Outcome
from app.models.sessionstate import SessionState
from ircproto import numerics as num
from ircproto.message import Message


# PING <token>
def handle_ping(state: SessionState, message: Message, out: Outcome) -> None:
    out.send("PONG", message.param(0) or state.server or "localchat")


# PONG <server> <token>
def handle_pong(state: SessionState, message: Message, out: Outcome) -> None:
    pass


# CAP <target> LS|ACK|NAK|NEW|DEL [*] :<caps>
def handle_cap(state: SessionState, message: Message, out: Outcome) -> None:
    if state.registered:
        return
    lines = state.caps.reply(message)
    if lines and lines[-1].params == ("END",) and accounts.begin(state, out):
        lines.pop()  # CAP END waits for the login or the REGISTER
    out.outgoing.extend(lines)


# ERROR :<reason>
def handle_error(state: SessionState, message: Message, out: Outcome) -> None:
    reason = message.param(-1) or "no reason given"
    out.emit(ev.ErrorReceived(reason), state.log.error(f"The server closed the link: {reason}"))


# 001 <client> :<welcome text>
def handle_001(state: SessionState, message: Message, out: Outcome) -> None:
    state.registered = True
    state.nick = message.param(0, state.nick)
    state.server = message.source or ""
    out.emit(ev.Registered(state.nick, state.server), state.log.system(message.param(-1)))


# 005 <client> <token>{ <token>} :are supported by this server
def handle_005(state: SessionState, message: Message, out: Outcome) -> None:
    casemapping = state.features.casemapping
    for token in message.params[1:-1]:
        state.features.apply(token)
    if state.features.casemapping != casemapping:
        state.roster.rekey()
        out.emit(ev.CasemappingChanged(state.features.casemapping))


# 431/432/433/436 <client> [<nick>] :<reason>
def handle_nick_refused(state: SessionState, message: Message, out: Outcome) -> None:
    nick = message.param(1) if len(message.params) > 2 else state.nick
    reason = message.param(-1)
    if state.registered:
        out.emit(state.log.error(f"Cannot change nick to {nick}: {reason}"))
    elif accounts.is_owned(message):
        accounts.nick_owned(state, nick, reason, out)
    elif message.command == num.ERR_NICKNAMEINUSE and state.fallback_nicks:
        state.nick = state.fallback_nicks.pop(0)
        out.emit(state.log.system(f"The nick {nick} is already in use; trying {state.nick}"))
        out.send("NICK", state.nick)
    else:
        out.emit(ev.NickRejected(message.command, nick, f"{nick}: {reason}"))
