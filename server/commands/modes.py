"""MODE for channels (+o +v +t +n +m +s; by channel operators and opers) and for users (+i, and
-o to stop being an oper: +o comes only from OPER, so `MODE <nick> +o` is ignored).

There are no bans, but `MODE #chan b` (the ban list query irssi sends when it syncs a channel)
gets its empty list: irssi holds back later commands until the list ends.
"""

from __future__ import annotations

from ircproto import numerics as n
from ircproto.message import Message
from ircproto.names import is_channel
from server.commands.base import (
    Context,
    ReplyError,
    channel_member,
    find_channel,
    may_moderate,
    need_more_params,
    no_such_nick,
    not_channel_operator,
)
from server.commands.isupport import (
    CHANNEL_FLAGS,
    GRANTED_USER_MODES,
    MEMBER_MODES,
    MODES_PER_LINE,
    USER_MODES,
)
from server.state import Channel


# MODE <target> [<modestring> [<mode arguments>...]]
def handle_mode(ctx: Context, message: Message) -> None:
    if is_channel(message.params[0]):
        channel_mode(ctx, find_channel(ctx, message.params[0]), message.params[1:])
    else:
        user_mode(ctx, message.params[0], message.param(1))


def channel_mode(ctx: Context, channel: Channel, args: tuple[str, ...]) -> None:
    if not args:
        ctx.reply(n.RPL_CHANNELMODEIS, channel.name, "+" + "".join(sorted(channel.modes)))
        ctx.reply(n.RPL_CREATIONTIME, channel.name, str(int(channel.created_at)))
        return
    if args[0] in ("b", "+b") and len(args) == 1:
        ctx.reply(n.RPL_ENDOFBANLIST, channel.name, "End of channel ban list")
        return
    if not may_moderate(ctx.client, channel):
        raise not_channel_operator(channel)
    changes = parse_mode_changes(ctx, args)
    applied = [canonical(ctx, c) for c in changes if apply_mode(ctx, channel, *c)]
    if applied:
        params = (channel.name, *format_mode_changes(applied))
        ctx.broadcast(list(channel.members), ctx.from_sender("MODE", *params))


def parse_mode_changes(ctx: Context, args: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(sign, letter, argument) for each mode in the modestring; 472/461 for bad ones."""
    modestring, values = args[0], list(args[1:])
    sign, changes = "+", []
    for letter in modestring:
        if letter in "+-":
            sign = letter
        elif letter in MEMBER_MODES:
            if not values:
                raise need_more_params("MODE")
            changes.append((sign, letter, values.pop(0)))
        elif letter in CHANNEL_FLAGS:
            changes.append((sign, letter, ""))
        else:
            ctx.reply(n.ERR_UNKNOWNMODE, letter, "is unknown mode char to me")
    return changes[:MODES_PER_LINE]


def apply_mode(ctx: Context, channel: Channel, sign: str, letter: str, arg: str) -> bool:
    """Apply one change; True when it changed something."""
    if letter in CHANNEL_FLAGS:
        present = letter in channel.modes
        (channel.modes.add if sign == "+" else channel.modes.discard)(letter)
        return present != (sign == "+")
    target = channel_member(ctx, channel, arg)
    old = channel.members[target]
    new = old + letter if sign == "+" and letter not in old else old
    new = new.replace(letter, "") if sign == "-" else new
    channel.members[target] = "".join(sorted(new, key=MEMBER_MODES.index))
    return old != channel.members[target]


def canonical(ctx: Context, change: tuple[str, str, str]) -> tuple[str, str, str]:
    """The change with its nick argument as the server spells it."""
    sign, letter, arg = change
    target = ctx.state.find_nick(arg) if arg else None
    return (sign, letter, target.nick if target else arg)


def format_mode_changes(changes: list[tuple[str, str, str]]) -> list[str]:
    """'+o-v', 'alice', 'bob' from [('+', 'o', 'alice'), ('-', 'v', 'bob')]."""
    modestring, values, sign = "", [], ""
    for change_sign, letter, arg in changes:
        if change_sign != sign:
            modestring += change_sign
            sign = change_sign
        modestring += letter
        if arg:
            values.append(arg)
    return [modestring, *values]


def user_mode(ctx: Context, nick: str, modestring: str) -> None:
    target = ctx.state.find_nick(nick)
    if target is None:
        raise no_such_nick(nick)
    if target is not ctx.client:
        raise ReplyError(n.ERR_USERSDONTMATCH, "Cant change mode for other users")
    client = ctx.client
    if not modestring:
        ctx.reply(n.RPL_UMODEIS, "+" + "".join(sorted(client.modes)))
        return
    changes, sign = [], "+"
    for letter in modestring:
        if letter in "+-":
            sign = letter
        elif letter not in USER_MODES:
            ctx.reply(n.ERR_UMODEUNKNOWNFLAG, "Unknown MODE flag")
        elif letter in GRANTED_USER_MODES and sign == "+":
            continue  # the spec: an attempt to make oneself an operator is ignored
        elif (letter in client.modes) != (sign == "+"):
            (client.modes.add if sign == "+" else client.modes.discard)(letter)
            changes.append((sign, letter, ""))
    if changes:
        params = (client.nick, *format_mode_changes(changes))
        ctx.send(client, Message("MODE", params, client.prefix))
