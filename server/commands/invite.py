"""INVITE: a member asks someone into a channel (only its operators under +i); the invite lets
the invitee join once, past +i, +b and +l (server.commands.joinrules). `INVITE` alone lists the
sender's pending invites (336, 337). With invite-notify, the channel's operators see it too."""

from __future__ import annotations

from ircproto import numerics as n
from ircproto.message import Message
from server.commands.base import (
    Context,
    ReplyError,
    find_channel,
    is_operator,
    may_moderate,
    need_more_params,
    no_such_nick,
    not_channel_operator,
    not_on_channel,
    with_cap,
)
from server.state import Channel, Client

INVITE_NOTIFY_CAP = "invite-notify"


# INVITE <nickname> <channel>   (INVITE alone: the channels one is invited to)
def handle_invite(ctx: Context, message: Message) -> None:
    if not message.params:
        list_invites(ctx)
        return
    if len(message.params) < 2:
        raise need_more_params("INVITE")
    target = ctx.state.find_user(message.params[0])
    if target is None:
        raise no_such_nick(message.params[0])
    channel = find_channel(ctx, message.params[1])
    check_may_invite(ctx, channel, target)
    channel.settings.invited.add(target.id)
    ctx.reply(n.RPL_INVITING, target.nick, channel.name)
    invite = ctx.from_sender("INVITE", target.nick, channel.name)
    ctx.send(target, invite)
    notify_operators(ctx, channel, target, invite)
    if target.away is not None:
        ctx.reply(n.RPL_AWAY, target.nick, target.away)


def check_may_invite(ctx: Context, channel: Channel, target: Client) -> None:
    """442 for a non-member (opers may invite anywhere), 482 under +i for a non-operator, 443
    when target is there already."""
    client = ctx.client
    if client not in channel.members and not is_operator(client):
        raise not_on_channel(channel)
    if "i" in channel.modes and not may_moderate(client, channel):
        raise not_channel_operator(channel)
    if target in channel.members:
        raise ReplyError(n.ERR_USERONCHANNEL, target.nick, channel.name, "is already on channel")


def notify_operators(ctx: Context, channel: Channel, target: Client, invite: Message) -> None:
    """invite-notify: the channel's operators with the capability get the INVITE too (not the
    sending connection, which has its 341, nor the invitee, which has it already)."""
    operators = [m for m in channel.members if channel.is_op(m) and m is not target]
    watchers = [s for s in with_cap(operators, INVITE_NOTIFY_CAP) if s is not ctx.session]
    if watchers:
        ctx.broadcast_sessions(watchers, invite)


def list_invites(ctx: Context) -> None:
    """336 for each channel the sender is invited to, then 337."""
    for channel in list(ctx.state.channels.values()):
        if ctx.client.id in channel.settings.invited:
            ctx.reply(n.RPL_INVITELIST, channel.name)
    ctx.reply(n.RPL_ENDOFINVITELIST, "End of /INVITE list")
