"""The message log: what the chat window shows, one LogEntry per line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class EntryKind(Enum):
    """How a log line is shown: chat apart from system lines, errors apart from both."""

    CHAT = "chat"
    ACTION = "action"
    NOTICE = "notice"
    SYSTEM = "system"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One line of the log. sender is '' for system and error lines; target is the channel or,
    for a private message, the other person's nick."""

    time: datetime
    sender: str
    target: str
    text: str
    kind: EntryKind = EntryKind.CHAT
    own: bool = False
    private: bool = False
