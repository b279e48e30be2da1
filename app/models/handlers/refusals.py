"""Handlers for what the server refused: a JOIN (471 full, 473 invite-only, 474 banned, 475
key) and a message to a channel (404). Each shows the server's reason, with what it means, in
that channel's conversation, and reports it so the client stops wanting the channel or the
message."""

from __future__ import annotations

from app.models import events as ev
from app.models.outcome import Outcome
from app.models.sessionstate import SessionState
from ircproto import numerics as num
from ircproto.message import Message

JOIN_HINTS = {
    num.ERR_CHANNELISFULL: "it is full",
    num.ERR_INVITEONLYCHAN: "it is invite-only; ask one of its operators to /invite you",
    num.ERR_BANNEDFROMCHAN: "you are banned from it",
    num.ERR_BADCHANNELKEY: "it needs a key: /join {channel} <key>",
}


# 471/473/474/475 <client> <channel> :Cannot join channel (+l/+i/+b/+k)
def handle_join_refused(state: SessionState, message: Message, out: Outcome) -> None:
    channel, reason = message.param(1), message.param(-1)
    state.join_keys.pop(state.features.key(channel), None)  # a refused key is not kept
    hint = JOIN_HINTS[message.command].format(channel=channel)
    text = f"Could not join {channel}: {reason} ({hint})"
    out.emit(ev.JoinRefused(channel, reason), state.log.error(text, channel))


# 404 <client> <channel> :Cannot send to channel
def handle_404(state: SessionState, message: Message, out: Outcome) -> None:
    target, reason = message.param(1), message.param(-1)
    text = (f"Not delivered to {target}: {reason} (you may be banned there, or it is "
            f"moderated and you have no voice)")
    out.emit(ev.MessageRefused(target, reason), state.log.error(text, target))
