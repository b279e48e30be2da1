"""What the channel and user mode wire tests share: one server per test module (each test
uses its own nicks and channels, so they do not meet), names unique to a test, and a PING
round trip that shows what a client got before it (no fixed waits)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import argon2

from ircproto.message import Message
from server.tcp import ServerHandle, start_server_thread
from tests.server.conftest import TEST_CONFIG
from tests.server.ircclient import RawClient

SERVER = "localchat"
PASSWORD = "correct horse battery"
_ids = itertools.count(1)
Connect = Callable[..., RawClient]


def module_server() -> Iterator[ServerHandle]:
    """A server for a whole test module, with cheap password hashing; each test checks that
    it recorded no bug."""
    with start_server_thread(TEST_CONFIG) as handle:
        handle.state.accounts._hasher = argon2.PasswordHasher(
            time_cost=1, memory_cost=8, parallelism=1)
        yield handle


def unique() -> str:
    """A suffix no other test in the run uses (nicks stay within NICKLEN)."""
    return str(next(_ids))


def sync(client: RawClient) -> list[Message]:
    """Everything client got up to the answer to a PING sent now."""
    client.send("PING sync")
    return client.collect_until("PONG")


def verbs(messages: list[Message]) -> list[str]:
    return [message.command for message in messages if message.command != "PONG"]


def in_channel(connect: Connect, channel: str, *nicks: str) -> list[RawClient]:
    """Registered clients called nicks, all in channel (the first created it: its operator),
    each having seen the others join."""
    clients = []
    for nick in nicks:
        client = connect(nick)
        client.send(f"JOIN {channel}")
        client.expect(command="366", params=[nick, channel])
        for earlier in clients:
            earlier.expect(command="JOIN", params=[channel], source=f"{nick}!{nick}@127.0.0.1")
        clients.append(client)
    return clients


def logged_in(server: ServerHandle, connect: Connect, nick: str) -> RawClient:
    """A client logged in to a new account named nick, in #lobby."""
    server.state.accounts.create(nick, PASSWORD)
    client = connect()
    client.log_in(nick, nick, PASSWORD)
    client.expect(command="366")
    return client


def oper(server: ServerHandle, connect: Connect, nick: str) -> RawClient:
    """A logged-in client that is an IRC operator (+o)."""
    client = logged_in(server, connect, nick)
    account = server.state.accounts.find(nick)
    assert account is not None
    server.state.privileges.set_oper(account, True)
    client.send(f"OPER {nick} :{PASSWORD}")
    client.expect(command="381")
    return client
