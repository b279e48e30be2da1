"""Outgoing: the lines decided under the state lock, queued in that order, sent after it.

commit() (under the lock) puts each recipient's bytes in its outbox's queue, so every client's
lines stay in the order the lock decided; flush() (after the lock) makes the outboxes send.
Lines committed after a history write wait in their outboxes until that write is durable: the
outbox is fenced with the write's number, and flush() has the history commit it first (group
commit: server.historywrites).
A message is encoded once per variant (the tags a recipient's capabilities let it see), never
once per recipient; each client gets one queue per line and at most one send per batch. While
a labeled command runs, the sender's lines are held back and then sent labeled (IRCv3
labeled-response).
Sending to an identity with several devices (server.devices) reaches each of them when the
caller asks for it (expand=True: the state has devices at all); send_only() reaches one
connection, as replies to a command do.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Protocol

from ircproto.message import Message, format_tags, is_client_tag
from server.state import Client

SERVER_TIME = 1  # Client.tag_mask bits: which tags a client may be sent
MESSAGE_TAGS = 2
ACCOUNT_TAG = 4
_batch_ids = itertools.count(1)


class Writes(Protocol):
    """The history's write numbers, as Outgoing sees them (server.historywrites)."""

    decided: int  # the last write decided (under the state lock)
    durable: int  # every write up to this one is committed

    def sync(self, seq: int) -> None: ...

    def failure(self, first: int, last: int) -> str | None: ...


def new_batch_id() -> str:
    """A batch reference tag, unique for the life of the server."""
    return format(next(_batch_ids), "x")


def visible_tags(tags: Mapping[str, str], mask: int) -> dict[str, str]:
    """The tags a client with tag_mask may see: time with server-time; msgid, bot and client
    tags with message-tags; account with account-tag; batch and label always (they are only
    added for clients that have them)."""
    seen = {}
    for key, value in tags.items():
        if key == "time":
            if mask & SERVER_TIME:
                seen[key] = value
        elif key == "account":
            if mask & ACCOUNT_TAG:
                seen[key] = value
        elif key in ("msgid", "bot") or is_client_tag(key):
            if mask & MESSAGE_TAGS:
                seen[key] = value
        else:
            seen[key] = value
    return seen


def every_session(clients: Iterable[Client]) -> list[Client]:
    """The connections of clients: each identity with all of its devices (no list made per
    client without devices: this runs once per recipient of a broadcast)."""
    found: list[Client] = []
    for client in clients:
        if client.devices:
            found += client.sessions
        else:
            found.append(client)
    return found


def encode_for(message: Message, mask: int) -> bytes:
    """message as a client with tag_mask gets it."""
    if not message.tags:
        return message.encode()
    tags = visible_tags(message.tags, mask)
    full = message.encode()
    if len(tags) == len(message.tags):
        return full
    body = full[full.index(b" ") + 1 :]  # the line without its tags (they never hold a space)
    if not tags:
        return body
    return (format_tags(tags) + " ").encode() + body


class Outgoing:
    """An ordered batch of (recipients, bytes): build and commit() it under the lock, flush()
    after."""

    __slots__ = ("_aborts", "_entries", "_held", "_label", "_labeled", "_need", "_touched",
                 "_writes", "_wrote")

    def __init__(self) -> None:
        self._entries: list[tuple[Iterable[Client], bytes]] = []
        self._touched: list[Iterable[Client]] = []  # the groups queued to, for flush()
        self._labeled: Client | None = None
        self._label = ""
        self._held: list[Message] = []
        self._aborts: list[tuple[Client, str]] = []
        self._writes: Writes | None = None  # the history whose write the lines wait for
        self._need = 0  # the write number they wait for (0: none)
        self._wrote: tuple[int, int] | None = None  # the writes this batch made itself

    def send(self, client: Client, message: Message, expand: bool = False) -> None:
        """message to client; with expand, to each of its devices as well."""
        if expand and client.devices:
            self.broadcast(client.sessions, message)
        else:
            self.send_only(client, message)

    def send_only(self, client: Client, message: Message) -> None:
        """message to this one connection."""
        if client is self._labeled:
            self._held.append(message)
        else:
            self._entries.append(((client,), encode_for(message, client.tag_mask)))

    def send_unlabeled(self, client: Client, message: Message) -> None:
        """message to this one connection, never held back for a label: what a client sent
        itself arrives as delivered, without the label (IRCv3 labeled-response)."""
        self._entries.append(((client,), encode_for(message, client.tag_mask)))

    def broadcast(self, clients: Iterable[Client], message: Message, expand: bool = False
                  ) -> None:
        """Send one message to many clients; it is encoded once per variant. clients must not
        change later. With expand, every device of each client gets it too."""
        if expand:
            clients = every_session(clients)
        if self._labeled is not None and self._labeled in clients:
            self._held.append(message)
            clients = [client for client in clients if client is not self._labeled]
        if not message.tags:
            self._entries.append((clients, message.encode()))
            return
        masks = {client.tag_mask for client in clients}
        if len(masks) <= 1:  # everyone gets the same variant
            self._entries.append((clients, encode_for(message, masks.pop() if masks else 0)))
            return
        groups: dict[int, list[Client]] = {}
        for client in clients:
            group = groups.get(client.tag_mask)
            if group is None:
                groups[client.tag_mask] = [client]
            else:
                group.append(client)
        for mask, members in groups.items():
            self._entries.append((members, encode_for(message, mask)))

    def abort(self, client: Client, reason: str) -> None:
        """After flush() has pushed everything: end client's connection (another reader's; the
        sender ends its own with Context.close). Its reader sends `ERROR :<reason>` last."""
        self._aborts.append((client, reason))

    def begin_label(self, client: Client, label: str) -> None:
        """Hold client's lines back until end_label(), which sends them labeled."""
        self._labeled, self._label, self._held = client, label, []

    @property
    def labeled(self) -> Client | None:
        """The connection whose lines are held for its label, if any."""
        return self._labeled

    def release_label(self, client: Client) -> str | None:
        """Stop holding client's lines (what is held goes out unlabeled) and return its label,
        for a command that labels its answer itself (a draft/multiline echo: the label on the
        BATCH open only); None when client's lines are not held."""
        if client is not self._labeled:
            return None
        label, held = self._label, self._held
        self._labeled, self._held = None, []
        for message in held:
            self._entries.append(((client,), encode_for(message, client.tag_mask)))
        return label

    def end_label(self, server_name: str) -> None:
        """Send the held lines with the label: ACK for none, the tag on one, a batch for more."""
        client, held, label = self._labeled, self._held, self._label
        self._labeled, self._held = None, []
        if client is None:
            return
        if not held:
            held = [Message("ACK", (), server_name, {"label": label})]
        elif len(held) == 1:
            held = [held[0].with_tags(label=label)]
        elif "batch" in client.caps:
            ref = new_batch_id()
            inner = [m if "batch" in m.tags else m.with_tags(batch=ref) for m in held]
            start = Message("BATCH", (f"+{ref}", "labeled-response"), server_name, {"label": label})
            held = [start, *inner, Message("BATCH", (f"-{ref}",), server_name)]
        for message in held:
            self._entries.append(((client,), encode_for(message, client.tag_mask)))

    def __bool__(self) -> bool:
        return bool(self._entries or self._touched or self._aborts)

    def commit(self, writes: Writes | None = None, wrote_after: int | None = None) -> None:
        """Under the state lock: queue every entry's bytes in each recipient's outbox, in order
        (no I/O; a Connection's queue() is one deque append, and its lines are joined when
        sent, so nothing is regrouped per client here). With writes (the history), lines wait
        until every history write decided so far is durable; wrote_after is the last write
        number before this batch's own (flush() then tells whether they were stored)."""
        touched = self._touched
        need = 0
        if writes is not None:
            decided = writes.decided
            if wrote_after is not None and decided > wrote_after:
                self._writes, self._wrote = writes, (wrote_after + 1, decided)
            if decided > writes.durable:
                self._writes, self._need = writes, decided
                need = decided
        for clients, data in self._entries:
            if need:
                for client in clients:
                    outbox = client.outbox
                    outbox.need = need  # (before the line: whoever takes it sees the fence)
                    outbox.queue(data)
            else:
                for client in clients:
                    client.outbox.queue(data)
            touched.append(clients)
        self._entries = []

    def flush(self) -> str | None:
        """After the state lock: have the history commit what the lines wait for, then every
        outbox committed to send what it holds (by this thread, or by one already sending:
        server.flusher). Returns why this batch's own history writes failed, if they did."""
        lost = None
        writes, need, wrote = self._writes, self._need, self._wrote
        if writes is not None:
            self._writes, self._need, self._wrote = None, 0, None
            if need:
                writes.sync(need)
            if wrote is not None:
                lost = writes.failure(*wrote)
        if self._entries:  # not committed under a lock: order only within this batch
            self.commit()
        touched, self._touched = self._touched, []
        first = next((client for group in touched for client in group), None)
        if first is not None:
            first.outbox.push_all(touched)
        aborts, self._aborts = self._aborts, []
        for client, reason in aborts:
            client.outbox.abort(reason)
        return lost
