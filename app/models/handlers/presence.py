"""Handlers for what people show of themselves: AWAY (away-notify) marks them away in every
channel we share, 301/305/306 tell who is away and whether we are, the WHO we ask after joining
says who was away before we came (352's G flag), and TAGMSG carries +typing (or a reaction:
handlers.edits)."""

from __future__ import annotations

from app.models import events as ev
from app.models.handlers.edits import reaction
from app.models.handlers.messages import conversation
from app.models.handlers.numerics import handle_numeric
from app.models.outcome import Outcome
from app.models.sessionstate import SessionState, nick_of
from ircproto.message import Message

TYPING_TAG = "+typing"


# AWAY [:<message>]  (away-notify)
def handle_away(state: SessionState, message: Message, out: Outcome) -> None:
    nick, text = nick_of(message.source), message.param(0)
    for found in state.roster:
        if found.users.set_away(nick, bool(text)):
            out.emit(ev.UsersChanged(found.name, tuple(found.users.items())))
    out.emit(ev.AwayChanged(nick, text, own=state.is_own(nick)))


# 301 <client> <nick> :<message>
def handle_301(state: SessionState, message: Message, out: Outcome) -> None:
    out.emit(state.log.system(f"{message.param(1)} is away: {message.param(2)}"))


# 305 <client> :You are no longer marked as being away
def handle_305(state: SessionState, message: Message, out: Outcome) -> None:
    _own_away(state, out, "", "You are back (no longer marked as away)")


# 306 <client> :You have been marked as being away
def handle_306(state: SessionState, message: Message, out: Outcome) -> None:
    _own_away(state, out, "away", "You are marked as away")


def _own_away(state: SessionState, out: Outcome, text: str, note: str) -> None:
    for found in state.roster:
        if found.users.set_away(state.nick, bool(text)):
            out.emit(ev.UsersChanged(found.name, tuple(found.users.items())))
    out.emit(ev.AwayChanged(state.nick, text, own=True), state.log.system(note))


# 352 <client> <channel> <username> <host> <server> <nick> <flags> :<hopcount> <realname>
def handle_352(state: SessionState, message: Message, out: Outcome) -> None:
    channel = message.param(1)
    if state.features.key(channel) not in state.who_pending:
        handle_numeric(state, message, out)  # someone asked; show it
        return
    found = state.roster.get(channel)
    if found is not None and found.users.set_away(message.param(5),
                                                  message.param(6).startswith("G")):
        out.emit(ev.UsersChanged(found.name, tuple(found.users.items())))


# 315 <client> <mask> :End of WHO list
def handle_315(state: SessionState, message: Message, out: Outcome) -> None:
    key = state.features.key(message.param(1))
    if key in state.who_pending:
        state.who_pending.discard(key)
    else:
        handle_numeric(state, message, out)


# @+typing=<state> TAGMSG <target>; @+draft/react=<reaction>;+reply=<msgid> TAGMSG <target>
def handle_tagmsg(state: SessionState, message: Message, out: Outcome) -> None:
    if reaction(state, message, out):
        return
    typing = message.tags.get(TYPING_TAG)
    sender = nick_of(message.source)
    if typing is None or state.is_own(sender) or "batch" in message.tags:
        return  # other client tags are not shown; our own echo; history
    target, _ = conversation(state, message.param(0), sender)
    out.emit(ev.TypingNotified(target, sender, typing))
