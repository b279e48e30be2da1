"""The ngircd helper used by loopback tests and the bench: it starts, serves IRC, stops cleanly."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from tests.interop import ngircd
from tests.interop.ngircd import NgircdError, ngircd_available, start_ngircd, write_config
from tests.interop.programs import require_program
from tests.interop.rawclient import RawClient

pytestmark = pytest.mark.interop


@pytest.fixture(autouse=True)
def _need_ngircd() -> None:
    if not ngircd_available():
        require_program("ngircd")


def test_ngircd_helper_serves_irc_and_stops(tmp_path: Path) -> None:
    with start_ngircd(tmp_path) as irc:
        host, port = irc.address
        assert host == "127.0.0.1" and port > 0
        with RawClient(irc.address) as client:
            welcome = client.register("probe")
            assert welcome.param(0) == "probe"
        irc.stop()
        assert irc.process.returncode is not None
        irc.stop()  # a second stop is harmless
    with pytest.raises(OSError), socket.create_connection((host, port), timeout=2.0):
        pass


def test_ngircd_helper_config_lifts_the_limits_for_many_clients(tmp_path: Path) -> None:
    config = write_config(tmp_path / "ngircd.conf", 6999, {"MaxJoins": "5"}).read_text()
    assert "Listen = 127.0.0.1" in config and "Ports = 6999" in config
    assert "MaxConnectionsIP = 0" in config and "MaxPenaltyTime = 0" in config
    assert "MaxJoins = 5" in config and "MaxJoins = 0" not in config
    assert "PAM = no" in config


def test_ngircd_helper_reports_a_server_that_exits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ngircd, "NGIRCD", shutil.which("false") or "/bin/false")
    with pytest.raises(NgircdError, match="exited with status 1"):
        start_ngircd(tmp_path)


def test_ngircd_helper_reports_a_missing_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ngircd, "NGIRCD", str(tmp_path / "no-such-ngircd"))
    with pytest.raises(NgircdError, match="not found"):
        start_ngircd(tmp_path)
