"""Reactions and replies as client tags, pure: `+draft/react` / `+draft/unreact` (with the
`+reply` or older `+draft/reply` they answer) checked and bounded, and which TAGMSGs history keeps.

The react spec sets no limit on the value; ours is 64 bytes, room for any emoji sequence (a
family or flag ZWJ sequence is at most ~35 bytes) or a short word, not for a message hidden in a
tag. A TAGMSG is kept in history only when it reacts, as soju keeps them; `+typing` and the
like are relayed, never stored.
"""

from __future__ import annotations

from collections.abc import Mapping

REACT = "+draft/react"
UNREACT = "+draft/unreact"
REPLY_TAGS = ("+reply", "+draft/reply")
REACT_MAX_BYTES = 64


class ReactionError(ValueError):
    """A reaction the server refuses (the sender is told why)."""


def check_reaction(tags: Mapping[str, str]) -> None:
    """ReactionError when a reaction's value is empty or over REACT_MAX_BYTES. (One without a
    reply tag is relayed as any client tag, but history keeps no TAGMSG of it: is_reaction.)"""
    for key in (REACT, UNREACT):
        if key in tags and not 0 < len(tags[key].encode("utf-8")) <= REACT_MAX_BYTES:
            raise ReactionError(f"{key} takes 1 to {REACT_MAX_BYTES} bytes")


def reply_to(tags: Mapping[str, str]) -> str | None:
    """The msgid a message replies to (+reply, else +draft/reply), or None."""
    for key in REPLY_TAGS:
        if tags.get(key):
            return tags[key]
    return None


def is_reaction(tags: Mapping[str, str]) -> bool:
    """Whether a TAGMSG with tags reacts to a message (and so is kept in history)."""
    return (REACT in tags or UNREACT in tags) and reply_to(tags) is not None
