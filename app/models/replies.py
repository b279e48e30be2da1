"""Replies (+reply, and +draft/reply of the spec's draft era): the tags a reply carries, the
parent it names, and the one-line quote of that parent the log shows above the reply. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from app.models.log import EntryKind, LogEntry

REPLY_TAG = "+reply"
DRAFT_REPLY_TAG = "+draft/reply"
NOT_LOADED = "(message not loaded)"
"""The quote of a parent that is not in the log (yet: it is being fetched, or is gone)."""
DELETED = "message deleted"
QUOTE_CHARS = 60
REPLYABLE = (EntryKind.CHAT, EntryKind.ACTION, EntryKind.NOTICE)


def reply_tags(msgid: str) -> dict[str, str]:
    """The tags that make a message (or a reaction) answer msgid: +reply, which the ratified
    spec names, and +draft/reply, which servers and clients of the draft era know."""
    return {REPLY_TAG: msgid, DRAFT_REPLY_TAG: msgid}


def parent_of(tags: Mapping[str, str]) -> str:
    """The msgid a message with these tags answers ('' when none)."""
    return tags.get(REPLY_TAG) or tags.get(DRAFT_REPLY_TAG) or ""


def quote_of(parent: LogEntry) -> str:
    """How a reply shows its parent: 'bob: the start of its first line…'."""
    if parent.deleted:
        return f"{parent.sender}: {DELETED}"
    first, _, more = parent.text.partition("\n")
    text = first[:QUOTE_CHARS] + ("…" if len(first) > QUOTE_CHARS or more else "")
    return f"{parent.sender}: {text}"


def can_answer(entry: LogEntry) -> bool:
    """True for a message others can reply or react to: someone's chat line with a msgid,
    not deleted."""
    return bool(entry.msgid) and entry.kind in REPLYABLE and not entry.deleted and \
        not entry.pending
