"""Connection registration and upkeep: PASS, NICK, USER, PING, PONG, QUIT, MOTD, LUSERS.

NICK and USER hand over to complete_registration() (server.commands.welcome), as CAP END does.
"""

from __future__ import annotations

import hmac
import re

from ircproto import numerics as n
from ircproto.message import Message
from ircproto.names import nick_error
from server.commands.base import Context, ReplyError
from server.commands.isupport import USERLEN
from server.commands.welcome import complete_registration, send_lusers, send_motd
from server.devices import may_become_device, rename

_USER_CHARS = re.compile(r"[^A-Za-z0-9_.\-]")


def already_registered() -> ReplyError:
    return ReplyError(n.ERR_ALREADYREGISTERED, "You may not reregister")


# PASS <password>   (checked when registration completes; ignored without --password)
def handle_pass(ctx: Context, message: Message) -> None:
    if ctx.client.registered:
        raise already_registered()
    expected = ctx.state.config.password
    if expected is not None:
        given = message.params[0].encode("utf-8")
        ctx.session.password_ok = hmac.compare_digest(given, expected.encode("utf-8"))


# NICK <nickname>
def handle_nick(ctx: Context, message: Message) -> None:
    nick, client, state = message.param(0), ctx.client, ctx.state
    if not nick:
        raise ReplyError(n.ERR_NONICKNAMEGIVEN, "No nickname given")
    why = nick_error(nick)
    if why:
        raise ReplyError(n.ERR_ERRONEUSNICKNAME, nick, f"Erroneous nickname: {why}")
    owner = state.find_nick(nick)
    if owner is not None and owner is not client:
        if client.registered or not may_become_device(owner):
            raise ReplyError(n.ERR_NICKNAMEINUSE, nick, "Nickname is already in use")
        state.want_nick(client, nick)  # a device of owner if it logs in to owner's account
        complete_registration(ctx)
        return
    if nick == client.nick and state.nicks.get(client.nick_key) is client:
        return
    if client.registered:
        change = Message("NICK", (nick,), client.prefix)
        ctx.broadcast([client, *state.peers(client)], change)
    state.set_nick(client, nick)
    rename(client)
    complete_registration(ctx)


# USER <username> <mode> <unused> :<realname>
def handle_user(ctx: Context, message: Message) -> None:
    client = ctx.client
    if client.registered or client.user:
        raise already_registered()
    user = _USER_CHARS.sub("", message.params[0])[:USERLEN]
    if not user:
        raise ReplyError(n.ERR_INVALIDUSERNAME, message.params[0], "Your username is not valid")
    client.user, client.realname = user, message.params[3]
    complete_registration(ctx)


# MOTD [<target>]
def handle_motd(ctx: Context, message: Message) -> None:
    send_motd(ctx)


# LUSERS
def handle_lusers(ctx: Context, message: Message) -> None:
    send_lusers(ctx)


# PING <token>
def handle_ping(ctx: Context, message: Message) -> None:
    pong = Message("PONG", (ctx.server_name, message.params[0]), ctx.server_name)
    ctx.send(ctx.client, pong)


# PONG [<server>] <token>   (any line proves the client alive; dispatch notes the activity)
def handle_pong(ctx: Context, message: Message) -> None:
    return None


# QUIT [:<reason>]
def handle_quit(ctx: Context, message: Message) -> None:
    text = message.param(0)
    reason = f"Quit: {text}" if text else "Client quit"
    ctx.close(reason, "Closing link")
