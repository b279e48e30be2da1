"""Connection registration and upkeep: PASS, NICK, USER, PING, PONG, QUIT, MOTD, LUSERS.

After NICK and USER (and CAP END, when negotiation was started) the client gets the welcome
burst 001-005, LUSERS, the MOTD, and is joined to the default channel.
"""

from __future__ import annotations

import hmac
import re
import time

from ircproto import numerics as n
from ircproto.message import Message
from ircproto.names import CHANNELLEN, NICKLEN, nick_error
from server.commands.base import Context, ReplyError, command
from server.config import VERSION
from server.state import CASEMAPPING

USERLEN = 18
CHATHISTORY_MAX = 100  # most messages one CHATHISTORY reply holds
TOPICLEN = 390
AWAYLEN = 200
KICKLEN = 255
MAXTARGETS = 4
MODES_PER_LINE = 4
CHANMODES = ",,,mnst"
ERR_INVALIDUSERNAME = "468"
_USER_CHARS = re.compile(r"[^A-Za-z0-9_.\-]")


def isupport_tokens(ctx: Context) -> list[str]:
    """The RPL_ISUPPORT tokens this server advertises."""
    return [
        f"NETWORK={ctx.state.config.network}", f"CASEMAPPING={CASEMAPPING}", "CHANTYPES=#&",
        "PREFIX=(ov)@+", f"CHANMODES={CHANMODES}", f"NICKLEN={NICKLEN}",
        f"CHANNELLEN={CHANNELLEN}", f"TOPICLEN={TOPICLEN}", f"AWAYLEN={AWAYLEN}",
        f"KICKLEN={KICKLEN}", f"MODES={MODES_PER_LINE}", f"MAXTARGETS={MAXTARGETS}",
        f"USERLEN={USERLEN}", "UTF8ONLY", f"CHANLIMIT=#&:{ctx.state.config.max_channels or ''}",
        f"CHATHISTORY={CHATHISTORY_MAX}", "MSGREFTYPES=msgid,timestamp",
    ]


# CAP lives in server/commands/capabilities.py; it calls try_register() on CAP END.


# PASS <password>   (checked when registration completes; ignored without --password)
@command("PASS", min_params=1, registered=False)
def handle_pass(ctx: Context, message: Message) -> None:
    if ctx.client.registered:
        raise ReplyError(n.ERR_ALREADYREGISTERED, "You may not reregister")
    expected = ctx.state.config.password
    if expected is not None:
        given = message.params[0].encode("utf-8")
        ctx.client.password_ok = hmac.compare_digest(given, expected.encode("utf-8"))


# NICK <nickname>
@command("NICK", registered=False)
def handle_nick(ctx: Context, message: Message) -> None:
    nick, client, state = message.param(0), ctx.client, ctx.state
    if not nick:
        raise ReplyError(n.ERR_NONICKNAMEGIVEN, "No nickname given")
    if nick_error(nick):
        raise ReplyError(n.ERR_ERRONEUSNICKNAME, nick, f"Erroneous nickname: {nick_error(nick)}")
    owner = state.find_nick(nick)
    if owner is not None and owner is not client:
        raise ReplyError(n.ERR_NICKNAMEINUSE, nick, "Nickname is already in use")
    if nick == client.nick:
        return
    if client.registered:
        change = Message("NICK", (nick,), client.prefix)
        ctx.broadcast([client, *state.peers(client)], change)
    state.set_nick(client, nick)
    if not client.registered:
        try_register(ctx)


# USER <username> <mode> <unused> :<realname>
@command("USER", min_params=4, registered=False)
def handle_user(ctx: Context, message: Message) -> None:
    client = ctx.client
    if client.registered or client.user:
        raise ReplyError(n.ERR_ALREADYREGISTERED, "You may not reregister")
    user = _USER_CHARS.sub("", message.params[0])[:USERLEN]
    if not user:
        raise ReplyError(ERR_INVALIDUSERNAME, message.params[0], "Your username is not valid")
    client.user, client.realname = user, message.params[3]
    try_register(ctx)


def try_register(ctx: Context) -> None:
    """Complete registration once NICK and USER are in and CAP negotiation (if any) is over."""
    client = ctx.client
    if client.registered or not client.user or not client.nick_key or client.cap_negotiating:
        return
    if ctx.state.config.password is not None and not client.password_ok:
        ctx.reply(n.ERR_PASSWDMISMATCH, "Password incorrect")
        ctx.close("Bad password", "Password incorrect")
        return
    client.registered = True
    config = ctx.state.config
    created = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(ctx.state.started_at))
    ctx.reply(n.RPL_WELCOME, f"Welcome to the {config.network} IRC network, {client.prefix}")
    ctx.reply(n.RPL_YOURHOST, f"Your host is {config.name}, running version {VERSION}")
    ctx.reply(n.RPL_CREATED, f"This server was created {created}")
    ctx.reply(n.RPL_MYINFO, config.name, VERSION, "i", "mnostv", "ov")
    tokens = isupport_tokens(ctx)
    for start in range(0, len(tokens), 12):
        ctx.reply(n.RPL_ISUPPORT, *tokens[start : start + 12], "are supported by this server")
    send_lusers(ctx)
    send_motd(ctx)
    if config.channel:
        from server.commands.channels import join_channel

        join_channel(ctx, config.channel)


def send_lusers(ctx: Context) -> None:
    state = ctx.state
    users = sum(1 for c in state.clients if c.registered)
    invisible = sum(1 for c in state.clients if c.registered and "i" in c.modes)
    unknown = len(state.clients) - users
    visible = users - invisible
    ctx.reply(n.RPL_LUSERCLIENT, f"There are {visible} users and {invisible} invisible on 1 servers")
    if unknown:
        ctx.reply(n.RPL_LUSERUNKNOWN, str(unknown), "unknown connection(s)")
    ctx.reply(n.RPL_LUSERCHANNELS, str(len(state.channels)), "channels formed")
    ctx.reply(n.RPL_LUSERME, f"I have {users} clients and 0 servers")


def send_motd(ctx: Context) -> None:
    lines = ctx.state.config.motd_lines
    if not lines:
        raise ReplyError(n.ERR_NOMOTD, "MOTD File is missing")
    ctx.reply(n.RPL_MOTDSTART, f"- {ctx.server_name} Message of the day - ")
    for line in lines:
        ctx.reply(n.RPL_MOTD, f"- {line}")
    ctx.reply(n.RPL_ENDOFMOTD, "End of /MOTD command.")


# MOTD [<target>]
@command("MOTD")
def handle_motd(ctx: Context, message: Message) -> None:
    send_motd(ctx)


# LUSERS
@command("LUSERS")
def handle_lusers(ctx: Context, message: Message) -> None:
    send_lusers(ctx)


# PING <token>
@command("PING", min_params=1, registered=False)
def handle_ping(ctx: Context, message: Message) -> None:
    pong = Message("PONG", (ctx.server_name, message.params[0]), ctx.server_name)
    ctx.send(ctx.client, pong)


# PONG [<server>] <token>   (any line proves the client alive; dispatch notes the activity)
@command("PONG", registered=False)
def handle_pong(ctx: Context, message: Message) -> None:
    return None


# QUIT [:<reason>]
@command("QUIT", registered=False)
def handle_quit(ctx: Context, message: Message) -> None:
    text = message.param(0)
    reason = f"Quit: {text}" if text else "Client quit"
    ctx.close(reason, "Closing link")
