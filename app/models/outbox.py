"""Our own messages until the server confirms them: typed while offline (sent after reconnect) or
sent and awaiting their echo (echo-message). Nothing typed is lost; nothing is sent twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.models.log import EntryKind, LogEntry


@dataclass
class Outgoing:
    """One PRIVMSG of ours (one split piece) and the pending line that shows it."""

    target: str
    text: str
    action: bool
    entry: LogEntry
    sent_on: int = 0
    """The connection (generation) it was sent on; 0 while never sent."""


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

    def unsent(self, generation: int) -> list[Outgoing]:
        """The messages not yet sent on connection generation, oldest first."""
        return [item for item in self._items if item.sent_on != generation]

    def confirm(self, entry: LogEntry, key_of: Callable[[str], str]) -> Outgoing | None:
        """The oldest sent message that entry (our own line from the server: an echo or a
        replayed line) confirms, taken out of the box; None when entry confirms none."""
        kind = entry.kind
        if kind not in (EntryKind.CHAT, EntryKind.ACTION):
            return None
        for index, item in enumerate(self._items):
            item_kind = EntryKind.ACTION if item.action else EntryKind.CHAT
            if (item.sent_on and item_kind is kind and item.text == entry.text
                    and key_of(item.target) == key_of(entry.target)):
                return self._items.pop(index)
        return None

    def remove(self, item: Outgoing) -> None:
        """item was delivered (a server without echo-message took it)."""
        self._items.remove(item)
