"""Channel membership and information: JOIN (with its founder, server.commands.founders, and
the modes that refuse it, server.commands.joinrules), PART, TOPIC, NAMES, KICK (LIST is
server.commands.channellist)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ircproto import numerics as n
from ircproto.message import Message
from ircproto.names import is_channel, is_valid_channel
from server.commands.base import (
    Context,
    ReplyError,
    channel_member,
    entry_as,
    find_channel,
    fit_lines,
    is_operator,
    may_moderate,
    member_channel,
    names_variant,
    not_channel_operator,
    not_on_channel,
    split_targets,
    with_cap_held,
)
from server.commands.founders import after_join
from server.commands.history import send_read_marker
from server.commands.isupport import KICKLEN, TARGMAX, TOPICLEN
from server.commands.joinrules import check_join, joined
from server.commands.messaging import announce_away
from server.delivery import every_session
from server.state import Channel

log = logging.getLogger(__name__)
NO_IMPLICIT_NAMES = "draft/no-implicit-names"  # no NAMES after JOIN for clients with it


def each_target(ctx: Context, names: str, action: Callable[[str], None]) -> None:
    """Run action(name) for each comma-separated name; a ReplyError only stops that one."""
    for name in split_targets(names):
        try:
            action(name)
        except ReplyError as error:
            ctx.reply_error(error)


# JOIN <channel>{,<channel>} [<key>{,<key>}]   (JOIN 0 parts every channel)
def handle_join(ctx: Context, message: Message) -> None:
    if message.params[0] == "0":
        for channel in list(ctx.client.channels.values()):
            part_channel(ctx, channel, "")
        return
    keys = iter(message.param(1).split(","))  # the first key for the first channel, ...
    each_target(ctx, message.params[0], lambda name: join_channel(ctx, name, next(keys, "")))


def join_channel(ctx: Context, name: str, key: str = "") -> None:
    """Join the sender to name (with key for +k) and send them the topic and the names, as on
    JOIN; refused with the numeric its modes give (server.commands.joinrules)."""
    if not is_valid_channel(name):
        numeric = n.ERR_BADCHANMASK if is_channel(name) else n.ERR_NOSUCHCHANNEL
        raise ReplyError(numeric, name, "Invalid channel name")
    existing = ctx.state.find_channel(name)
    if existing is not None and ctx.client in existing.members:
        return
    limit = ctx.state.config.max_channels
    if limit and len(ctx.client.channels) >= limit:
        raise ReplyError(n.ERR_TOOMANYCHANNELS, name, "You have joined too many channels")
    if existing is not None:
        check_join(ctx, existing, key)
    channel = ctx.state.join(ctx.client, name)
    joined(channel, ctx.client)
    # DEBUG, not INFO: a join storm would write a line per member, with the state lock held
    log.debug("%s joined %s", ctx.client.nick, channel.name)
    announce_join(ctx, channel)
    after_join(ctx, channel, created=existing is None)  # founders: found it, or +o
    announce_away(ctx, channel)  # away-notify
    send_join_burst(ctx, channel)
    for device in ctx.other_devices():  # they saw the JOIN too
        send_join_burst(ctx.for_session(device), channel)


def announce_join(ctx: Context, channel: Channel) -> None:
    """The sender's JOIN to every member: with account and realname to those that enabled
    extended-join."""
    members = list(channel.members)
    extended = with_cap_held(ctx.state, members, "extended-join")
    if not extended:
        ctx.broadcast(members, join_line(ctx, channel, extended=False))
        return
    wanting = set(extended)
    plain = [session for session in every_session(members) if session not in wanting]
    ctx.broadcast_sessions(plain, join_line(ctx, channel, extended=False))
    ctx.broadcast_sessions(extended, join_line(ctx, channel, extended=True))


def join_line(ctx: Context, channel: Channel, extended: bool) -> Message:
    """`JOIN <channel>`, or with extended-join `JOIN <channel> <account or *> :<realname>`."""
    if not extended:
        return ctx.from_sender("JOIN", channel.name)
    client = ctx.client
    return ctx.from_sender("JOIN", channel.name, client.account or "*", client.realname)


def send_join_burst(ctx: Context, channel: Channel) -> None:
    """What the sender's connection gets after its JOIN: the topic, the read marker, the
    names (not with draft/no-implicit-names)."""
    if channel.topic:
        send_topic(ctx, channel)
    send_read_marker(ctx, channel.name)  # draft/read-marker: before the names
    if NO_IMPLICIT_NAMES not in ctx.session.caps:
        send_names(ctx, channel)


def part_channel(ctx: Context, channel: Channel, reason: str) -> None:
    log.debug("%s left %s", ctx.client.nick, channel.name)
    params = (channel.name, reason) if reason else (channel.name,)
    ctx.broadcast(list(channel.members), ctx.from_sender("PART", *params))
    ctx.state.leave(ctx.client, channel)


# PART <channel>{,<channel>} [<reason>]
def handle_part(ctx: Context, message: Message) -> None:
    reason = message.param(1)
    each_target(
        ctx, message.params[0], lambda name: part_channel(ctx, member_channel(ctx, name), reason)
    )


def send_topic(ctx: Context, channel: Channel) -> None:
    if not channel.topic:
        ctx.reply(n.RPL_NOTOPIC, channel.name, "No topic is set")
        return
    ctx.reply(n.RPL_TOPIC, channel.name, channel.topic)
    ctx.reply(n.RPL_TOPICWHOTIME, channel.name, channel.topic_by, str(int(channel.topic_at)))


# TOPIC <channel> [<topic>]
def handle_topic(ctx: Context, message: Message) -> None:
    channel = find_channel(ctx, message.params[0])
    member = ctx.client in channel.members
    if len(message.params) < 2:
        if channel.secret and not member:
            raise not_on_channel(channel)
        send_topic(ctx, channel)
        return
    if not member:
        raise not_on_channel(channel)
    if "t" in channel.modes and not channel.is_op(ctx.client):
        raise not_channel_operator(channel)
    channel.topic = message.params[1][:TOPICLEN]
    channel.topic_by, channel.topic_at = ctx.client.prefix, ctx.state.wall_clock()
    change = ctx.from_sender("TOPIC", channel.name, channel.topic)
    ctx.broadcast(list(channel.members), change)


def send_names(ctx: Context, channel: Channel) -> None:
    """353 lines (split to fit) then 366, as NAMES and JOIN answer."""
    symbol = "@" if channel.secret else "="
    for line in names_lines(ctx, channel):
        ctx.reply(n.RPL_NAMREPLY, symbol, channel.name, line)
    ctx.reply(n.RPL_ENDOFNAMES, channel.name, "End of /NAMES list")


def names_lines(ctx: Context, channel: Channel) -> list[str]:
    """The 353 texts the sender's connection gets: a member's from the channel's cache
    (server.namescache); from outside, without its invisible (+i) members, built each time."""
    variant = names_variant(ctx.session)
    if ctx.client in channel.members:
        return channel.names.lines(
            variant, lambda: [entry_as(variant, channel, member) for member in channel.members])
    entries = [entry_as(variant, channel, member) for member in channel.members
               if "i" not in member.modes]
    return fit_lines(entries) if entries else []


# NAMES [<channel>{,<channel>}]
def handle_names(ctx: Context, message: Message) -> None:
    if not message.params:
        for visible in list(ctx.state.visible_channels(ctx.client)):
            send_names(ctx, visible)
        return
    for name in split_targets(message.params[0]):
        channel = ctx.state.find_channel(name)
        if channel is None or (channel.secret and ctx.client not in channel.members):
            ctx.reply(n.RPL_ENDOFNAMES, name, "End of /NAMES list")
        else:
            send_names(ctx, channel)


# KICK <channel> <user>{,<user>} [<comment>]   (opers may kick in any channel, even from
# outside it; at most TARGMAX KICK users, 407 for more)
def handle_kick(ctx: Context, message: Message) -> None:
    most = TARGMAX["KICK"]
    if len(split_targets(message.params[1])) > most:
        raise ReplyError(n.ERR_TOOMANYTARGETS, message.params[1], f"Too many targets (max {most})")
    if is_operator(ctx.client):
        channel = find_channel(ctx, message.params[0])
    else:
        channel = member_channel(ctx, message.params[0])
    if not may_moderate(ctx.client, channel):
        raise not_channel_operator(channel)
    reason = (message.param(2) or ctx.client.nick)[:KICKLEN]

    def kick(nick: str) -> None:
        target = channel_member(ctx, channel, nick)
        kicked = ctx.from_sender("KICK", channel.name, target.nick, reason)
        told = list(channel.members)
        if ctx.client not in channel.members:  # an oper from outside sees it done
            told.append(ctx.client)
        ctx.broadcast(told, kicked)
        ctx.state.leave(target, channel)

    each_target(ctx, message.params[1], kick)
