"""Our own messages until the server confirms them: typed while offline (sent after reconnect) or
sent and awaiting their echo (echo-message). Nothing typed is lost; nothing is sent twice: an
echo confirms a message sent on this connection, a line replayed from history any message
typed before it (also one the last run sent but died before its echo)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from app.models.log import EntryKind, LogEntry

CLOCK_SKEW = timedelta(minutes=5)
"""How far the server's clock may be behind ours: a replayed line of ours stamped more than
this before a message was typed cannot be that message (it is an older one with the same
text)."""


@dataclass
class Outgoing:
    """One message of ours (one split piece, or a multiline message whose text holds line
    feeds) and the pending line that shows it."""

    target: str
    text: str
    action: bool
    entry: LogEntry
    sent: bool = False
    """Sent on some connection (then its echo, or history, may confirm it)."""
    sent_here: bool = False
    """Sent on the current connection (so not to be sent again on it)."""
    uid: str = field(default_factory=lambda: uuid.uuid4().hex)
    """Its key in the cache, where it is kept from the moment it is typed until confirmed."""
    reply_to: str = ""
    """The msgid it answers (+reply), when it is a reply (kept in the cache with it)."""


class Outbox:
    """Unconfirmed messages in the order they were typed."""

    def __init__(self) -> None:
        self._items: list[Outgoing] = []

    def __len__(self) -> int:
        return len(self._items)

    def add(self, item: Outgoing) -> None:
        """Keep item until it is confirmed."""
        self._items.append(item)

    def items(self) -> list[Outgoing]:
        """Every unconfirmed message, oldest first."""
        return list(self._items)

    def unsent(self) -> list[Outgoing]:
        """The messages not yet sent on the current connection, oldest first."""
        return [item for item in self._items if not item.sent_here]

    def sent(self, item: Outgoing) -> None:
        """item went out on the current connection."""
        item.sent = item.sent_here = True

    def new_connection(self) -> None:
        """A new connection: nothing was sent on it yet."""
        for item in self._items:
            item.sent_here = False

    def confirm(self, entry: LogEntry, key_of: Callable[[str], str]) -> Outgoing | None:
        """The oldest message that entry (our own line from the server) confirms, taken out of
        the box; None when entry confirms none. An echo confirms one sent on this connection;
        a replayed line one typed at most CLOCK_SKEW after it was stamped, sent or not (the
        run that sent it may have died before it could say so)."""
        kind = entry.kind
        if kind not in (EntryKind.CHAT, EntryKind.ACTION):
            return None
        for index, item in enumerate(self._items):
            item_kind = EntryKind.ACTION if item.action else EntryKind.CHAT
            if (item_kind is not kind or item.text != entry.text
                    or key_of(item.target) != key_of(entry.target)):
                continue
            if entry.replayed and entry.time < item.entry.time - CLOCK_SKEW:
                continue  # an older line of ours with the same text
            if entry.replayed or item.sent_here:
                return self._items.pop(index)
        return None

    def refused(self, target: str | None, key_of: Callable[[str], str]) -> Outgoing | None:
        """The server refused our oldest sent message to target (404), or with target None our
        oldest sent multiline message (FAIL BATCH, which names no target): taken out of the
        box, so it is not sent again; None when there is no such message."""
        for index, item in enumerate(self._items):
            if item.sent and (key_of(item.target) == key_of(target) if target is not None
                              else "\n" in item.text):
                return self._items.pop(index)
        return None

    def remove(self, item: Outgoing) -> None:
        """item was delivered (a server without echo-message took it)."""
        self._items.remove(item)
