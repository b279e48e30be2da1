"""Fixtures for the server tests: a real server on 127.0.0.1 port 0 and raw clients for it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from server.config import ServerConfig
from server.tcp import ServerHandle, start_server_thread
from tests.server.ircclient import RawClient

TEST_CONFIG = ServerConfig(host="127.0.0.1", port=0)


@pytest.fixture
def server_config() -> ServerConfig:
    """Override in a module (or parametrize) to run the server with other settings."""
    return TEST_CONFIG


@pytest.fixture
def server(server_config: ServerConfig) -> Iterator[ServerHandle]:
    with start_server_thread(server_config) as handle:
        yield handle


@pytest.fixture
def connect(server: ServerHandle) -> Iterator[Callable[..., RawClient]]:
    """connect() -> a RawClient to the test server; connect("alice") also registers it."""
    clients: list[RawClient] = []

    def make(nick: str | None = None) -> RawClient:
        client = RawClient(server.server_address)
        clients.append(client)
        if nick:
            client.register(nick)
            client.expect(command="366")  # the auto-join's NAMES
        return client

    yield make
    for client in clients:
        client.close()


def config(**changes: Any) -> ServerConfig:
    return replace(TEST_CONFIG, **changes)


SHARED_CONFIG = replace(TEST_CONFIG, channel="")  # no auto-join: tests make their channels


@pytest.fixture(scope="module")
def shared_server() -> Iterator[ServerHandle]:
    """One server for a whole module of wire tests (each test uses nicks and channels of its
    own); nobody is joined to a channel by default."""
    with start_server_thread(SHARED_CONFIG) as handle:
        yield handle


@pytest.fixture
def client(shared_server: ServerHandle) -> Iterator[Callable[..., RawClient]]:
    """client("alice") -> a RawClient registered as alice on the shared server (client() an
    unregistered one); closed at the end of the test."""
    clients: list[RawClient] = []

    def make(nick: str | None = None, caps: str = "") -> RawClient:
        raw = RawClient(shared_server.server_address)
        clients.append(raw)
        if caps:
            raw.send("CAP LS 302")
            raw.send(f"CAP REQ :{caps}")
            raw.expect(command="CAP", params=["*", "ACK"])
            if nick:
                raw.send("CAP END")
        if nick:
            raw.register(nick)
        return raw

    yield make
    for raw in clients:
        raw.close()
