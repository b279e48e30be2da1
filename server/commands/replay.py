"""A message as a given connection is sent it, live or from history: one line, a TAGMSG, or a
draft/multiline message, which is a batch to a connection with the capability (one msgid, on
the BATCH open) and its non-blank lines to the others (the msgid on the first). CHATHISTORY and
SEARCH send what history holds through send_stored()."""

from __future__ import annotations

from collections.abc import Mapping

from ircproto.message import Message
from ircproto.servertime import format_server_time_ms
from server.commands.base import Context
from server.delivery import new_batch_id
from server.history import StoredMessage
from server.multiline import BATCH_TYPE, CAP, CONCAT, Line
from server.state import Client

EVENT_PLAYBACK = "draft/event-playback"
FALLBACK_TAGS = ("time", "account")  # the tags every fallback line carries, not just the first


def plays_events(session: Client) -> bool:
    """Whether session is sent TAGMSGs (reactions) in history: only with draft/event-playback
    (the chathistory spec allows nothing but PRIVMSG and NOTICE otherwise) and message-tags."""
    return EVENT_PLAYBACK in session.caps and "message-tags" in session.caps


def takes_multiline(session: Client) -> bool:
    return CAP in session.caps and "batch" in session.caps


def multiline_batch(source: str, verb: str, target: str, lines: list[Line],
                    tags: Mapping[str, str]) -> list[Message]:
    """The message as a draft/multiline batch: its tags (time, msgid, account, client tags) on
    the BATCH open, each line as the sender split it."""
    ref = new_batch_id()
    start = Message("BATCH", (f"+{ref}", BATCH_TYPE, target), source, tags)
    inner = [Message(verb, (target, text), source, {"batch": ref, **({CONCAT: ""} if concat
                                                                      else {})})
             for text, concat in lines]
    return [start, *inner, Message("BATCH", (f"-{ref}",))]


def multiline_fallback(source: str, verb: str, target: str, lines: list[Line],
                       tags: Mapping[str, str]) -> list[Message]:
    """The message as plain lines: blank ones left out, every tag on the first, time and
    account on the rest (the msgid only on the first, as the spec says)."""
    rest = {key: value for key, value in tags.items() if key in FALLBACK_TAGS}
    found: list[Message] = []
    for text, _concat in lines:
        if text:
            found.append(Message(verb, (target, text), source, rest if found else tags))
    return found


def stored_tags(stored: StoredMessage) -> dict[str, str]:
    """The tags a stored message was relayed with: its time, msgid, account and client tags."""
    account = {"account": stored.account} if stored.account else {}
    return {"time": format_server_time_ms(stored.ts), "msgid": stored.msgid, **account,
            **stored.tags}


def stored_messages(stored: StoredMessage, session: Client) -> list[Message]:
    """A stored message as session is sent it."""
    tags, target = stored_tags(stored), stored.target
    if stored.command == "TAGMSG":
        return [Message("TAGMSG", (target,), stored.source, tags)]
    if stored.lines is None:
        return [Message(stored.command, (target, stored.text), stored.source, tags)]
    render = multiline_batch if takes_multiline(session) else multiline_fallback
    return render(stored.source, stored.command, target, stored.lines, tags)


def send_stored(ctx: Context, kind: list[str], found: list[StoredMessage]) -> None:
    """found, as the sender's connection takes each, in a batch of kind (see send_batch)."""
    send_batch(ctx, kind, [line for stored in found for line in stored_messages(stored,
                                                                                ctx.session)])


def send_batch(ctx: Context, kind: list[str], messages: list[Message]) -> None:
    """messages in a batch of kind (with the batch capability: a message already in a batch,
    a multiline one's line, stays in it, nested), else as they are."""
    if "batch" not in ctx.session.caps:
        for message in messages:
            ctx.send(ctx.client, message)
        return
    ref = new_batch_id()
    ctx.send(ctx.client, Message("BATCH", (f"+{ref}", *kind), ctx.server_name))
    for message in messages:
        ctx.send(ctx.client, message if "batch" in message.tags else message.with_tags(batch=ref))
    ctx.send(ctx.client, Message("BATCH", (f"-{ref}",), ctx.server_name))
