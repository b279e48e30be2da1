"""Outgoing: the lines decided under the state lock, queued in that order, sent after it.

commit() (under the lock) puts each recipient's bytes in its outbox's queue, so every client's
lines stay in the order the lock decided; flush() (after the lock) makes the outboxes send.
Each message is encoded once however many clients receive it, and each client gets one queue
and one send per batch.
"""

from __future__ import annotations

from collections.abc import Iterable

from ircproto.message import Message
from server.state import Client


class Outgoing:
    """An ordered batch of (recipients, bytes): build and commit() it under the lock, flush()
    after."""

    __slots__ = ("_entries", "_touched")

    def __init__(self) -> None:
        self._entries: list[tuple[Iterable[Client], bytes]] = []
        self._touched: list[Client] = []

    def send(self, client: Client, message: Message) -> None:
        self._entries.append(((client,), message.encode()))

    def broadcast(self, clients: Iterable[Client], message: Message) -> None:
        """Send one message to many clients; it is encoded once. clients must not change later."""
        self._entries.append((clients, message.encode()))

    def __bool__(self) -> bool:
        return bool(self._entries or self._touched)

    def per_client(self) -> dict[Client, bytes]:
        """The bytes each client gets, in order, joined."""
        if len(self._entries) == 1:
            clients, data = self._entries[0]
            return dict.fromkeys(clients, data)
        chunks: dict[Client, list[bytes]] = {}
        for clients, data in self._entries:
            for client in clients:
                chunks.setdefault(client, []).append(data)
        return {client: b"".join(parts) for client, parts in chunks.items()}

    def commit(self) -> None:
        """Under the state lock: queue every client's bytes in its outbox (no I/O)."""
        if len(self._entries) == 1:  # the common case: one line to many, no regrouping
            clients, data = self._entries[0]
            for client in clients:
                client.outbox.queue(data)
                self._touched.append(client)
        else:
            for client, data in self.per_client().items():
                client.outbox.queue(data)
                self._touched.append(client)
        self._entries = []

    def flush(self) -> None:
        """After the state lock: have every outbox committed to send what it holds."""
        if self._entries:  # not committed under a lock: order only within this batch
            self.commit()
        touched, self._touched = self._touched, []
        for client in touched:
            client.outbox.push()
