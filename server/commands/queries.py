"""Who is who: WHO (with WHOX fields) and WHOIS."""

from __future__ import annotations

from dataclasses import dataclass

from ircproto import numerics as n
from ircproto.message import Message
from ircproto.names import is_channel
from server.commands.base import Context, is_operator, member_prefixes, no_such_nick
from server.state import Channel, Client

WHOX_ORDER = "tcuihsnfdlaor"  # the WHOX fields, in the order a 354 reply gives them
HIDDEN_IP = "255.255.255.255"  # WHOX's "IP not shown"


@dataclass(frozen=True, slots=True)
class Whox:
    """A WHOX request (`%<fields>[,<token>]`): the fields asked for, in reply order."""

    fields: str
    token: str


def parse_whox(param: str) -> Whox | None:
    """The WHOX request in WHO's second param, or None for a plain WHO. Unknown field letters
    are ignored; a token that is not 1 to 3 digits drops the t field."""
    if not param.startswith("%"):
        return None
    letters, _, token = param[1:].partition(",")
    fields = "".join(field for field in WHOX_ORDER if field in letters)
    if not (token.isdigit() and len(token) <= 3):
        fields, token = fields.replace("t", ""), ""
    return Whox(fields, token)


def who_flags(ctx: Context, client: Client, channel: Channel | None) -> str:
    """H (here) or G (gone), * for an IRC operator, then the membership prefixes (all of them
    with multi-prefix)."""
    flags = "G" if client.away is not None else "H"
    if is_operator(client):
        flags += "*"
    if channel is not None:
        flags += member_prefixes(ctx.session, channel, client)
    return flags


def who_reply(ctx: Context, client: Client, channel: Channel | None, whox: Whox | None) -> None:
    """352 RPL_WHOREPLY, or 354 RPL_WHOSPCRPL with the WHOX fields asked for."""
    if whox is None:
        ctx.reply(
            n.RPL_WHOREPLY, channel.name if channel else "*", client.user, client.host,
            ctx.server_name, client.nick, who_flags(ctx, client, channel), f"0 {client.realname}",
        )
        return
    values = {
        "t": lambda: whox.token,
        "c": lambda: channel.name if channel else "*",
        "u": lambda: client.user,
        "i": lambda: HIDDEN_IP,
        "h": lambda: client.host,
        "s": lambda: ctx.server_name,
        "n": lambda: client.nick,
        "f": lambda: who_flags(ctx, client, channel),
        "d": lambda: "0",
        "l": lambda: str(int(ctx.state.clock() - client.last_activity)),
        "a": lambda: client.account or "0",
        "o": lambda: "n/a",
        "r": lambda: client.realname,
    }
    ctx.reply(n.RPL_WHOSPCRPL, *(values[field]() for field in whox.fields))


# WHO <mask> [%<fields>[,<token>]]
def handle_who(ctx: Context, message: Message) -> None:
    mask, whox = message.param(0, "*"), parse_whox(message.param(1))
    if is_channel(mask):
        channel = ctx.state.find_channel(mask)
        member = channel is not None and ctx.client in channel.members
        if channel is not None and (member or not channel.secret):
            for client in list(channel.members):
                if member or "i" not in client.modes:
                    who_reply(ctx, client, channel, whox)
    else:
        target = ctx.state.find_user(mask)
        if target is not None:
            who_reply(ctx, target, None, whox)
    ctx.reply(n.RPL_ENDOFWHO, mask, "End of WHO list")


# WHOIS [<target>] <nick>
def handle_whois(ctx: Context, message: Message) -> None:
    nick = message.params[-1].split(",")[0]
    target = ctx.state.find_user(nick)
    if target is None:
        ctx.reply_error(no_such_nick(nick))
        ctx.reply(n.RPL_ENDOFWHOIS, nick, "End of /WHOIS list")
        return
    ctx.reply(n.RPL_WHOISUSER, target.nick, target.user, target.host, "*", target.realname)
    channels = [
        channel.prefix_of(target) + channel.name
        for channel in target.channels.values()
        if not channel.secret or ctx.client in channel.members
    ]
    if channels:
        ctx.reply(n.RPL_WHOISCHANNELS, target.nick, " ".join(channels))
    ctx.reply(n.RPL_WHOISSERVER, target.nick, ctx.server_name, ctx.state.config.network)
    if target.account is not None:
        ctx.reply(n.RPL_WHOISACCOUNT, target.nick, target.account, "is logged in as")
    if is_operator(target):
        ctx.reply(n.RPL_WHOISOPERATOR, target.nick, "is an IRC operator")
    if target.away is not None:
        ctx.reply(n.RPL_AWAY, target.nick, target.away)
    if target.certfp and (target is ctx.client or "o" in ctx.client.modes):  # self, or an oper
        ctx.reply(n.RPL_WHOISCERTFP, target.nick,
                  f"has client certificate fingerprint {target.certfp}")
    idle = int(ctx.state.clock() - target.last_activity)
    ctx.reply(n.RPL_WHOISIDLE, target.nick, str(idle), "seconds idle")
    ctx.reply(n.RPL_ENDOFWHOIS, target.nick, "End of /WHOIS list")
