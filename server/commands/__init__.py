"""Run client lines through the command table (server.commands.table), under the state lock,
and say what to send. dispatch() answers 421/451/461 and bad lines itself; disconnect() removes
a client and tells its channels. Both queue under the lock; the caller flushes after release
(flush(): a batch's lines go once its history writes are committed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from ircproto import numerics as n
from ircproto.framing import LineError
from ircproto.message import Message
from server.commands.base import (
    Context,
    Failure,
    Finish,
    ReplyError,
    Work,
    need_more_params,
    remove_client,
)
from server.commands.multiline import take_line
from server.commands.table import COMMANDS, Command
from server.delivery import Outgoing
from server.state import Client, State

__all__ = ["COMMANDS", "Command", "Context", "Failure", "ReplyError", "disconnect", "dispatch",
           "flush"]

log = logging.getLogger(__name__)
INTERNAL_ERROR = "Internal server error"


def dispatch(state: State, client: Client, items: list[Message | LineError]) -> Context:
    """Handle a batch of lines from client; stop at the first that closes the connection.

    A command that defers slow work (ctx.defer: a password hash) splits the batch: what was
    decided so far is committed and flushed, the lock is released for the work, and its Finish
    runs under the lock again before the next line, so the client's lines keep their order."""
    ctx = Context(state, client)
    pending: Pending | None = None
    finish: Finish | None = None
    index = 0
    while True:
        with state.lock:
            if client.gone:
                return ctx
            wrote_after = state.history.decided  # the writes of this batch come after it
            speak_for(ctx, client)
            client.last_activity, client.ping_sent_at = state.clock(), None
            if pending is not None and finish is not None:
                pending = resume(ctx, pending, finish)
            while index < len(items) and not ctx.close_reason and pending is None:
                item = items[index]
                index += 1
                if isinstance(item, LineError):
                    answer_line_error(ctx, item)
                else:
                    pending = run_command(ctx, item)
            # its lines wait for the history's commit (after the lock: server.historywrites)
            ctx.out.commit(state.history, wrote_after)
        if pending is None or ctx.close_reason:
            return ctx
        flush(ctx)  # the replies so far go out before the slow part
        finish = run_work(ctx, pending)


def flush(ctx: Context) -> None:
    """After the lock: send what a dispatched batch decided, once its history writes are
    committed. Should that commit fail, the sender is told that its messages may be missing
    from history (they were already decided, and are delivered)."""
    lost = ctx.out.flush()
    if lost is not None:
        text = f"Your last messages may be missing from history: {lost}"
        ctx.standard_reply("FAIL", "*", "CANNOT_STORE", text)
        ctx.out.flush()


def speak_for(ctx: Context, connection: Client) -> None:
    """Under the lock: the identity connection speaks for (it changes when a device is
    attached or promoted, server.devices), and connection as the one replies go to."""
    ctx.client = connection.identity
    ctx.connection = connection if connection.primary is not None else None


@dataclass(frozen=True, slots=True)
class Pending:
    """A command that deferred work: its verb, whether its replies are labeled, the work."""

    verb: str
    labeled: bool
    work: Work


def run_command(ctx: Context, message: Message) -> Pending | None:
    """Run one command; with labeled-response, its replies to the sender carry the label.
    When the handler deferred work, the label stays open until the work's Finish has run."""
    label = message.tags.get("label")
    if not label or "labeled-response" not in ctx.session.caps:
        run_unlabeled(ctx, message)
        return take_deferred(ctx, message.verb, labeled=False)
    ctx.out.begin_label(ctx.session, label)
    pending = None
    try:
        run_unlabeled(ctx, message)
        pending = take_deferred(ctx, message.verb, labeled=True)
    finally:
        if pending is None:
            ctx.out.end_label(ctx.server_name)
    return pending


def take_deferred(ctx: Context, verb: str, labeled: bool) -> Pending | None:
    work, ctx.deferred = ctx.deferred, None
    if work is None or ctx.close_reason:
        return None
    return Pending(verb, labeled, work)


def run_work(ctx: Context, pending: Pending) -> Finish:
    """The deferred work, outside the state lock; a bug in it becomes a Finish that closes."""
    try:
        return pending.work()
    except Exception as error:
        log.exception("bug in the deferred work of %s from %s", pending.verb, ctx.client.prefix)
        if ctx.state.error_hook is not None:
            ctx.state.error_hook(error)
        return lambda ctx: ctx.close(INTERNAL_ERROR, INTERNAL_ERROR)


def resume(ctx: Context, pending: Pending, finish: Finish) -> Pending | None:
    """Under the lock again: the Finish of deferred work, answered as its command would be;
    a Finish may defer more work (the command then goes on, its label still open)."""
    entry = COMMANDS.get(pending.verb)
    again = None
    try:
        guarded(ctx, pending.verb, entry is not None and entry.silent, lambda: finish(ctx))
        again = take_deferred(ctx, pending.verb, pending.labeled)
    finally:
        if pending.labeled and again is None:
            ctx.out.end_label(ctx.server_name)
    return again


def run_unlabeled(ctx: Context, message: Message) -> None:
    verb, session = message.verb, ctx.session
    entry = COMMANDS.get(verb)

    def run() -> None:
        if entry is None:
            raise ReplyError(n.ERR_UNKNOWNCOMMAND, verb, "Unknown command")
        if entry.registered and not session.registered:
            raise ReplyError(n.ERR_NOTREGISTERED, "You have not registered")
        if "batch" in message.tags:  # a line of a client batch (draft/multiline)
            take_line(ctx, message)
            return
        if len(message.params) < entry.min_params:
            raise need_more_params(verb)
        entry.handler(ctx, message)

    guarded(ctx, verb, entry is not None and entry.silent, run)


def guarded(ctx: Context, verb: str, silent: bool, run: Callable[[], None]) -> None:
    """run(): a ReplyError becomes its numeric, a Failure its FAIL (neither when silent); any
    other exception is a bug: logged, recorded, and this client is closed."""
    try:
        run()
    except ReplyError as error:
        if not silent:
            ctx.reply_error(error)
    except Failure as failure:
        if not silent:
            ctx.fail(verb, failure)
    except Exception as error:  # a bug: this client goes, everyone else carries on
        log.exception("bug handling %s from %s", verb, ctx.client.prefix)
        ctx.deferred = None
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
    """Forget connection client; its channels see it QUIT with reason, unless another device
    of its identity stays (server.devices). Safe to call twice."""
    out = Outgoing()
    with state.lock:
        remove_client(state, out, client, reason)
        out.commit()
    return out
