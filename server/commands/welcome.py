"""Completing registration: once NICK and USER are in (and CAP END, when negotiation started),
and the nick is not registered to another account (server.commands.nickowner), the welcome
burst 001-005, LUSERS, the MOTD, and the default channel. NICK, USER and CAP END all end in
complete_registration()."""

from __future__ import annotations

from ircproto import numerics as n
from server.commands.base import Context, nick_came
from server.commands.channels import join_channel, join_line, send_join_burst
from server.commands.greeting import greeting_of, send_replies
from server.commands.nickowner import may_take_back, take_back, when_allowed
from server.commands.sasl import abort_sasl
from server.commands.serverinfo import send_lusers, send_motd
from server.devices import attach, can_attach
from server.state import Client


def ready(client: Client) -> bool:
    """Whether nothing the client must send before registering is missing."""
    return not (client.registered or not client.user or not client.nick_key
                or client.cap_negotiating)


def complete_registration(ctx: Context) -> None:
    """Register the sender if nothing is missing any more and its nick is not registered to
    another account (else 433, and it may send another NICK or log in); a wrong PASS gets 464
    and a close."""
    client, config = ctx.client, ctx.state.config
    if not ready(client):
        return
    if config.password is not None and not client.password_ok:
        ctx.reply(n.ERR_PASSWDMISMATCH, "Password incorrect")
        ctx.close("Bad password", "Password incorrect")
        return
    nick = client.nick
    when_allowed(ctx, nick, lambda ctx: register(ctx, nick))


def register(ctx: Context, nick: str) -> None:
    """The nick was checked: register the sender (or attach it as a device of the nick's
    holder), unless something changed meanwhile."""
    client, config = ctx.client, ctx.state.config
    if not ready(client) or client.nick != nick:
        return
    holder = ctx.state.nicks.get(client.nick_key)
    if holder is not client and not take_nick(ctx, holder):
        return
    abort_sasl(ctx)  # sasl-3.1: registering ends an attempt still in progress
    if holder is not None and holder is not client and can_attach(holder, client):
        attach(ctx.state, holder, client)
        ctx.client, ctx.connection = holder, client
        send_greeting(ctx)
        replay_channels(ctx)
        return
    client.registered = True
    ctx.state.census.registered(client)
    send_greeting(ctx)
    nick_came(ctx.state, ctx.out, client)  # MONITOR: after the greeting its own 730 follows
    if config.channel:
        join_channel(ctx, config.channel)


def take_nick(ctx: Context, holder: Client | None) -> bool:
    """The nick the sender asked for is held by holder (server.state.State.want_nick): True
    when the sender may have it (holder left meanwhile, or the sender is logged into holder's
    account and becomes a device of it); else 433, and registration waits for another NICK."""
    client = ctx.client
    if holder is None:
        ctx.state.set_nick(client, client.nick)
        return True
    if can_attach(holder, client):
        return True
    if may_take_back(client, holder, client.nick):
        take_back(ctx, holder, client.nick)
        ctx.state.set_nick(client, client.nick)
        return True
    nick = client.nick
    client.nick, client.nick_key = "*", ""
    ctx.reply(n.ERR_NICKNAMEINUSE, nick, "Nickname is already in use")
    return False


def send_greeting(ctx: Context) -> None:
    """The welcome burst, LUSERS and the MOTD."""
    send_welcome(ctx)
    send_lusers(ctx)
    send_motd(ctx)


def replay_channels(ctx: Context) -> None:
    """A new device of an identity: the JOIN of each of its channels, with topic and names."""
    for channel in list(ctx.client.channels.values()):
        extended = "extended-join" in ctx.session.caps
        ctx.send(ctx.client, join_line(ctx, channel, extended))
        send_join_burst(ctx, channel)


def send_welcome(ctx: Context) -> None:
    """001 to 004, then the ISUPPORT tokens in 005 lines (all but 001 kept per configuration:
    server.commands.greeting)."""
    network = ctx.state.config.network
    ctx.reply(n.RPL_WELCOME, f"Welcome to the {network} IRC network, {ctx.client.prefix}")
    greeting = greeting_of(ctx)
    send_replies(ctx, greeting.host)
    send_replies(ctx, greeting.isupport)
