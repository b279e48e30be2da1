"""What the server says of itself: LUSERS, MOTD, TIME, VERSION (with ISUPPORT), ADMIN, INFO.

Every `<target>` these take must name this server (wildcards allowed) or a user on it: there is
only one server, so anything else gets 402 ERR_NOSUCHSERVER. The welcome burst reuses
send_isupport(), send_lusers() and send_motd().
"""

from __future__ import annotations

import time

from ircproto import numerics as n
from ircproto.message import Message
from ircproto.version import server_version
from ircproto.wildcard import matches
from server.commands.base import Context, ReplyError
from server.commands.greeting import greeting_of, send_replies

INFO_LINES = (
    f"{server_version()}: LocalChat, chat for a local network.",
    "The server speaks IRC (the Modern IRC client protocol and IRCv3), so any IRC client",
    "can join it; the LocalChat desktop client adds history, search and several devices.",
    "Accounts, SASL, private history per account, MONITOR, WHOX, chathistory.",
    "Try /HELP for the commands this server knows.",
)


def no_such_server(name: str) -> ReplyError:
    return ReplyError(n.ERR_NOSUCHSERVER, name, "No such server")


def check_target(ctx: Context, message: Message, index: int = 0) -> None:
    """402 unless the optional target param names this server (a mask may) or a user on it."""
    target = message.param(index)
    if not target or matches(target, ctx.server_name) or ctx.state.find_user(target):
        return
    raise no_such_server(target)


# LUSERS
def handle_lusers(ctx: Context, message: Message) -> None:
    send_lusers(ctx)


def send_lusers(ctx: Context) -> None:
    """251 and 255 always; 252, 253, 254 when there are any; 265 and 266 with their counts
    (the peak is kept here: every registration sends LUSERS). A person with several devices is
    one user."""
    state, census = ctx.state, ctx.state.census
    users, invisible, opers = len(census.users), len(census.invisible), len(census.opers)
    unknown = len(state.clients) - users - state.device_count  # the rest are registered
    peak = state.peak_users = max(state.peak_users, users)
    ctx.reply(n.RPL_LUSERCLIENT,
              f"There are {users - invisible} users and {invisible} invisible on 1 servers")
    if opers:
        ctx.reply(n.RPL_LUSEROP, str(opers), "operator(s) online")
    if unknown:
        ctx.reply(n.RPL_LUSERUNKNOWN, str(unknown), "unknown connection(s)")
    if state.channels:
        ctx.reply(n.RPL_LUSERCHANNELS, str(len(state.channels)), "channels formed")
    ctx.reply(n.RPL_LUSERME, f"I have {users} clients and 0 servers")
    ctx.reply(n.RPL_LOCALUSERS, str(users), str(peak),
              f"Current local users {users}, max {peak}")
    ctx.reply(n.RPL_GLOBALUSERS, str(users), str(peak),
              f"Current global users {users}, max {peak}")


# MOTD [<target>]
def handle_motd(ctx: Context, message: Message) -> None:
    check_target(ctx, message)
    send_motd(ctx)


def send_motd(ctx: Context) -> None:
    """375, 372s and 376; or 422 without a MOTD (registration goes on to the channel then):
    texts kept per configuration (server.commands.greeting)."""
    send_replies(ctx, greeting_of(ctx).motd)


def send_isupport(ctx: Context) -> None:
    """The ISUPPORT tokens in 005 lines (kept per configuration: server.commands.greeting)."""
    send_replies(ctx, greeting_of(ctx).isupport)


# TIME [<server>]
def handle_time(ctx: Context, message: Message) -> None:
    check_target(ctx, message)
    now = ctx.state.wall_clock()
    human = time.strftime("%A %B %d %Y -- %H:%M:%S +00:00", time.gmtime(now))
    ctx.reply(n.RPL_TIME, ctx.server_name, str(int(now)), human)


# VERSION [<target>]
def handle_version(ctx: Context, message: Message) -> None:
    check_target(ctx, message)
    config = ctx.state.config
    ctx.reply(n.RPL_VERSION, server_version(), ctx.server_name,
              f"LocalChat server of {config.network}")
    send_isupport(ctx)


# ADMIN [<target>]
def handle_admin(ctx: Context, message: Message) -> None:
    check_target(ctx, message)
    config = ctx.state.config
    ctx.reply(n.RPL_ADMINME, ctx.server_name, "Administrative info")
    ctx.reply(n.RPL_ADMINLOC1, f"A LocalChat server on the {config.network} local network")
    ctx.reply(n.RPL_ADMINLOC2, "Run by whoever started it on this network")
    email = config.admin_email or "No contact address was set (--admin-email)"
    ctx.reply(n.RPL_ADMINEMAIL, email)


# INFO [<target>]
def handle_info(ctx: Context, message: Message) -> None:
    check_target(ctx, message)
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(ctx.state.started_at))
    for line in (*INFO_LINES, f"Running since {started}."):
        ctx.reply(n.RPL_INFO, line)
    ctx.reply(n.RPL_ENDOFINFO, "End of INFO list")
