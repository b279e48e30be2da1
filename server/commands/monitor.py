"""MONITOR (IRCv3 monitor): + adds nicks and says which are online (730) or offline (731), -
removes, C clears, L lists (732, 733), S shows the state of the whole list; 734 when the list
is full. Lists are per connection (server.monitor); invalid nicks get 400 and are skipped."""

from __future__ import annotations

from collections.abc import Callable

from ircproto import numerics as n
from ircproto.message import Message
from ircproto.names import nick_error
from server.commands.base import Context, fit_lines, need_more_params, split_targets

LINE_LIMIT = 400  # characters of a comma-separated nick list per 730-732 line


def send_list(ctx: Context, numeric: str, items: list[str]) -> None:
    """items, comma-separated, in as many numerics as they need."""
    for line in fit_lines(items, LINE_LIMIT):
        ctx.reply(numeric, line.replace(" ", ","))


def send_status(ctx: Context, nicks: list[str]) -> None:
    """730 for those of nicks that are online (with their masks), 731 for the others."""
    online, offline = [], []
    for nick in nicks:
        client = ctx.state.find_user(nick)
        if client is None:
            offline.append(nick)
        else:
            online.append(client.prefix)
    if online:
        send_list(ctx, n.RPL_MONONLINE, online)
    if offline:
        send_list(ctx, n.RPL_MONOFFLINE, offline)


def add(ctx: Context, targets: list[str]) -> None:
    monitors, session = ctx.state.monitors, ctx.session
    added: list[str] = []
    for index, nick in enumerate(targets):
        if nick_error(nick):
            ctx.reply(n.ERR_UNKNOWNERROR, "MONITOR", "+", f"Invalid nick {nick!r} not monitored")
        elif not monitors.add(session, nick):
            ctx.reply(n.ERR_MONLISTFULL, str(monitors.limit), ",".join(targets[index:]),
                      "Monitor list is full.")
            break
        else:
            added.append(nick)
    send_status(ctx, added)


def remove(ctx: Context, targets: list[str]) -> None:
    for nick in targets:
        ctx.state.monitors.remove(ctx.session, nick)


def clear(ctx: Context) -> None:
    ctx.state.monitors.clear(ctx.session)


def show_list(ctx: Context) -> None:
    nicks = ctx.state.monitors.nicks(ctx.session)
    if nicks:
        send_list(ctx, n.RPL_MONLIST, nicks)
    ctx.reply(n.RPL_ENDOFMONLIST, "End of MONITOR list")


def show_status(ctx: Context) -> None:
    send_status(ctx, ctx.state.monitors.nicks(ctx.session))


WITH_TARGETS: dict[str, Callable[[Context, list[str]], None]] = {"+": add, "-": remove}
ALONE: dict[str, Callable[[Context], None]] = {"C": clear, "L": show_list, "S": show_status}


# MONITOR + <nick>{,<nick>} | MONITOR - <nick>{,<nick>} | MONITOR C | MONITOR L | MONITOR S
def handle_monitor(ctx: Context, message: Message) -> None:
    modifier = message.params[0].upper()
    if modifier in WITH_TARGETS:
        targets = split_targets(message.param(1))
        if not targets:
            raise need_more_params("MONITOR")
        WITH_TARGETS[modifier](ctx, targets)
    elif modifier in ALONE:
        ALONE[modifier](ctx)
    else:
        ctx.reply(n.ERR_UNKNOWNERROR, "MONITOR", message.params[0], "Unknown MONITOR modifier")
