"""Handlers for what people say: PRIVMSG and NOTICE become log entries in their conversation
(with server-time, msgid and replay marks), CTCP ACTION a /me line, and CTCP VERSION and PING
requests get their NOTICE answer."""

from __future__ import annotations

from app.models import events as ev
from app.models.commandbuilder import ctcp
from app.models.log import EntryKind
from app.models.multiline import CONCAT_TAG, Piece, joined
from app.models.outcome import Outcome
from app.models.sessionstate import SessionState, nick_of
from ircproto.message import Message
from ircproto.version import client_version

CLIENT_VERSION = client_version()  # e.g. "LocalChat 0.1.0"


# PRIVMSG <target> :<text>
def handle_privmsg(state: SessionState, message: Message, out: Outcome) -> None:
    sender, text = nick_of(message.source), message.param(1)
    target, private = conversation(state, message.param(0), sender)
    if text.startswith("\x01"):
        _ctcp(state, message, out, sender, target, private)
        return
    out.emit(_said(state, message, sender, target, text, EntryKind.CHAT, private))


# NOTICE <target> :<text>
def handle_notice(state: SessionState, message: Message, out: Outcome) -> None:
    source, text = message.source or "", message.param(1)
    if "!" not in source:
        out.emit(ev.ServerNotice(text), state.log.entry(source, "", text, EntryKind.NOTICE))
        return
    sender = nick_of(source)
    target, private = conversation(state, message.param(0), sender)
    if text.startswith("\x01"):
        command, _, arg = text.strip("\x01").partition(" ")
        out.emit(state.log.system(f"CTCP {command.upper()} reply from {sender}: {arg}", target))
        return
    out.emit(_said(state, message, sender, target, text, EntryKind.NOTICE, private))


# BATCH +<ref> draft/multiline <target>; @batch=<ref>[;draft/multiline-concat] PRIVMSG ...
def handle_multiline(state: SessionState, opening: Message, lines: tuple[Message, ...],
                     out: Outcome) -> None:
    """A multiline message: its lines joined as one entry, with the tags of its BATCH line."""
    verbs = {line.verb for line in lines}
    if len(verbs) != 1 or verbs - {"PRIVMSG", "NOTICE"} or any(len(line.params) < 2
                                                               for line in lines):
        out.emit(state.log.error(f"Ignored a malformed multiline batch from the server: "
                                 f"{opening.format()}"))
        return
    text = joined(Piece(line.param(1), CONCAT_TAG in line.tags) for line in lines)
    sender = nick_of(opening.source or lines[0].source)
    target, private = conversation(state, opening.param(2) or lines[0].param(0), sender)
    kind = EntryKind.NOTICE if verbs == {"NOTICE"} else EntryKind.CHAT
    out.emit(_said(state, opening, sender, target, text, kind, private))


def conversation(state: SessionState, target: str, sender: str) -> tuple[str, bool]:
    """Where a message belongs, and whether it is private: the channel, or for a private one the
    other person (the target, when the sender is us: an echo or a replayed line)."""
    name = target.lstrip(state.features.prefixes)  # STATUSMSG: '@#chan' is to its ops
    if state.features.is_channel(name):
        found = state.roster.get(name)
        return (found.name if found else name), False
    return (target if state.is_own(sender) else sender), True


def _ctcp(state: SessionState, message: Message, out: Outcome, sender: str, target: str,
          private: bool) -> None:
    command, _, arg = message.param(1).strip("\x01").partition(" ")
    command = command.upper()
    if command == "ACTION":
        out.emit(_said(state, message, sender, target, arg, EntryKind.ACTION, private))
        return
    if command == "VERSION":
        out.send("NOTICE", sender, ctcp("VERSION", CLIENT_VERSION))
    elif command == "PING":
        out.send("NOTICE", sender, ctcp("PING", arg))
    out.emit(state.log.system(f"{sender} sent a CTCP {command} request", target))


def _said(state: SessionState, message: Message, sender: str, target: str, text: str,
          kind: EntryKind, private: bool) -> ev.MessageReceived:
    """A chat line of the server's, counted in its batch."""
    replayed = state.batches.count(message.tags)
    return state.log.tagged(message.tags, sender, target, text, kind,
                            own=state.is_own(sender), private=private, replayed=replayed)
