"""Talking: PRIVMSG and NOTICE to channels and nicks, and AWAY.

NOTICE never gets an error reply: the Modern IRC spec says servers "must not send any error
back to the client on receipt of a NOTICE command" (the table marks it silent).
"""

from __future__ import annotations

from ircproto import numerics as n
from ircproto.message import Message
from ircproto.names import is_channel
from server.commands.base import Context, ReplyError, command
from server.commands.registration import AWAYLEN, MAXTARGETS

ERR_TOOMANYTARGETS = "407"


# PRIVMSG <target>{,<target>} <text to be sent>
@command("PRIVMSG")
def handle_privmsg(ctx: Context, message: Message) -> None:
    deliver(ctx, message)


# NOTICE <target>{,<target>} <text to be sent>
@command("NOTICE", silent=True)
def handle_notice(ctx: Context, message: Message) -> None:
    deliver(ctx, message)


def deliver(ctx: Context, message: Message) -> None:
    """Relay a PRIVMSG or NOTICE to each target; errors for PRIVMSG only."""
    verb, silent = message.verb, message.verb == "NOTICE"
    if not message.params or not message.params[0]:
        raise ReplyError(n.ERR_NORECIPIENT, f"No recipient given ({verb})")
    if len(message.params) < 2 or not message.params[1]:
        raise ReplyError(n.ERR_NOTEXTTOSEND, "No text to send")
    targets = [t for t in message.params[0].split(",") if t]
    if len(targets) > MAXTARGETS:
        raise ReplyError(ERR_TOOMANYTARGETS, message.params[0], f"Too many targets (max {MAXTARGETS})")
    for target in targets:
        try:
            deliver_one(ctx, verb, target, message.params[1])
        except ReplyError as error:
            if not silent:
                ctx.reply(error.numeric, *error.params)


def deliver_one(ctx: Context, verb: str, target: str, text: str) -> None:
    sender = ctx.client
    if is_channel(target):
        channel = ctx.state.find_channel(target)
        if channel is None:
            raise ReplyError(n.ERR_NOSUCHCHANNEL, target, "No such channel")
        if not channel.can_speak(sender):
            raise ReplyError(n.ERR_CANNOTSENDTOCHAN, channel.name, "Cannot send to channel")
        recipients = [member for member in channel.members if member is not sender]
        ctx.broadcast(recipients, Message(verb, (channel.name, text), sender.prefix))
        return
    recipient = ctx.state.find_nick(target)
    if recipient is None or not recipient.registered:
        raise ReplyError(n.ERR_NOSUCHNICK, target, "No such nick/channel")
    ctx.send(recipient, Message(verb, (recipient.nick, text), sender.prefix))
    if verb == "PRIVMSG" and recipient.away is not None:
        ctx.reply(n.RPL_AWAY, recipient.nick, recipient.away)


# AWAY [<text>]
@command("AWAY")
def handle_away(ctx: Context, message: Message) -> None:
    text = message.param(0)[:AWAYLEN]
    if text:
        ctx.client.away = text
        ctx.reply(n.RPL_NOWAWAY, "You have been marked as being away")
    else:
        ctx.client.away = None
        ctx.reply(n.RPL_UNAWAY, "You are no longer marked as being away")
