"""Handlers for the replies no other handler reads: errors (4xx, 5xx) in the log of the channel
they name, other numerics as notes, unknown commands shown raw, and the quiet ones dropped."""

from __future__ import annotations

from app.models.outcome import Outcome
from app.models.sessionstate import SessionState
from ircproto.message import Message


# 421 <client> <command> :Unknown command
def handle_421(state: SessionState, message: Message, out: Outcome) -> None:
    if message.param(1).upper() == "CAP":
        state.caps.enabled = False  # an old server: register without negotiating next time
    else:
        handle_numeric(state, message, out)


# <numeric> <client> [<params>...] :<text>
def handle_numeric(state: SessionState, message: Message, out: Outcome) -> None:
    if "400" <= message.command < "600":
        out.emit(state.log.error(numeric_text(message, ": "), _subject(state, message)))
    else:
        out.emit(state.log.system(numeric_text(message, " ")))


def handle_trailing(state: SessionState, message: Message, out: Outcome) -> None:
    """A numeric whose text repeats its middle params (265/266 `<u> <m> :Current local users
    <u>, max <m>`): the text alone."""
    out.emit(state.log.system(message.param(-1)))


def handle_quietly(state: SessionState, message: Message, out: Outcome) -> None:
    """A reply we read nothing from and do not show (MYINFO, ISUPPORT leftovers, MOTD end...)."""


def handle_unknown(state: SessionState, message: Message, out: Outcome) -> None:
    """A command we do not know: shown as it came."""
    out.emit(state.log.system(f"[{message.format()}]"))


def numeric_text(message: Message, separator: str) -> str:
    """A numeric's params after our nick: 'bob: No such nick/channel' for an error (separator
    ': '), '2 channels formed' for a count (separator ' ')."""
    middle, last = message.params[1:-1], message.param(-1) if len(message.params) > 1 else ""
    return f"{' '.join(middle)}{separator}{last}" if middle else last


def _subject(state: SessionState, message: Message) -> str:
    """The channel an error is about, when we are in it; '' for the server's log."""
    subject = message.param(1) if len(message.params) > 2 else ""
    return subject if state.roster.get(subject) else ""
