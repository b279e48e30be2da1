"""Channel membership and information: JOIN, PART, TOPIC, NAMES, LIST, KICK."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ircproto import numerics as n
from ircproto.message import Message
from ircproto.names import is_channel, is_valid_channel
from server.commands.base import Context, ReplyError, command
from server.commands.capabilities import names_entry
from server.commands.history import send_read_marker
from server.commands.messaging import announce_away
from server.commands.registration import KICKLEN, TOPICLEN
from server.state import Channel, Client

NAMES_LINE_LIMIT = 400  # bytes of nicks per 353 line, well under the 512 limit
log = logging.getLogger(__name__)


def find_channel(ctx: Context, name: str) -> Channel:
    """The channel called name, or 403."""
    channel = ctx.state.find_channel(name)
    if channel is None:
        raise ReplyError(n.ERR_NOSUCHCHANNEL, name, "No such channel")
    return channel


def member_channel(ctx: Context, name: str) -> Channel:
    """The channel called name when the sender is on it; 403 or 442 otherwise."""
    channel = find_channel(ctx, name)
    if ctx.client not in channel.members:
        raise ReplyError(n.ERR_NOTONCHANNEL, channel.name, "You're not on that channel")
    return channel


def channel_member(ctx: Context, channel: Channel, nick: str) -> Client:
    """The client called nick when it is on channel; 401 or 441 otherwise."""
    target = ctx.state.find_nick(nick)
    if target is None:
        raise ReplyError(n.ERR_NOSUCHNICK, nick, "No such nick/channel")
    if target not in channel.members:
        raise ReplyError(n.ERR_USERNOTINCHANNEL, target.nick, channel.name,
                         "They aren't on that channel")
    return target


def each_target(ctx: Context, names: str, action: Callable[[str], None]) -> None:
    """Run action(name) for each comma-separated name; a ReplyError only stops that one."""
    for name in filter(None, names.split(",")):
        try:
            action(name)
        except ReplyError as error:
            ctx.reply(error.numeric, *error.params)


# JOIN <channel>{,<channel>} [<key>{,<key>}]   (JOIN 0 parts every channel)
@command("JOIN", min_params=1)
def handle_join(ctx: Context, message: Message) -> None:
    if message.params[0] == "0":
        for channel in list(ctx.client.channels.values()):
            part_channel(ctx, channel, "")
        return
    each_target(ctx, message.params[0], lambda name: join_channel(ctx, name))


def join_channel(ctx: Context, name: str) -> None:
    """Join the sender to name and send them the topic and the names, as on JOIN."""
    if not is_valid_channel(name):
        numeric = n.ERR_BADCHANMASK if is_channel(name) else n.ERR_NOSUCHCHANNEL
        raise ReplyError(numeric, name, "Invalid channel name")
    existing = ctx.state.find_channel(name)
    if existing is not None and ctx.client in existing.members:
        return
    limit = ctx.state.config.max_channels
    if limit and len(ctx.client.channels) >= limit:
        raise ReplyError(n.ERR_TOOMANYCHANNELS, name, "You have joined too many channels")
    channel = ctx.state.join(ctx.client, name)
    log.info("%s joined %s", ctx.client.nick, channel.name)
    ctx.broadcast(list(channel.members), Message("JOIN", (channel.name,), ctx.client.prefix))
    announce_away(ctx, channel)  # away-notify
    if channel.topic:
        send_topic(ctx, channel)
    send_read_marker(ctx, channel.name)  # draft/read-marker: before the names
    send_names(ctx, channel)


def part_channel(ctx: Context, channel: Channel, reason: str) -> None:
    log.info("%s left %s", ctx.client.nick, channel.name)
    params = (channel.name, reason) if reason else (channel.name,)
    ctx.broadcast(list(channel.members), Message("PART", params, ctx.client.prefix))
    ctx.state.leave(ctx.client, channel)


# PART <channel>{,<channel>} [<reason>]
@command("PART", min_params=1)
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
@command("TOPIC", min_params=1)
def handle_topic(ctx: Context, message: Message) -> None:
    channel = find_channel(ctx, message.params[0])
    member = ctx.client in channel.members
    if len(message.params) < 2:
        if channel.secret and not member:
            raise ReplyError(n.ERR_NOTONCHANNEL, channel.name, "You're not on that channel")
        send_topic(ctx, channel)
        return
    if not member:
        raise ReplyError(n.ERR_NOTONCHANNEL, channel.name, "You're not on that channel")
    if "t" in channel.modes and not channel.is_op(ctx.client):
        raise ReplyError(n.ERR_CHANOPRIVSNEEDED, channel.name, "You're not channel operator")
    channel.topic = message.params[1][:TOPICLEN]
    channel.topic_by, channel.topic_at = ctx.client.prefix, ctx.state.wall_clock()
    change = Message("TOPIC", (channel.name, channel.topic), ctx.client.prefix)
    ctx.broadcast(list(channel.members), change)


def send_names(ctx: Context, channel: Channel) -> None:
    """353 lines (split to fit) then 366, as NAMES and JOIN answer."""
    symbol = "@" if channel.secret else "="
    line: list[str] = []
    for member in channel.members:
        line.append(names_entry(ctx.client, channel, member))  # multi-prefix, userhost-in-names
        if sum(len(nick) + 1 for nick in line) > NAMES_LINE_LIMIT:
            ctx.reply(n.RPL_NAMREPLY, symbol, channel.name, " ".join(line))
            line = []
    if line:
        ctx.reply(n.RPL_NAMREPLY, symbol, channel.name, " ".join(line))
    ctx.reply(n.RPL_ENDOFNAMES, channel.name, "End of /NAMES list")


# NAMES [<channel>{,<channel>}]
@command("NAMES")
def handle_names(ctx: Context, message: Message) -> None:
    if not message.params:
        for visible in list(ctx.state.visible_channels(ctx.client)):
            send_names(ctx, visible)
        return
    for name in filter(None, message.params[0].split(",")):
        channel = ctx.state.find_channel(name)
        if channel is None or (channel.secret and ctx.client not in channel.members):
            ctx.reply(n.RPL_ENDOFNAMES, name, "End of /NAMES list")
        else:
            send_names(ctx, channel)


# LIST [<channel>{,<channel>}]
@command("LIST")
def handle_list(ctx: Context, message: Message) -> None:
    visible = list(ctx.state.visible_channels(ctx.client))
    if message.params:
        wanted = {ctx.state.find_channel(name) for name in message.params[0].split(",")}
        visible = [channel for channel in visible if channel in wanted]
    ctx.reply(n.RPL_LISTSTART, "Channel", "Users  Name")
    for channel in visible:
        ctx.reply(n.RPL_LIST, channel.name, str(len(channel.members)), channel.topic)
    ctx.reply(n.RPL_LISTEND, "End of /LIST")


# KICK <channel> <user> [<comment>]
@command("KICK", min_params=2)
def handle_kick(ctx: Context, message: Message) -> None:
    channel = member_channel(ctx, message.params[0])
    if not channel.is_op(ctx.client):
        raise ReplyError(n.ERR_CHANOPRIVSNEEDED, channel.name, "You're not channel operator")
    reason = (message.param(2) or ctx.client.nick)[:KICKLEN]

    def kick(nick: str) -> None:
        target = channel_member(ctx, channel, nick)
        kicked = Message("KICK", (channel.name, target.nick, reason), ctx.client.prefix)
        ctx.broadcast(list(channel.members), kicked)
        ctx.state.leave(target, channel)

    each_target(ctx, message.params[1], kick)
