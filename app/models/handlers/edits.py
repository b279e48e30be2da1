"""Handlers for what annotates a message already said: a TAGMSG carrying a reaction
(+draft/react or +draft/unreact with +reply) and REDACT (draft/message-redaction), live or
replayed from history."""

from __future__ import annotations

from app.models import events as ev
from app.models.handlers.messages import conversation
from app.models.outcome import Outcome
from app.models.reacts import MAX_REACTION_BYTES, REACT_TAG, UNREACT_TAG
from app.models.replies import parent_of
from app.models.sessionstate import SessionState, nick_of
from ircproto.message import Message


def reaction(state: SessionState, message: Message, out: Outcome) -> bool:
    """A TAGMSG's reaction as a ReactionChanged (counted in its history batch); False when the
    TAGMSG carries none. One over MAX_REACTION_BYTES is refused with an error line."""
    added, removed = message.tags.get(REACT_TAG), message.tags.get(UNREACT_TAG)
    parent = parent_of(message.tags)
    if not (added or removed) or not parent:
        return False
    sender = nick_of(message.source)
    replayed = state.batches.count(message.tags)
    text = added or removed or ""
    target, _ = conversation(state, message.param(0), sender)
    if len(text.encode("utf-8")) > MAX_REACTION_BYTES:
        out.emit(state.log.error(f"Ignored a reaction of {sender} over {MAX_REACTION_BYTES} "
                                 f"bytes", target))
        return True
    out.emit(ev.ReactionChanged(target, parent, sender, text, added=bool(added),
                                replayed=replayed))
    return True


# REDACT <target> <msgid> [:<reason>]
def handle_redact(state: SessionState, message: Message, out: Outcome) -> None:
    sender = nick_of(message.source)
    state.batches.count(message.tags)
    target, _ = conversation(state, message.param(0), sender)
    out.emit(ev.MessageRedacted(target, message.param(1), sender, message.param(2)))
