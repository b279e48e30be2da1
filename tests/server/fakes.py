"""Hand-written fakes for the server's sans-I/O core: an outbox that records, a fake clock, and a
Harness that feeds lines through dispatch() for several fake clients."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import argon2

from ircproto.framing import LineDecoder
from ircproto.message import Message
from server.accounts import name_key
from server.commands import disconnect, dispatch
from server.config import ServerConfig
from server.state import Client, State


class FakeOutbox:
    """Records what the server sends (queued, then pushed), and why it was asked to abort."""

    def __init__(self) -> None:
        self.queued = bytearray()  # queued but not pushed yet
        self.data = bytearray()  # pushed: what the client would have received
        self.aborted: str | None = None
        self._decoder = LineDecoder(body_limit=1 << 20)

    def queue(self, data: bytes) -> None:
        self.queued += data

    def push(self) -> None:
        self.data += self.queued
        self.queued.clear()

    def push_all(self, groups: Iterable[Iterable[Client]]) -> None:
        for group in groups:
            for client in group:
                client.outbox.push()

    def write(self, data: bytes) -> None:
        self.queue(data)
        self.push()

    def abort(self, reason: str) -> None:
        self.aborted = reason

    def take(self) -> list[Message]:
        """The messages written since the last take()."""
        items = self._decoder.feed(bytes(self.data))
        self.data.clear()
        assert all(isinstance(item, Message) for item in items), items
        return items  # type: ignore[return-value]


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


PASSWORD = "correct horse"  # of the accounts tests make
FAST_HASHER = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # tests only


def sasl_plain(account: str, password: str = PASSWORD) -> str:
    """The AUTHENTICATE payload of SASL PLAIN for account."""
    return base64.b64encode(f"\0{account}\0{password}".encode()).decode("ascii")


class Harness:
    """A State with fake clients: h.send(alice, "JOIN #x"); h.take(alice) -> [Message, ...].
    Its account store hashes cheaply (argon2 at its lowest cost), as tests may."""

    def __init__(self, **config: Any) -> None:
        self.clock = FakeClock()
        self.state = State(replace(ServerConfig(host="127.0.0.1", port=0), **config), self.clock)
        self.state.accounts._hasher = FAST_HASHER
        self.bugs: list[BaseException] = []
        self.state.error_hook = self.bugs.append
        self.closed: dict[Client, tuple[str, str]] = {}

    def connect(self, nick: str | None = None, host: str = "127.0.0.1") -> Client:
        with self.state.lock:
            client = self.state.add_client(FakeOutbox(), host)
        if nick:
            self.send(client, f"NICK {nick}", f"USER {nick.lower()} 0 * :Real {nick}")
            assert client.registered, self.take(client)
            self.drain()
        return client

    def log_in(self, nick: str, *caps: str, account: str | None = None) -> Client:
        """A client registered as nick and logged in (SASL PLAIN, before registration) to
        account (nick by default), created first if need be, with caps enabled."""
        account = account or nick
        known = {name_key(found.name) for found in self.state.accounts.accounts()}
        if name_key(account) not in known:
            self.state.accounts.create(account, PASSWORD)
        client = self.connect()
        replies = self.send(client, "CAP LS 302", f"CAP REQ :{' '.join(('sasl', *caps))}",
                            f"NICK {nick}", f"USER {nick} 0 * :R", "AUTHENTICATE PLAIN",
                            f"AUTHENTICATE {sasl_plain(account)}", "CAP END")
        assert client.registered and client.account is not None, replies
        self.drain()
        return client

    def drain(self) -> None:
        """Forget everything written so far, to every client."""
        for client in self.state.clients:
            self.peek(client)

    def send(self, client: Client, *lines: str) -> list[Message]:
        """Dispatch lines from client (flushing as the TCP shell does); returns what client got
        from this batch (earlier messages to it are dropped: peek() first to check those)."""
        self.peek(client)
        items = LineDecoder.from_clients().feed("".join(line + "\r\n" for line in lines).encode())
        ctx = dispatch(self.state, client, items)
        ctx.out.flush()
        if ctx.close_reason:
            self.closed[client] = (ctx.close_reason, ctx.close_error)
            disconnect(self.state, client, ctx.close_reason).flush()
        return self.peek(client)

    def peek(self, client: Client) -> list[Message]:
        return self.outbox(client).take()

    def take(self, *clients: Client) -> list[Message]:
        """Drain the outboxes of clients; returns the messages of the first."""
        result = self.peek(clients[0])
        for client in clients[1:]:
            self.peek(client)
        return result

    @staticmethod
    def outbox(client: Client) -> FakeOutbox:
        assert isinstance(client.outbox, FakeOutbox)
        return client.outbox


def commands(messages: list[Message]) -> list[str]:
    return [message.command for message in messages]


def find(messages: list[Message], command: str) -> Message:
    for message in messages:
        if message.command == command:
            return message
    raise AssertionError(f"no {command} in {[m.format() for m in messages]}")
