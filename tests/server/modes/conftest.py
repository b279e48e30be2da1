"""The wire tests of modes, INVITE and user modes share one server per module (a fresh nick and
channel per test, tests.server.modewire.unique) and check it recorded no bug after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server.tcp import ServerHandle
from tests.server.modewire import module_server


@pytest.fixture(scope="module")
def shared() -> Iterator[ServerHandle]:
    yield from module_server()


@pytest.fixture
def server(shared: ServerHandle) -> Iterator[ServerHandle]:
    yield shared
    assert shared.take_errors() == []
