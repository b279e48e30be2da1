"""Run client lines through the command table (server.commands.table), under the state lock,
and say what to send. dispatch() answers 421/451/461 and bad lines itself; disconnect() removes
a client and tells its channels. Both queue under the lock; the caller flushes after release.
"""

from __future__ import annotations

import logging

from ircproto import numerics as n
from ircproto.framing import LineError
from ircproto.message import Message
from server.commands.base import Context, Failure, ReplyError, need_more_params
from server.commands.history import commit_history
from server.commands.table import COMMANDS, Command
from server.delivery import Outgoing
from server.state import Client, State

__all__ = ["COMMANDS", "Command", "Context", "Failure", "ReplyError", "disconnect", "dispatch"]

log = logging.getLogger(__name__)
INTERNAL_ERROR = "Internal server error"


def dispatch(state: State, client: Client, items: list[Message | LineError]) -> Context:
    """Handle a batch of lines from client; stop at the first that closes the connection."""
    ctx = Context(state, client)
    with state.lock:
        if client.gone:
            return ctx
        client.last_activity, client.ping_sent_at = state.clock(), None
        for item in items:
            if isinstance(item, LineError):
                answer_line_error(ctx, item)
            else:
                run_command(ctx, item)
            if ctx.close_reason:
                break
        commit_history(ctx)  # messages are durable before anyone can be sent them
        ctx.out.commit()
    return ctx


def run_command(ctx: Context, message: Message) -> None:
    """Run one command; with labeled-response, its replies to the sender carry the label."""
    label = message.tags.get("label")
    if not label or "labeled-response" not in ctx.client.caps:
        run_unlabeled(ctx, message)
        return
    ctx.out.begin_label(ctx.client, label)
    try:
        run_unlabeled(ctx, message)
    finally:
        ctx.out.end_label(ctx.server_name)


def run_unlabeled(ctx: Context, message: Message) -> None:
    verb, client = message.verb, ctx.client
    entry = COMMANDS.get(verb)
    try:
        if entry is None:
            raise ReplyError(n.ERR_UNKNOWNCOMMAND, verb, "Unknown command")
        if entry.registered and not client.registered:
            raise ReplyError(n.ERR_NOTREGISTERED, "You have not registered")
        if len(message.params) < entry.min_params:
            raise need_more_params(verb)
        entry.handler(ctx, message)
    except ReplyError as error:
        if entry is None or not entry.silent:
            ctx.reply_error(error)
    except Failure as failure:
        if entry is not None and not entry.silent:
            ctx.fail(verb, failure)
    except Exception as error:  # a bug: this client goes, everyone else carries on
        log.exception("bug handling %s from %s", verb, client.prefix)
        if ctx.state.error_hook is not None:
            ctx.state.error_hook(error)
        ctx.close(INTERNAL_ERROR, INTERNAL_ERROR)


def answer_line_error(ctx: Context, error: LineError) -> None:
    """Tell the client why its line was dropped."""
    log.debug("dropped line from %s: %s (%s)", ctx.client.prefix, error.reason, error.detail)
    command = error.command if error.command.isalnum() else "*"
    if error.reason == "too long":
        ctx.reply(n.ERR_INPUTTOOLONG, "Input line was too long")
    elif error.reason == "invalid utf-8":
        why = "Message rejected: it was not valid UTF-8"
        ctx.standard_reply("FAIL", command, "INVALID_UTF8", why)
    else:
        ctx.reply(n.ERR_UNKNOWNERROR, command, f"Malformed message: {error.detail}")


def disconnect(state: State, client: Client, reason: str) -> Outgoing:
    """Forget client; its channels see it QUIT with reason. Safe to call twice."""
    out = Outgoing()
    with state.lock:
        if client.gone:
            return out
        peers = state.remove_client(client)
        if client.registered and peers:
            out.broadcast(list(peers), Message("QUIT", (reason,), client.prefix))
        out.commit()
    return out
