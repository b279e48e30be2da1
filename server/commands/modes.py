"""MODE for channels and for users, as Modern IRC describes it.

Channel modes (CHANMODES=beI,k,l,imnst): the lists +b +e +I (server.commands.chanlists), the
key +k, the client limit +l, the flags +i +m +n +s +t, and the member modes +o +v. Anyone may
query the modes (324 and 329; the key only to members) and the lists; changes need a channel
operator or an oper (482). One MODE may hold several changes, their parameters in order; each
bad one gets its own error (461, 472, 401/441, 696, 478) and the others still apply (+k and +l
without a parameter are ignored, as the spec says), and what changed goes to the channel in one
MODE line.

User modes (+B bot, +i invisible, +o oper): `MODE <ownnick>` gives 221; another user's modes
are 502. +o comes only from OPER, so `MODE <nick> +o` is ignored and `-o` gives it up.
"""

from __future__ import annotations

from ircproto import numerics as n
from ircproto.message import Message
from ircproto.names import is_channel
from server.chanmodes import LIST_MODES
from server.commands.base import (
    Context,
    ReplyError,
    channel_member,
    find_channel,
    is_operator,
    may_moderate,
    need_more_params,
    no_such_nick,
    not_channel_operator,
)
from server.commands.chanlists import change_list, send_list
from server.commands.isupport import (
    CHANNEL_FLAGS,
    GRANTED_USER_MODES,
    KEY_MODE,
    KEYLEN,
    LIMIT_MODE,
    MEMBER_MODES,
    MODES_PER_LINE,
    USER_MODES,
)
from server.state import Channel

Change = tuple[str, str, str]  # (sign, letter, parameter or '')
LIMIT_MAX = 100_000  # the largest +l taken


# MODE <target> [<modestring> [<mode arguments>...]]
def handle_mode(ctx: Context, message: Message) -> None:
    if is_channel(message.params[0]):
        channel_mode(ctx, find_channel(ctx, message.params[0]), message.params[1:])
    else:
        user_mode(ctx, message.params[0], message.param(1))


def channel_mode(ctx: Context, channel: Channel, args: tuple[str, ...]) -> None:
    if not args:
        send_channel_modes(ctx, channel)
        return
    changes, queries = parse_mode_changes(ctx, args)
    for letter in queries:
        send_list(ctx, channel, letter)
    if not changes:
        return
    if not may_moderate(ctx.client, channel):
        raise not_channel_operator(channel)
    applied = []
    for sign, letter, arg in changes:
        try:
            shown = apply_mode(ctx, channel, sign, letter, arg)
        except ReplyError as error:
            ctx.reply_error(error)
            continue
        if shown is not None:
            applied.append((sign, letter, shown))
    if applied:  # to the members, and to an oper who changed them from outside
        params = (channel.name, *format_mode_changes(applied))
        told = list(channel.members)
        if ctx.client not in channel.members:
            told.append(ctx.client)
        ctx.broadcast(told, ctx.from_sender("MODE", *params))


def send_channel_modes(ctx: Context, channel: Channel) -> None:
    """324 with the flags, the key (to members and opers; '*' to others) and the limit; 329."""
    settings, letters, params = channel.settings, "".join(sorted(channel.modes)), []
    if settings.join_key:
        letters += KEY_MODE
        may_see = ctx.client in channel.members or is_operator(ctx.client)
        params.append(settings.join_key if may_see else "*")
    if settings.limit:
        letters += LIMIT_MODE
        params.append(str(settings.limit))
    ctx.reply(n.RPL_CHANNELMODEIS, channel.name, "+" + letters, *params)
    ctx.reply(n.RPL_CREATIONTIME, channel.name, str(int(channel.created_at)))


def takes_parameter(sign: str, letter: str) -> bool:
    """Whether a change of letter with sign consumes a parameter (CHANMODES types A-C, and
    the member modes)."""
    return letter in LIST_MODES + KEY_MODE + MEMBER_MODES or (letter == LIMIT_MODE and sign == "+")


def parse_mode_changes(ctx: Context, args: tuple[str, ...]) -> tuple[list[Change], list[str]]:
    """The changes in the modestring with their parameters, and the lists asked for (a list
    letter without a parameter). 472 for an unknown letter, 461 for a member mode without its
    nick (+k and +l without theirs are ignored, as Modern IRC says); past MODES_PER_LINE
    changes with a parameter the rest is refused (400)."""
    modestring, values = args[0], list(args[1:])
    sign, changes, queries, with_parameter = "+", [], [], 0
    for letter in modestring:
        if letter in "+-":
            sign = letter
        elif letter not in LIST_MODES + KEY_MODE + LIMIT_MODE + MEMBER_MODES + CHANNEL_FLAGS:
            ctx.reply(n.ERR_UNKNOWNMODE, letter, "is unknown mode char to me")
        elif not takes_parameter(sign, letter):
            changes.append((sign, letter, ""))
        elif with_parameter == MODES_PER_LINE:
            why = f"Too many mode changes with a parameter (at most {MODES_PER_LINE})"
            ctx.reply(n.ERR_UNKNOWNERROR, "MODE", why)
            break
        elif values:
            changes.append((sign, letter, values.pop(0)))
            with_parameter += 1
        elif letter in LIST_MODES:
            if letter not in queries:
                queries.append(letter)
        elif letter == KEY_MODE and sign == "-":
            changes.append((sign, letter, "*"))  # -k needs no key here
        elif letter in MEMBER_MODES:
            ctx.reply_error(need_more_params("MODE"))
        # else +k or +l without a parameter: Modern IRC says the server MUST ignore it
    return changes, queries


def apply_mode(ctx: Context, channel: Channel, sign: str, letter: str, arg: str) -> str | None:
    """Apply one change; the parameter the change shows ('' for a flag), or None when it
    changed nothing. A ReplyError refuses this change alone."""
    if letter in CHANNEL_FLAGS:
        present = letter in channel.modes
        (channel.modes.add if sign == "+" else channel.modes.discard)(letter)
        return "" if present != (sign == "+") else None
    if letter in LIST_MODES:
        return change_list(ctx, channel, sign, letter, arg)
    if letter == KEY_MODE:
        return change_key(channel, sign, arg)
    if letter == LIMIT_MODE:
        return change_limit(channel, sign, arg)
    return change_member(ctx, channel, sign, letter, arg)


def change_key(channel: Channel, sign: str, key: str) -> str | None:
    """+k <key> sets (or replaces) the key, -k removes it (shown as '*'). A key is 1 to KEYLEN
    characters without spaces, commas or control characters (696 otherwise)."""
    settings = channel.settings
    if sign == "-":
        if not settings.join_key:
            return None
        settings.join_key = ""
        return "*"
    if not valid_key(key):
        why = f"Keys are 1 to {KEYLEN} characters without spaces, commas or ':' first"
        raise ReplyError(n.ERR_INVALIDMODEPARAM, channel.name, KEY_MODE, key, why)
    if settings.join_key == key:
        return None
    settings.join_key = key
    return key


def valid_key(key: str) -> bool:
    return (0 < len(key) <= KEYLEN and key[0] != ":" and "," not in key
            and all(c.isprintable() and not c.isspace() for c in key))


def change_limit(channel: Channel, sign: str, value: str) -> str | None:
    """+l <count> (a whole number from 1 to LIMIT_MAX; anything else is not applied, and
    told with 696), -l removes it."""
    settings = channel.settings
    if sign == "-":
        if not settings.limit:
            return None
        settings.limit = 0
        return ""
    if not (value.isascii() and value.isdigit() and 0 < int(value) <= LIMIT_MAX):
        why = f"The limit is a whole number from 1 to {LIMIT_MAX}"
        raise ReplyError(n.ERR_INVALIDMODEPARAM, channel.name, LIMIT_MODE, value, why)
    if settings.limit == int(value):
        return None
    settings.limit = int(value)
    return str(settings.limit)


def change_member(ctx: Context, channel: Channel, sign: str, letter: str, nick: str
                  ) -> str | None:
    """+o/-o/+v/-v <nick>: the nick as the server spells it, or None if nothing changed."""
    target = channel_member(ctx, channel, nick)
    old = channel.members[target]
    new = old + letter if sign == "+" and letter not in old else old
    new = new.replace(letter, "") if sign == "-" else new
    new = "".join(sorted(new, key=MEMBER_MODES.index))
    if new == old:
        return None
    channel.set_member_modes(target, new)
    return target.nick


def format_mode_changes(changes: list[Change]) -> list[str]:
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
    changes, sign, unknown = [], "+", False
    for letter in modestring:
        if letter in "+-":
            sign = letter
        elif letter not in USER_MODES:
            unknown = True
        elif letter in GRANTED_USER_MODES and sign == "+":
            continue  # the spec: an attempt to make oneself an operator is ignored
        elif (letter in client.modes) != (sign == "+"):
            (client.modes.add if sign == "+" else client.modes.discard)(letter)
            changes.append((sign, letter, ""))
    if changes:  # every device of the identity: the modes are the identity's
        ctx.state.census.moded(client)
        params = (client.nick, *format_mode_changes(changes))
        ctx.broadcast_sessions(client.sessions, Message("MODE", params, client.prefix))
    if unknown:  # the spec: apply the known ones, then send 501 along with the MODE
        ctx.reply(n.ERR_UMODEUNKNOWNFLAG, "Unknown MODE flag")
