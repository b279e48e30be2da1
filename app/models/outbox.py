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
    sent: bool = False
    """Sent on some connection (then its echo, or history, may confirm it)."""
    sent_here: bool = False
    """Sent on the current connection (so not to be sent again on it)."""


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
        """The oldest sent message that entry (our own line from the server: an echo or a
        replayed line) confirms, taken out of the box; None when entry confirms none."""
        kind = entry.kind
        if kind not in (EntryKind.CHAT, EntryKind.ACTION):
            return None
        for index, item in enumerate(self._items):
            item_kind = EntryKind.ACTION if item.action else EntryKind.CHAT
            if (item.sent and item_kind is kind and item.text == entry.text
                    and key_of(item.target) == key_of(entry.target)):
                return self._items.pop(index)
        return None

    def refused(self, target: str, key_of: Callable[[str], str]) -> Outgoing | None:
        """The server refused our oldest sent message to target (404): taken out of the box,
        so it is not sent again; None when none was sent there."""
        for index, item in enumerate(self._items):
            if item.sent and key_of(item.target) == key_of(target):
                return self._items.pop(index)
        return None

    def remove(self, item: Outgoing) -> None:
        """item was delivered (a server without echo-message took it)."""
        self._items.remove(item)
