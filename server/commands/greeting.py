"""The replies of the welcome burst that only the configuration and the start time decide (002 to
005, the MOTD): made once, not for every registration, which only puts its nick first.

A join storm registers a thousand clients in a second; each used to build the ISUPPORT tokens,
the creation date and the mode letters afresh, and check every line's params again. The replies
are kept as Messages to a placeholder nick for one configuration (by identity: a ServerConfig is
frozen, a new one is another object) and start time, built again when either changes, and sent
with the recipient's nick put first (Message.with_first_param: only the nick is checked). VERSION
(005) and MOTD send the same replies.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from ircproto import numerics as n
from ircproto.message import Message
from ircproto.version import server_version
from server.commands.base import Context, safe_middle
from server.commands.isupport import isupport_tokens, myinfo_modes
from server.config import ServerConfig

ISUPPORT_PER_LINE = 12  # tokens per 005 line (at most 13 fit in 15 params)
PLACEHOLDER = "*"  # the nick of the kept replies, replaced by each recipient's


@dataclass(frozen=True)
class Greeting:
    """The fixed replies: 002-004, the 005 lines, and the MOTD (375, 372s, 376; or 422)."""

    config: ServerConfig
    started_at: float
    host: tuple[Message, ...]
    isupport: tuple[Message, ...]
    motd: tuple[Message, ...]


def reply_of(config: ServerConfig, numeric: str, *params: str) -> Message:
    """A numeric to PLACEHOLDER as Context.reply() would send it (middle params made safe)."""
    middle = (safe_middle(param) for param in params[:-1])
    return Message(numeric, (PLACEHOLDER, *middle, *params[-1:]), config.name)


def build_greeting(config: ServerConfig, started_at: float) -> Greeting:
    """Every fixed reply of the welcome burst, for config and a server started at started_at."""
    created = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(started_at))
    version = server_version()
    host = (
        reply_of(config, n.RPL_YOURHOST,
                 f"Your host is {config.name}, running version {version}"),
        reply_of(config, n.RPL_CREATED, f"This server was created {created}"),
        reply_of(config, n.RPL_MYINFO, config.name, version, *myinfo_modes()),
    )
    tokens = isupport_tokens(config)
    isupport = tuple(
        reply_of(config, n.RPL_ISUPPORT, *tokens[start : start + ISUPPORT_PER_LINE],
                 "are supported by this server")
        for start in range(0, len(tokens), ISUPPORT_PER_LINE))
    return Greeting(config, started_at, host, isupport, motd_replies(config))


def motd_replies(config: ServerConfig) -> tuple[Message, ...]:
    """375, a 372 per line and 376; or 422 without a MOTD."""
    lines = config.motd_lines
    if not lines:
        return (reply_of(config, n.ERR_NOMOTD, "MOTD File is missing"),)
    return (
        reply_of(config, n.RPL_MOTDSTART, f"- {config.name} Message of the day - "),
        *(reply_of(config, n.RPL_MOTD, f"- {line}") for line in lines),
        reply_of(config, n.RPL_ENDOFMOTD, "End of /MOTD command."),
    )


class GreetingCache:
    """The Greeting of the configuration and start time last asked for. One slot, replaced in
    one assignment: servers in one process (tests) that ask in turn only build it again."""

    def __init__(self) -> None:
        self._greeting: Greeting | None = None

    def get(self, config: ServerConfig, started_at: float) -> Greeting:
        """The Greeting of config and started_at, built now if the one kept is another's."""
        greeting = self._greeting
        if greeting is None or greeting.config is not config or greeting.started_at != started_at:
            greeting = self._greeting = build_greeting(config, started_at)
        return greeting


CACHE = GreetingCache()


def greeting_of(ctx: Context) -> Greeting:
    """The fixed replies for the server ctx runs in."""
    return CACHE.get(ctx.state.config, ctx.state.started_at)


def send_replies(ctx: Context, replies: Iterable[Message]) -> None:
    """Each kept reply to the sender's connection, its nick first (as Context.reply() sends
    it)."""
    nick, session, out = ctx.client.nick, ctx.session, ctx.out
    for reply in replies:
        out.send_only(session, reply.with_first_param(nick))
