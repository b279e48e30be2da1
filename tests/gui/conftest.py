"""Fixtures for the GUI tests: a real LocalChat server on 127.0.0.1 port 0, raw-socket peers in
#lobby, and the real chat window connected to the server.

Tk garbage is collected on the main thread (tests/tkgarbage.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from server.config import ServerConfig
from server.tcp import ServerHandle, start_server_thread
from tests.gui.live import Chat, close_chat, open_chat
from tests.interop.rawclient import RawClient
from tests.tkgarbage import collect_tk_garbage_on_main_thread  # noqa: F401


@pytest.fixture
def server() -> Iterator[ServerHandle]:
    handle = start_server_thread(ServerConfig(host="127.0.0.1", port=0))
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def peer_factory(server: ServerHandle) -> Iterator[Callable[[str], RawClient]]:
    """Makes registered raw clients in #lobby; closes them all afterwards."""
    peers: list[RawClient] = []

    def make(nick: str) -> RawClient:
        peer = RawClient(server.server_address)
        peers.append(peer)
        peer.register(nick)
        peer.join("#lobby")
        return peer

    yield make
    for peer in peers:
        peer.close()


@pytest.fixture
def chat(server: ServerHandle, tmp_path: Path) -> Iterator[Chat]:
    chat = open_chat(server, tmp_path)
    chat.view.input.focus_force()
    yield chat
    close_chat(chat)
