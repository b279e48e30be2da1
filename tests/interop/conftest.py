"""Fixtures for the interop tier: the IRC servers to talk to (LocalChat on port 0, and ngircd)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from server.config import ServerConfig
from server.tcp import start_server_thread
from tests.interop.ngircd import ngircd_available, start_ngircd
from tests.interop.programs import require_program


def _localchat_server() -> Iterator[tuple[str, int]]:
    with start_server_thread(ServerConfig(host="127.0.0.1", port=0)) as srv:
        host, port = srv.server_address[:2]
        yield host, port


def _ngircd_server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    if not ngircd_available():
        require_program("ngircd")
    with start_ngircd(tmp_path / "ngircd") as irc:
        yield irc.address


@pytest.fixture(params=["localchat", "ngircd"])
def irc_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, int]]:
    """(host, port) of a running IRC server: the LocalChat server, and ngircd as a reference."""
    if request.param == "localchat":
        yield from _localchat_server()
    else:
        yield from _ngircd_server(tmp_path)
