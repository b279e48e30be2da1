"""WHO (Modern IRC, with IRCv3 WHOX): a channel's members, one nick, or every visible user whose
nick, username, host, realname or server matches a wildcard mask; `o` keeps operators only.

Invisible users (+i) are listed only to those who share a channel with them (or to themselves),
except when asked for by their exact nick. 352 (or 354 with WHOX), then 315 with the mask as
given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ircproto import numerics as n
from ircproto.message import Message
from ircproto.names import is_channel
from ircproto.wildcard import any_matcher, has_wildcards
from server.commands.base import Context, is_operator, member_prefixes
from server.state import CASEMAPPING, Channel, Client

WHOX_ORDER = "tcuihsnfdlaor"  # the WHOX fields, in the order a 354 reply gives them
HIDDEN_IP = "255.255.255.255"  # WHOX's "IP not shown"


@dataclass(frozen=True, slots=True)
class WhoRequest:
    """WHO's second param: filter flags (`o`), then with WHOX `%<fields>[,<token>]`."""

    operators_only: bool
    whox: bool
    fields: str  # the WHOX fields asked for, in reply order
    token: str


def parse_request(param: str) -> WhoRequest:
    """flags[%fields[,token]]. Unknown flags and field letters are ignored; t without a token
    of 1 to 3 digits is dropped (WHOX says a client must give one with t)."""
    flags, percent, rest = param.partition("%")
    if not percent:
        return WhoRequest("o" in flags, False, "", "")
    letters, _, token = rest.partition(",")
    fields = "".join(field for field in WHOX_ORDER if field in letters)
    if not (token.isascii() and token.isdigit() and len(token) <= 3):
        fields, token = fields.replace("t", ""), ""
    return WhoRequest("o" in flags, True, fields, token)


def shares_channel(one: Client, other: Client) -> bool:
    return any(other in channel.members for channel in one.channels.values())


def visible(viewer: Client, target: Client) -> bool:
    """Whether viewer may see target listed: not invisible, itself, or a shared channel."""
    return "i" not in target.modes or viewer is target or shares_channel(viewer, target)


def shown_channel(viewer: Client, target: Client) -> Channel | None:
    """A channel of target's to show viewer (WHO's arbitrary one): a shared one first, else
    one that is not secret; None when viewer may see none."""
    others = []
    for channel in target.channels.values():
        if viewer in channel.members:
            return channel
        if not channel.secret:
            others.append(channel)
    return others[0] if others else None


def who_flags(ctx: Context, client: Client, channel: Channel | None) -> str:
    """H (here) or G (gone), * for an IRC operator, the membership prefixes (all of them with
    multi-prefix), B for a bot."""
    flags = "G" if client.away is not None else "H"
    if is_operator(client):
        flags += "*"
    if channel is not None:
        flags += member_prefixes(ctx.session, channel, client)
    if "B" in client.modes:
        flags += "B"
    return flags


def whox_values(ctx: Context, client: Client, channel: Channel | None, token: str
                ) -> dict[str, Callable[[], str]]:
    own = client is ctx.client or is_operator(ctx.client)  # the IP only to itself and opers
    idle = ctx.state.clock() - max(s.spoke_at for s in client.sessions)
    return {
        "t": lambda: token,
        "c": lambda: channel.name if channel else "*",
        "u": lambda: client.user,
        "i": lambda: client.host if own else HIDDEN_IP,
        "h": lambda: client.host,
        "s": lambda: ctx.server_name,
        "n": lambda: client.nick,
        "f": lambda: who_flags(ctx, client, channel),
        "d": lambda: "0",
        "l": lambda: str(int(idle)),
        "a": lambda: client.account or "0",
        "o": lambda: "n/a",
        "r": lambda: client.realname,
    }


def who_reply(ctx: Context, client: Client, channel: Channel | None, request: WhoRequest
              ) -> None:
    """352 RPL_WHOREPLY, or 354 RPL_WHOSPCRPL with exactly the WHOX fields asked for."""
    if not request.whox:
        ctx.reply(
            n.RPL_WHOREPLY, channel.name if channel else "*", client.user, client.host,
            ctx.server_name, client.nick, who_flags(ctx, client, channel), f"0 {client.realname}",
        )
        return
    values = whox_values(ctx, client, channel, request.token)
    ctx.reply(n.RPL_WHOSPCRPL, *(values[field]() for field in request.fields))


def mask_matches(ctx: Context, mask: str) -> Callable[[Client], bool]:
    """Whether a client's nick, username, host, realname or server matches mask."""
    test = any_matcher(mask, CASEMAPPING)
    if test((ctx.server_name,)):
        return lambda c: True
    return lambda c: test((c.nick, c.user, c.host, c.realname))


def matching(ctx: Context, mask: str) -> Iterable[tuple[Client, Channel | None]]:
    """Who WHO <mask> lists, each with the channel its reply names."""
    viewer = ctx.client
    if is_channel(mask):
        channel = ctx.state.find_channel(mask)
        if channel is None or (channel.secret and viewer not in channel.members):
            return []
        member = viewer in channel.members
        return [(c, channel) for c in list(channel.members) if member or visible(viewer, c)]
    if mask in ("*", "0") or has_wildcards(mask):
        wanted = (lambda c: True) if mask in ("*", "0") else mask_matches(ctx, mask)
        users = [c for c in ctx.state.nicks.values() if c.registered and visible(viewer, c)]
        return [(c, shown_channel(viewer, c)) for c in users if wanted(c)]
    target = ctx.state.find_user(mask)
    return [] if target is None else [(target, shown_channel(viewer, target))]


# WHO <mask> [<flags>][%<fields>[,<token>]]
def handle_who(ctx: Context, message: Message) -> None:
    mask, request = message.param(0, "*") or "*", parse_request(message.param(1))
    for client, channel in matching(ctx, mask):
        if not request.operators_only or is_operator(client):
            who_reply(ctx, client, channel, request)
    ctx.reply(n.RPL_ENDOFWHO, mask, "End of WHO list")
