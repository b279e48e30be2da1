"""Pure: whether a log line raises a desktop notification, and what it says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from app.models.log import EntryKind, LogEntry
from ircproto.formatting import strip_formatting

BODY_LIMIT = 200
"""Characters of the message a notification shows; longer ones end with an ellipsis."""
QUIET_SECONDS = 5.0
"""A conversation that raised a notification this recently raises no other (a busy channel in
'all messages' mode gives one notification, not one per line)."""
NOTIFYING_KINDS = (EntryKind.CHAT, EntryKind.ACTION)
"""Notices are left out: on IRC they are what bots and services send."""


class NotifyMode(Enum):
    """What a conversation notifies for."""

    ALL = "all"
    MENTIONS = "mentions"
    NEVER = "never"


def default_mode(private: bool) -> NotifyMode:
    """Private chats notify for every message, channels for mentions of your nick."""
    return NotifyMode.ALL if private else NotifyMode.MENTIONS


@dataclass(frozen=True, slots=True)
class Situation:
    """What the user is doing when a line arrives: whether the window has the focus, the
    conversation it shows (its key), do-not-disturb."""

    focused: bool
    shown_key: str
    dnd: bool = False


@dataclass(frozen=True, slots=True)
class Alert:
    """One notification: the conversation it opens when clicked, its title and body."""

    conversation: str
    title: str
    body: str


def plan(entry: LogEntry, *, conversation: str, key: str, mention: bool, mode: NotifyMode,
         situation: Situation, last_alert: datetime | None = None) -> Alert | None:
    """The notification entry raises (None: none). conversation is the name of the one it goes
    to, key its folded name; mention whether it names our nick; last_alert when that
    conversation last notified (None: never)."""
    if not _notifies(entry, key, mention, mode, situation):
        return None
    if last_alert is not None and 0 <= (entry.time - last_alert).total_seconds() < QUIET_SECONDS:
        return None
    return Alert(conversation, title(entry, conversation), body(entry))


def _notifies(entry: LogEntry, key: str, mention: bool, mode: NotifyMode,
              situation: Situation) -> bool:
    if entry.own or entry.replayed or entry.pending or entry.kind not in NOTIFYING_KINDS:
        return False
    if situation.dnd or mode is NotifyMode.NEVER:
        return False
    if mode is NotifyMode.MENTIONS and not mention:
        return False
    return not (situation.focused and situation.shown_key == key)


def title(entry: LogEntry, conversation: str) -> str:
    """'bob' for a private message, 'bob in #lobby' for a channel line."""
    return entry.sender if entry.private else f"{entry.sender} in {conversation}"


def body(entry: LogEntry) -> str:
    """The message without formatting codes, '* bob waves' for an action, cut to BODY_LIMIT."""
    text = " ".join(strip_formatting(entry.text).split())
    if entry.kind is EntryKind.ACTION:
        text = f"* {entry.sender} {text}"
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT - 1] + "\u2026"
