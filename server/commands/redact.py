"""REDACT (IRCv3 draft/message-redaction): a message removed from history (its row, its search
entry and the reactions to it) and the REDACT relayed, as a PRIVMSG would be, to the
connections of the target that have the capability; the others get nothing (no fallback
NOTICE: the spec leaves it to us, and a line per deletion is noise).

Who may: in a channel, the message's sender (the same account; a guest by its nick!user@host),
the channel's operators and IRC operators. A private message: its sender removes it from both
parties' copies (and the peer is told); the other party removes it from its own copy only.
"""

from __future__ import annotations

from ircproto.message import Message
from ircproto.names import is_channel, nick_error
from ircproto.servertime import format_server_time_ms
from server.accounts import name_key
from server.commands.base import Context, Failure, is_operator, may_moderate, sender_tags
from server.commands.history import account_key
from server.delivery import every_session
from server.history import StoredMessage, new_msgid
from server.historyschema import private_key
from server.state import Client, fold

CAP = "draft/message-redaction"


def unknown_msgid(target: str, msgid: str) -> Failure:
    return Failure("UNKNOWN_MSGID", target, msgid, "This message does not exist or is too old")


def is_own(client: Client, stored: StoredMessage) -> bool:
    """Whether client sent stored: the same account, or (both guests) the same nick!user@host."""
    if client.account is not None:
        return stored.account is not None and name_key(stored.account) == name_key(
            client.account)
    return stored.account is None and stored.source == client.prefix


# REDACT <target> <msgid> [:<reason>]
def handle_redact(ctx: Context, message: Message) -> None:
    target, msgid = message.params[0], message.params[1]
    reason = message.params[2:3]
    if is_channel(target):
        redact_channel(ctx, target, msgid, reason)
    else:
        redact_private(ctx, target, msgid, reason)


def redact_channel(ctx: Context, target: str, msgid: str, reason: tuple[str, ...]) -> None:
    client, channel = ctx.client, ctx.state.find_channel(target)
    if channel is None or (client not in channel.members and not is_operator(client)):
        raise Failure("INVALID_TARGET", target, f"You cannot delete messages from {target}")
    stored = ctx.state.history.message(channel.key, msgid)
    if stored is None:
        raise unknown_msgid(target, msgid)
    if not is_own(client, stored) and not may_moderate(client, channel):
        raise Failure("REDACT_FORBIDDEN", target, msgid,
                      "You are not authorised to delete this message")
    ctx.state.history.redact([channel.key], msgid, stored.ts)
    identities = list(channel.members)
    if client not in channel.members:
        identities.append(client)
    relay(ctx, identities, redaction(ctx, channel.name, msgid, reason))


def redact_private(ctx: Context, target: str, msgid: str, reason: tuple[str, ...]) -> None:
    owner = account_key(ctx.client)
    if nick_error(target) or owner is None:
        why = "No such nick" if owner is not None else "A guest keeps no private history"
        raise Failure("INVALID_TARGET", target, f"You cannot delete messages from {target}: {why}")
    key = private_key(owner, fold(target))
    stored = ctx.state.history.message(key, msgid)
    if stored is None:
        raise unknown_msgid(target, msgid)
    identities = [ctx.client]
    if is_own(ctx.client, stored):  # both parties' copies, and the peer is told
        copies = ctx.state.history.private_copies(msgid)
        ctx.state.history.redact([copy_key for copy_key, _ in copies], msgid, stored.ts)
        peer = ctx.state.find_user(target)
        owners = {copy_owner for _, copy_owner in copies}
        if peer is not None and peer is not ctx.client and (
                peer.account is None or name_key(peer.account) in owners):
            identities.append(peer)
    else:  # a message it was sent: its own copy only
        ctx.state.history.redact([key], msgid, stored.ts)
    relay(ctx, identities, redaction(ctx, target, msgid, reason))


def redaction(ctx: Context, target: str, msgid: str, reason: tuple[str, ...]) -> Message:
    """The REDACT as relayed: from the sender, with time, a msgid of its own, the account (and
    the bot tag of a bot)."""
    ms = ctx.state.history.now_ms()
    tags = {"time": format_server_time_ms(ms), "msgid": new_msgid(), **sender_tags(ctx.client)}
    return Message("REDACT", (target, msgid, *reason), ctx.client.prefix, tags)


def relay(ctx: Context, identities: list[Client], line: Message) -> None:
    """line to every connection of identities with the capability; to the sending connection
    only with echo-message (as PRIVMSG)."""
    echo = "echo-message" in ctx.session.caps
    sessions = [s for s in every_session(identities)
                if CAP in s.caps and (echo or s is not ctx.session)]
    if sessions:
        ctx.broadcast_sessions(sessions, line)
