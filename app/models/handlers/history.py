"""Handlers for history and read markers (IRCv3 batch, chathistory, read-marker), standard FAIL
replies to our requests."""

from __future__ import annotations

from app.models import events as ev
from app.models.batches import MultilineArrived
from app.models.entries import parse_time
from app.models.handlers.messages import handle_multiline
from app.models.outcome import Outcome
from app.models.sessionstate import SessionState
from ircproto.message import Message


# BATCH +<reference> <type> [<params>...] / BATCH -<reference>
def handle_batch(state: SessionState, message: Message, out: Outcome) -> None:
    ref = message.param(0)
    if ref.startswith("+") and len(message.params) > 1:
        state.batches.open(ref[1:], *message.params[1:], opening=message)
    elif ref.startswith("-"):
        ended = state.batches.close(ref[1:])
        if isinstance(ended, MultilineArrived):
            handle_multiline(state, ended.opening, ended.lines, out)
        elif ended is not None:
            out.emit(ended)


# CHATHISTORY TARGETS <target> <timestamp>
def handle_chathistory(state: SessionState, message: Message, out: Outcome) -> None:
    state.batches.count(message.tags)
    moment = parse_time(message.param(2))
    if message.param(0).upper() == "TARGETS" and message.param(1) and moment:
        out.emit(ev.HistoryTargetFound(message.param(1), moment))


# MARKREAD <target> timestamp=<timestamp>|*
def handle_markread(state: SessionState, message: Message, out: Outcome) -> None:
    moment = parse_time(message.param(1).removeprefix("timestamp="))
    if message.param(0) and moment is not None:
        out.emit(ev.ReadMarkerSet(message.param(0), moment))


# FAIL <command> <code> [<context>...] :<description>
QUIET_NOTES = {("SEARCH", "PARTIAL")}
"""NOTEs the controller shows where they belong (the search window), not in the log."""


# NOTE/WARN <command> <code> [<context>...] :<description>  (IRCv3 standard replies)
def handle_standard_reply(state: SessionState, message: Message, out: Outcome) -> None:
    command, code, text = message.param(0).upper(), message.param(1), message.param(-1)
    out.emit(ev.RequestNoted(command, code, text))
    if (command, code) not in QUIET_NOTES:
        line = text if message.param(0) == "*" else f"{message.param(0)}: {text}"
        out.emit(state.log.error(line) if message.verb == "WARN" else state.log.system(line))


def handle_fail(state: SessionState, message: Message, out: Outcome) -> None:
    out.emit(ev.RequestFailed(message.param(0).upper(), message.param(1),
                              tuple(message.params[2:-1])),
             state.log.error(f"{message.param(0)} failed: {message.param(-1)}"))

