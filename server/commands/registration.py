"""Connection registration and upkeep: PASS, NICK, USER, PING, PONG, QUIT
(MOTD and LUSERS are in server.commands.serverinfo).

NICK and USER hand over to complete_registration() (server.commands.welcome), as CAP END does.
Before registration NICK is taken provisionally (ownership is checked as registration completes);
after it, a registered nick is only taken by its account (server.commands.nickowner).
"""

from __future__ import annotations

import hmac
import re

from ircproto import numerics as n
from ircproto.message import Message
from ircproto.names import nick_error
from server.commands.base import Context, ReplyError, need_more_params, nick_came, nick_gone
from server.commands.isupport import USERLEN
from server.commands.nickowner import may_take_back, take_back, when_allowed
from server.commands.welcome import complete_registration
from server.devices import rename
from server.state import fold

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
    holder = state.find_nick(nick)
    if client.registered:
        check_free(ctx, nick)
        if fold(nick) == client.nick_key:
            change_nick(ctx, nick)  # its own nick in other case
        else:
            when_allowed(ctx, nick, lambda ctx: change_nick(ctx, nick))
        return
    if holder is not None and holder is not client:
        if not holder.registered:  # another connection registering with it
            raise ReplyError(n.ERR_NICKNAMEINUSE, nick, "Nickname is already in use")
        state.want_nick(client, nick)  # decided at completion: a device of holder, the
        # account's owner taking the nick back, or 433 (server.commands.welcome.take_nick)
    else:
        state.set_nick(client, nick)  # provisionally: complete_registration() checks the owner
    complete_registration(ctx)


def check_free(ctx: Context, nick: str) -> None:
    """433 when another identity holds nick, unless nick is the sender's account's name: then
    the sender takes it back (server.commands.nickowner.take_back)."""
    holder = ctx.state.find_nick(nick)
    if holder is None or holder is ctx.client:
        return
    if not may_take_back(ctx.client, holder, nick):
        raise ReplyError(n.ERR_NICKNAMEINUSE, nick, "Nickname is already in use")
    take_back(ctx, holder, nick)


def change_nick(ctx: Context, nick: str) -> None:
    """A registered client's nick becomes nick (checked again: someone may have taken it while
    its owner was looked up); it, its devices and its peers see the NICK."""
    client = ctx.client
    check_free(ctx, nick)
    if nick == client.nick or client.gone:
        return
    ctx.broadcast([client, *ctx.state.peers(client)], ctx.from_sender("NICK", nick))
    renamed = fold(nick) != client.nick_key
    if renamed:
        nick_gone(ctx.state, ctx.out, client)
    ctx.state.set_nick(client, nick)
    rename(client)
    if renamed:
        nick_came(ctx.state, ctx.out, client)


# USER <username> <mode> <unused> :<realname>
def handle_user(ctx: Context, message: Message) -> None:
    client = ctx.client
    if client.registered or client.user:
        raise already_registered()
    if not message.params[3]:  # an empty realname: Modern IRC says 461
        raise need_more_params("USER")
    user = _USER_CHARS.sub("", message.params[0])[:USERLEN]
    if not user:
        raise ReplyError(n.ERR_INVALIDUSERNAME, message.params[0], "Your username is not valid")
    client.user, client.realname = user, message.params[3]
    complete_registration(ctx)


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
