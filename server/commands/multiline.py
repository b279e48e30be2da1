"""draft/multiline from a client: `BATCH +ref draft/multiline <target>`, its `@batch=ref`
PRIVMSG (or NOTICE) lines, `BATCH -ref`; checked as they come (server.multiline), then stored as
one message and relayed: a batch to connections with the capability, its lines to the others.

Errors are `FAIL BATCH <code>` as the spec names them; after one, the rest of that batch is
ignored until its `BATCH -ref`. A batch still open when its client leaves is dropped.
"""

from __future__ import annotations

from ircproto import numerics as n
from ircproto.message import Message
from ircproto.names import is_channel
from ircproto.servertime import format_server_time_ms
from server.commands.base import Context, ReplyError, find_channel, no_such_nick, sender_tags
from server.commands.joinrules import banned_from_speaking
from server.commands.messaging import Copy, client_tags, private_copies
from server.commands.replay import multiline_batch, multiline_fallback, takes_multiline
from server.delivery import every_session
from server.history import new_msgid
from server.multiline import BATCH_TYPE, CAP, CONCAT, MultilineError, OpenBatch, invalid
from server.state import Client, fold


def fail(ctx: Context, error: MultilineError, batch: OpenBatch | None = None) -> None:
    """FAIL BATCH <code>; labeled with batch's label when its BATCH open had one (that label
    is answered once, by this FAIL)."""
    label = batch.label if batch is not None and ctx.out.labeled is None else None
    if label is not None and batch is not None:
        batch.label = None
        ctx.out.begin_label(ctx.session, label)
    ctx.standard_reply("FAIL", "BATCH", error.code, *error.params)
    if label is not None:
        ctx.out.end_label(ctx.server_name)


# BATCH +<reference-tag> draft/multiline <target>  |  BATCH -<reference-tag>
def handle_batch(ctx: Context, message: Message) -> None:
    ref = message.params[0]
    try:
        if ref[:1] == "+" and len(ref) > 1:
            open_batch(ctx, message, ref[1:])
        elif ref[:1] == "-" and len(ref) > 1:
            close_batch(ctx, ref[1:])
        else:
            raise invalid("BATCH takes +<reference-tag> or -<reference-tag>")
    except MultilineError as error:
        fail(ctx, error)


def open_batch(ctx: Context, message: Message, ref: str) -> None:
    """Start collecting; a batch that cannot be is opened as failed, so its lines are
    ignored (the client was told why once)."""
    session = ctx.session
    previous, batch = session.batch, OpenBatch(ref, message.param(2), fold(message.param(2)),
                                                failed=True)
    session.batch = batch
    if previous is not None:
        raise invalid(f"Batch {previous.ref} is still open: batches cannot be nested")
    if message.param(1) != BATCH_TYPE:
        raise invalid(f"Unknown batch type {message.param(1) or '*'}: only {BATCH_TYPE}")
    if CAP not in session.caps or "batch" not in session.caps:
        raise invalid(f"A {BATCH_TYPE} batch needs the {CAP} and batch capabilities")
    if not batch.target:
        raise invalid("A multiline batch needs a target")
    batch.tags = client_tags(message)  # 417 when over the limit (the batch stays failed)
    batch.label = ctx.out.release_label(session)  # the echo's BATCH open carries it
    batch.failed = False


def take_line(ctx: Context, message: Message) -> None:
    """A line with a batch tag: part of the open multiline batch, or an error."""
    session, ref = ctx.session, message.tags["batch"]
    batch = session.batch
    try:
        if batch is None or batch.ref != ref:
            raise invalid(f"No batch {ref or '*'} is open")
        if batch.failed:
            return  # already refused: the rest of it is ignored
        if message.verb == "BATCH":
            raise invalid("Batches cannot be nested")
        target = message.param(0)
        batch.add(message.verb, target, fold(target), message.param(1), CONCAT in message.tags)
    except MultilineError as error:
        if batch is not None and batch.ref == ref:
            batch.failed = True
            fail(ctx, error, batch)
        else:
            fail(ctx, error)


def close_batch(ctx: Context, ref: str) -> None:
    """BATCH -ref: deliver what the batch holds (answered with the label of its BATCH open,
    unless this line has its own)."""
    session = ctx.session
    batch = session.batch
    if batch is None or batch.ref != ref:
        raise invalid(f"No batch {ref} is open")
    session.batch = None
    if batch.failed:
        return
    try:
        text = batch.finish()
    except MultilineError as error:
        fail(ctx, error, batch)
        return
    own_label = batch.label is not None and ctx.out.labeled is None
    if own_label and batch.label is not None:
        ctx.out.begin_label(session, batch.label)
    try:
        deliver_batch(ctx, batch, text)
    except ReplyError as error:
        if batch.verb != "NOTICE":  # NOTICE never gets an error (Modern IRC)
            ctx.reply_error(error)
    finally:
        if own_label:
            ctx.out.end_label(ctx.server_name)


def deliver_batch(ctx: Context, batch: OpenBatch, text: str) -> None:
    """Store the message once per copy, then relay it to the target's connections."""
    sender, verb = ctx.client, batch.verb or "PRIVMSG"
    recipient: Client | None = None
    if is_channel(batch.target):
        channel = find_channel(ctx, batch.target)
        if not channel.can_speak(sender) or banned_from_speaking(channel, sender):
            raise ReplyError(n.ERR_CANNOTSENDTOCHAN, channel.name, "Cannot send to channel")
        name, copies = channel.name, [Copy(channel.key)]
        members = list(channel.members)
        identities = members if sender in channel.members else [*members, sender]
    else:
        recipient = ctx.state.find_user(batch.target)
        if recipient is None:
            raise no_such_nick(batch.target)
        name, copies = recipient.nick, private_copies(sender, recipient)
        identities = [recipient] if recipient is sender else [recipient, sender]
    ms = ctx.state.history.now_ms()
    tags = {"time": format_server_time_ms(ms), "msgid": new_msgid(), **sender_tags(sender),
            **batch.tags}  # account-tag, the bot tag
    store(ctx, batch, tags, ms, name, text, copies, recipient)
    echo = "echo-message" in ctx.session.caps
    sessions = [s for s in every_session(identities) if echo or s is not ctx.session]
    relay(ctx, batch, verb, name, tags, sessions)
    if verb == "PRIVMSG" and recipient is not None and recipient.away is not None:
        ctx.reply(n.RPL_AWAY, recipient.nick, recipient.away)


def store(ctx: Context, batch: OpenBatch, tags: dict[str, str], ms: int, name: str, text: str,
          copies: list[Copy], peer: Client | None) -> None:
    """The message, as ONE row per copy (its lines kept; its relay waits for the commit)."""
    sender = ctx.client
    for copy in copies:
        ctx.state.history.store(
            tags["msgid"], ms, copy.target_key, name, sender.prefix, batch.verb or "PRIVMSG",
            text, batch.tags, sender.nick_key if peer else None,
            peer.nick_key if peer else None, copy.owner_key, copy.peer,
            account=sender.account, lines=batch.lines,
        )

def relay(ctx: Context, batch: OpenBatch, verb: str, name: str, tags: dict[str, str],
          sessions: list[Client]) -> None:
    """The batch to connections with draft/multiline, plain lines to the rest; the sender's
    echo carries the label on its BATCH open only (the spec's rule)."""
    source = ctx.client.prefix
    label = ctx.out.release_label(ctx.session) if ctx.session in sessions else None
    takers = [s for s in sessions if takes_multiline(s)]
    plain = [s for s in sessions if not takes_multiline(s)]
    if takers:
        lines = multiline_batch(source, verb, name, batch.lines, tags)
        others = [s for s in takers if s is not ctx.session] if label else takers
        for line in lines:
            ctx.broadcast_sessions(others, line)
        if label:
            for line in [lines[0].with_tags(label=label), *lines[1:]]:
                ctx.out.send_only(ctx.session, line)
    if plain:
        for line in multiline_fallback(source, verb, name, batch.lines, tags):
            ctx.broadcast_sessions(plain, line)
