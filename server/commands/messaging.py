"""Talking: PRIVMSG, NOTICE and TAGMSG to channels and nicks (stored, then relayed with time,
msgid and client tags; a private message is kept only for the parties logged in to an
account), and what others see of you: AWAY (away-notify) and SETNAME. `@#chan` and `+#chan`
(STATUSMSG) reach the channel's operators, or those and its voiced members, and are not kept
in the channel's history; a banned member without voice cannot speak (404).

NOTICE never gets an error reply: the Modern IRC spec says servers "must not send any error
back to the client on receipt of a NOTICE command" (the table marks it silent).
"""

from __future__ import annotations

from dataclasses import dataclass

from ircproto import numerics as n
from ircproto.message import Message, is_client_tag
from ircproto.names import is_channel
from ircproto.servertime import format_server_time_ms
from server.accounts import name_key
from server.commands.base import (
    Context,
    Failure,
    ReplyError,
    find_channel,
    no_such_nick,
    sender_tags,
    split_targets,
    user_message,
    with_cap,
    with_cap_held,
)
from server.commands.isupport import AWAYLEN, MAXTARGETS, MEMBER_MODES, REALNAMELEN, STATUSMSG
from server.commands.joinrules import banned_from_speaking
from server.delivery import every_session
from server.history import new_msgid
from server.historyschema import private_key
from server.monitornotify import extended_watchers
from server.reacts import ReactionError, check_reaction, is_reaction
from server.state import Channel, Client

STORED = ("PRIVMSG", "NOTICE")  # a TAGMSG is kept only when it reacts (server.reacts)


# PRIVMSG <target>{,<target>} <text to be sent>
def handle_privmsg(ctx: Context, message: Message) -> None:
    deliver(ctx, message)


# NOTICE <target>{,<target>} <text to be sent>
def handle_notice(ctx: Context, message: Message) -> None:
    deliver(ctx, message)


# @+tag=value TAGMSG <target>{,<target>}
def handle_tagmsg(ctx: Context, message: Message) -> None:
    deliver(ctx, message)


def client_tags(message: Message) -> dict[str, str]:
    """The client-only (+) tags of message (their size was checked as the line was read:
    ircproto.framing, CLIENT_TAG_DATA_LIMIT)."""
    return {key: value for key, value in message.tags.items() if is_client_tag(key)}


def deliver(ctx: Context, message: Message) -> None:
    """Relay a PRIVMSG, NOTICE or TAGMSG to each target; errors for PRIVMSG and TAGMSG only."""
    verb, silent = message.verb, message.verb == "NOTICE"
    if not message.params or not message.params[0]:
        raise ReplyError(n.ERR_NORECIPIENT, f"No recipient given ({verb})")
    if verb != "TAGMSG" and (len(message.params) < 2 or not message.params[1]):
        raise ReplyError(n.ERR_NOTEXTTOSEND, "No text to send")
    tags = client_tags(message)
    if verb in STORED:
        ctx.session.spoke_at = ctx.state.clock()  # WHOIS idle time
    try:
        check_reaction(tags)  # reactions (server.reacts)
    except ReactionError as error:
        raise Failure("INVALID_REACTION", message.params[0], str(error)) from error
    targets = split_targets(message.params[0])
    if len(targets) > MAXTARGETS:
        why = f"Too many targets (max {MAXTARGETS})"
        raise ReplyError(n.ERR_TOOMANYTARGETS, message.params[0], why)
    for target in targets:
        try:
            deliver_one(ctx, verb, target, message.param(1), tags)
        except ReplyError as error:
            if not silent:
                ctx.reply_error(error)


def stamped(ctx: Context, verb: str, target: str, text: str, tags: dict[str, str]
            ) -> tuple[Message, int]:
    """The message as relayed (from the sender, with server-time, a new msgid and client tags),
    and its time in ms."""
    params = (target,) if verb == "TAGMSG" else (target, text)
    ms = ctx.state.history.now_ms()
    stamp = {"time": format_server_time_ms(ms), "msgid": new_msgid(), **tags,
             **sender_tags(ctx.client)}  # account-tag, the bot tag
    return Message(verb, params, ctx.client.prefix, stamp), ms


@dataclass(frozen=True, slots=True)
class Copy:
    """Where one stored copy of a message goes: its target key and, for a private message, the
    account it belongs to and the nick it was with (server.historyschema)."""

    target_key: str
    owner_key: str | None = None
    peer: str | None = None


def private_copies(sender: Client, recipient: Client) -> list[Copy]:
    """One copy for each party logged in to an account (one when both are the same account and
    nick); none between guests: a guest has no private history."""
    copies: list[Copy] = []
    for owner, peer in ((sender, recipient), (recipient, sender)):
        if owner.account is None:
            continue
        copy = Copy(private_key(name_key(owner.account), peer.nick_key), name_key(owner.account),
                    peer.nick)
        if all(copy.target_key != other.target_key for other in copies):
            copies.append(copy)
    return copies


def record(ctx: Context, relay: Message, ms: int, copies: list[Copy], peer: Client | None
           ) -> None:
    """Store relay in history (its recipients' lines then wait for the commit:
    server.historywrites)."""
    tags = {key: value for key, value in relay.tags.items() if is_client_tag(key)}
    if relay.verb not in STORED and not is_reaction(tags):
        return
    for copy in copies:
        ctx.state.history.store(
            relay.tags["msgid"], ms, copy.target_key, relay.params[0],
            relay.source or "", relay.verb, relay.param(1), tags,
            ctx.client.nick_key if peer else None, peer.nick_key if peer else None,
            copy.owner_key, copy.peer, account=ctx.client.account,
        )


def deliver_one(ctx: Context, verb: str, target: str, text: str, tags: dict[str, str]) -> None:
    sender = ctx.client
    status, name = split_status(target)
    if is_channel(name):
        channel = find_channel(ctx, name)
        if not channel.can_speak(sender) or banned_from_speaking(channel, sender):
            raise ReplyError(n.ERR_CANNOTSENDTOCHAN, channel.name, "Cannot send to channel")
        relay, ms = stamped(ctx, verb, status + channel.name, text, tags)
        if status:  # STATUSMSG: to its ops (or voiced) only, so not in the channel's history
            send_to_channel(ctx, channel, relay, members_with(channel, status))
            return
        record(ctx, relay, ms, [Copy(channel.key)], None)
        send_to_channel(ctx, channel, relay)
        return
    recipient = ctx.state.find_user(target)
    if recipient is None:
        raise no_such_nick(target)
    relay, ms = stamped(ctx, verb, recipient.nick, text, tags)
    record(ctx, relay, ms, private_copies(sender, recipient), recipient)
    if recipient is sender:
        deliver_to_self(ctx, relay)
        return
    sessions = [s for who in (recipient, sender) for s in who.sessions
                if wants(s, relay, ctx.session)]
    if sessions:
        ctx.broadcast_sessions(sessions, relay)
    if verb == "PRIVMSG" and recipient.away is not None:
        ctx.reply(n.RPL_AWAY, recipient.nick, recipient.away)


def deliver_to_self(ctx: Context, relay: Message) -> None:
    """A message to one's own nick: every connection of the identity gets it as delivered,
    the sending one too, unlabeled; with echo-message the sending one also gets its echo, which
    carries the label (IRCv3 labeled-response: without echo-message the label goes on ACK)."""
    tagmsg = relay.verb == "TAGMSG"
    sessions = [s for s in ctx.client.sessions if not tagmsg or "message-tags" in s.caps]
    others = [s for s in sessions if s is not ctx.session]
    if others:
        ctx.broadcast_sessions(others, relay)
    if ctx.session in sessions:
        ctx.out.send_unlabeled(ctx.session, relay)
        if "echo-message" in ctx.session.caps:
            ctx.out.send_only(ctx.session, relay)


def split_status(target: str) -> tuple[str, str]:
    """('@', '#chan') for a STATUSMSG target '@#chan' ('+#chan' likewise; several prefixes
    mean the lowest of them: '@+#chan' is '+#chan'), else ('', target)."""
    name = target.lstrip(STATUSMSG)
    if name == target or not is_channel(name):
        return "", target
    prefixes = target[: len(target) - len(name)]
    return max(prefixes, key=STATUSMSG.index), name


def members_with(channel: Channel, status: str) -> list[Client]:
    """The members with status or a higher one: '@' its operators, '+' those and the voiced."""
    wanted = MEMBER_MODES[: STATUSMSG.index(status) + 1]  # '@' -> 'o', '+' -> 'ov'
    return [member for member, modes in channel.members.items()
            if any(mode in modes for mode in wanted)]


def send_to_channel(ctx: Context, channel: Channel, relay: Message,
                    members: list[Client] | None = None) -> None:
    """relay to the channel's members (every device of each; members, when given, are those
    it goes to) and the sender's other devices; to the sending connection itself only with
    echo-message."""
    members = list(channel.members) if members is None else members
    if not ctx.state.device_count:  # nobody has a second device: no connection to expand
        ctx.broadcast(channel_recipients(members, relay, ctx.session), relay)
        return
    if ctx.client not in members:
        members.append(ctx.client)  # its other devices see what it sent
    ctx.broadcast_sessions(channel_recipients(every_session(members), relay, ctx.session), relay)


def channel_recipients(members: list[Client], relay: Message, sender: Client) -> list[Client]:
    """The members that get relay (see wants()), without a call per member."""
    if relay.command == "TAGMSG":
        return [member for member in members if wants(member, relay, sender)]
    if "echo-message" not in sender.caps:
        return [member for member in members if member is not sender]
    return members if sender in members else [*members, sender]


def wants(client: Client, relay: Message, sender: Client) -> bool:
    """Whether connection client gets relay from connection sender: the sender itself only
    with echo-message (its other devices always), TAGMSG only with message-tags."""
    if client is sender and "echo-message" not in client.caps:
        return False
    return relay.verb != "TAGMSG" or "message-tags" in client.caps


# AWAY [<text>]
def handle_away(ctx: Context, message: Message) -> None:
    text, client = message.param(0)[:AWAYLEN], ctx.client
    client.away = text or None
    if text:
        ctx.reply(n.RPL_NOWAWAY, "You have been marked as being away")
    else:
        ctx.reply(n.RPL_UNAWAY, "You are no longer marked as being away")
    watchers = with_cap(ctx.state.peers(client), "away-notify")
    watchers = extended_watchers(ctx.state.monitors, client, "away-notify", watchers)
    if watchers:
        away = user_message(client, "AWAY", *((text,) if text else ()))
        ctx.broadcast_sessions(watchers, away)


def announce_away(ctx: Context, channel: Channel) -> None:
    """After the sender's JOIN: members with away-notify learn that it is away, if it is."""
    client = ctx.client
    if client.away is None:
        return
    watchers = with_cap_held(ctx.state, (m for m in channel.members if m is not client),
                             "away-notify")
    if watchers:
        ctx.broadcast_sessions(watchers, user_message(client, "AWAY", client.away))


# SETNAME :<realname>
def handle_setname(ctx: Context, message: Message) -> None:
    realname, client = message.params[0], ctx.client
    if not realname.strip() or len(realname) > REALNAMELEN:
        raise Failure("INVALID_REALNAME", f"Realname must be 1 to {REALNAMELEN} characters")
    client.realname = realname
    watchers = with_cap((client, *ctx.state.peers(client)), "setname")
    watchers = extended_watchers(ctx.state.monitors, client, "setname", watchers)
    if watchers:
        ctx.broadcast_sessions(watchers, user_message(client, "SETNAME", realname))
