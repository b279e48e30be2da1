"""Quick presence queries: USERHOST (302, up to five nicks, with the `*` operator and `+`/`-`
away markers) and ISON (303)."""

from __future__ import annotations

from ircproto import numerics as n
from ircproto.message import Message
from server.commands.base import Context, is_operator
from server.state import Client

USERHOST_MAX = 5  # nicks one USERHOST answers; more are ignored (Modern IRC)


def userhost_reply(client: Client) -> str:
    """nick[*]=(+|-)user@host: * for an operator, - when away, + when here."""
    oper = "*" if is_operator(client) else ""
    away = "-" if client.away is not None else "+"
    return f"{client.nick}{oper}={away}{client.user}@{client.host}"


def words(message: Message) -> list[str]:
    """Every nick in the params, which some clients send as one trailing param."""
    return [word for param in message.params for word in param.split()]


# USERHOST <nickname>{ <nickname>}
def handle_userhost(ctx: Context, message: Message) -> None:
    found = (ctx.state.find_user(nick) for nick in words(message)[:USERHOST_MAX])
    ctx.reply(n.RPL_USERHOST, " ".join(userhost_reply(c) for c in found if c is not None))


# ISON <nickname>{ <nickname>}
def handle_ison(ctx: Context, message: Message) -> None:
    found = (ctx.state.find_user(nick) for nick in words(message))
    ctx.reply(n.RPL_ISON, " ".join(c.nick for c in found if c is not None))
