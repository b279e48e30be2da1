"""Who may join a channel and who may speak in it, by its modes: bans (+b, less the +e
exceptions) refuse a JOIN with 474 and silence a member without voice or op (404), +i refuses
one without an INVITE or a +I match (473), +k one without the key (475), +l one past the limit
(471). An INVITE lets its invitee past +i, +b and +l, once; the key it must still give. The
channel's founder and the opers always get in."""

from __future__ import annotations

from ircproto import numerics as n
from server.commands.base import Context, ReplyError, is_operator
from server.state import Channel, Client


def check_join(ctx: Context, channel: Channel, key: str) -> None:
    """Raise the numeric that refuses the sender's JOIN of channel with key, if one does."""
    client = ctx.client
    if is_operator(client) or ctx.state.founders.is_founder(channel.key, client.account):
        return
    settings, invited = channel.settings, client.id in channel.settings.invited
    if settings.banned(client) and not invited:
        raise ReplyError(n.ERR_BANNEDFROMCHAN, channel.name, "Cannot join channel (+b)")
    if "i" in channel.modes and not invited and not settings.listed("I", client):
        raise ReplyError(n.ERR_INVITEONLYCHAN, channel.name, "Cannot join channel (+i)")
    if settings.join_key and key != settings.join_key:
        raise ReplyError(n.ERR_BADCHANNELKEY, channel.name, "Cannot join channel (+k)")
    if settings.limit and len(channel.members) >= settings.limit and not invited:
        raise ReplyError(n.ERR_CHANNELISFULL, channel.name, "Cannot join channel (+l)")


def joined(channel: Channel, client: Client) -> None:
    """client is in channel now: its invite, if it had one, is used up."""
    channel.settings.invited.discard(client.id)


def banned_from_speaking(channel: Channel, client: Client) -> bool:
    """Whether a ban keeps client from sending to channel: a member with voice or op, and an
    oper, may speak anyway."""
    if channel.members.get(client) or is_operator(client):
        return False
    return channel.settings.banned(client)
