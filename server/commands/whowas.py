"""WHOWAS (Modern IRC): who held a nick before (server.whowas keeps them): 314 and 312 for each,
newest first, up to <count>; 406 when nobody did; always 369 last."""

from __future__ import annotations

import time

from ircproto import numerics as n
from ircproto.message import Message
from server.commands.base import Context


def parse_count(text: str) -> int:
    """WHOWAS's <count>: a positive number limits the reply; anything else means all."""
    return int(text) if text.isascii() and text.isdigit() else 0


# WHOWAS <nick> [<count>]
def handle_whowas(ctx: Context, message: Message) -> None:
    nick = message.param(0)
    if not nick:
        ctx.reply(n.ERR_NONICKNAMEGIVEN, "No nickname given")
        return
    entries = ctx.state.whowas.find(nick, parse_count(message.param(1)))
    if not entries:
        ctx.reply(n.ERR_WASNOSUCHNICK, nick, "There was no such nickname")
    for entry in entries:
        ctx.reply(n.RPL_WHOWASUSER, entry.nick, entry.user, entry.host, "*", entry.realname)
        left = time.strftime("%a %b %d %H:%M:%S %Y UTC", time.gmtime(entry.left_at))
        ctx.reply(n.RPL_WHOISSERVER, entry.nick, ctx.server_name, left)
    ctx.reply(n.RPL_ENDOFWHOWAS, nick, "End of WHOWAS")
