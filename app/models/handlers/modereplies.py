"""Handlers for the answers to `/mode`: a channel's modes (324) and its lists, bans (367/368),
ban exceptions (348/349) and invite exceptions (346/347), as readable lines in the channel's
conversation (the server's log for a channel we are not in)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.models import events as ev
from app.models.channelkeys import key_change
from app.models.outcome import Outcome
from app.models.sessionstate import SessionState
from ircproto import numerics as num
from ircproto.message import Message

LISTS = {
    num.RPL_BANLIST: "Banned", num.RPL_EXCEPTLIST: "Ban exception",
    num.RPL_INVEXLIST: "Invite exception",
}
LIST_ENDS = {
    num.RPL_ENDOFBANLIST: "ban list", num.RPL_ENDOFEXCEPTLIST: "ban exception list",
    num.RPL_ENDOFINVEXLIST: "invite exception list",
}


def _where(state: SessionState, channel: str) -> str:
    """channel when we are in it (its conversation), else '' (the server's log)."""
    return channel if state.roster.get(channel) else ""


# 324 <client> <channel> <modestring> <mode arguments>...
def handle_324(state: SessionState, message: Message, out: Outcome) -> None:
    channel, modes = message.param(1), " ".join(message.params[2:])
    out.emit(state.log.system(f"Modes of {channel}: {modes}", _where(state, channel)))
    key = key_change(state.features, message.param(2), list(message.params[3:]))
    if key and state.roster.get(channel):  # only a key shown: a 324 lists modes set, not unset
        out.emit(ev.ChannelKeyChanged(channel, key))


# 367/348/346 <client> <channel> <mask> [<who> <set-ts>]
def handle_list_entry(state: SessionState, message: Message, out: Outcome) -> None:
    channel, mask = message.param(1), message.param(2)
    text = f"{LISTS[message.command]} in {channel}: {mask}"
    if len(message.params) >= 5 and message.param(4).isdigit():
        when = datetime.fromtimestamp(int(message.param(4)), UTC).strftime("%Y-%m-%d %H:%M")
        text += f" (set by {message.param(3).split('!')[0]}, {when} UTC)"
    out.emit(state.log.system(text, _where(state, channel)))


# 368/349/347 <client> <channel> :End of ...
def handle_list_end(state: SessionState, message: Message, out: Outcome) -> None:
    channel = message.param(1)
    text = f"End of the {LIST_ENDS[message.command]} of {channel}"
    out.emit(state.log.system(text, _where(state, channel)))
