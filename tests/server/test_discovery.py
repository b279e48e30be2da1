"""The server on the LAN: announced over mDNS on loopback with its TXT keys, re-announced when
it changes, withdrawn at shutdown; a failure to advertise is one warning, never a crash."""

from __future__ import annotations

import ipaddress
import logging
import os
import signal
import socket
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from ircproto.dnssd import SERVICE_TYPE, parse_txt
from server.config import VERSION, ServerConfig
from server.discovery import (
    Advertiser,
    addresses_for,
    default_instance_name,
    interfaces_for,
)
from server.tcp import start_server_thread
from server.tls import CERT_NAME, fingerprint
from tests.mdnsbrowser import LoopbackBrowser
from tests.server.conftest import config
from tests.server.test_main import finish, wait_for_port


def unique_name() -> str:
    return f"LocalChat test {uuid.uuid4().hex[:10]}"


def full(name: str) -> str:
    return f"{name}.{SERVICE_TYPE}"


def test_a_tls_server_with_a_password_is_found_with_every_txt_key(tmp_path: Path) -> None:
    name = unique_name()
    settings = config(advertise=True, advertise_name=name, tls_port=0, data_dir=str(tmp_path),
                      password="sesame", channel="#team")
    with LoopbackBrowser() as browser, start_server_thread(settings) as handle:
        info = browser.found(full(name))
        assert info.parsed_addresses() == ["127.0.0.1"]
        assert info.port == handle.server_address[1]
        txt = parse_txt(info.properties)
        assert handle.tls_address is not None
        assert txt.tls_port == handle.tls_address[1]
        assert txt.fingerprint == fingerprint(tmp_path / CERT_NAME)
        assert (txt.password, txt.channel, txt.version) == (True, "#team", VERSION)


def test_a_plain_server_announces_no_tls_and_no_password() -> None:
    name = unique_name()
    with LoopbackBrowser() as browser, \
            start_server_thread(config(advertise=True, advertise_name=name)):
        properties = browser.found(full(name)).properties
    assert set(properties) == {b"v", b"ch"}
    assert properties[b"ch"] == b"#lobby"


def test_the_announcement_is_withdrawn_at_shutdown() -> None:
    name = unique_name()
    with LoopbackBrowser() as browser:
        with start_server_thread(config(advertise=True, advertise_name=name)):
            browser.found(full(name))
        browser.gone(full(name))


def test_a_new_port_is_announced_again() -> None:
    name = unique_name()
    with LoopbackBrowser() as browser, \
            start_server_thread(config(advertise=True, advertise_name=name)) as handle:
        browser.found(full(name))
        assert handle.advertiser is not None
        handle.advertiser.update(replace(handle.announcement(), port=4242))
        browser.wait_for("the new port", lambda: browser.services[full(name)].port == 4242)


def test_a_server_that_cannot_advertise_warns_once_and_serves(
        caplog: pytest.LogCaptureFixture) -> None:
    def no_multicast(*_args: object) -> None:
        raise OSError(19, "No such device")

    advertiser = Advertiser(no_multicast)  # type: ignore[arg-type]
    with start_server_thread(config()) as handle, caplog.at_level(logging.WARNING):
        advertiser.start(handle.announcement())
        assert advertiser.failed.wait(5)
        advertiser.stop()
        with socket.create_connection(handle.server_address, timeout=5) as sock:
            sock.sendall(b"PING x\r\n")
            sock.settimeout(5)
            assert sock.recv(100)
    warnings = [r for r in caplog.records if r.name == "server.discovery"]
    assert len(warnings) == 1 and "No such device" in warnings[0].getMessage()


def test_without_advertise_nothing_is_registered() -> None:
    with start_server_thread(config()) as handle:
        assert handle.advertiser is None


def test_it_advertises_where_it_listens() -> None:
    assert interfaces_for("127.0.0.1") == ["127.0.0.1"]
    assert addresses_for("127.0.0.1") == ["127.0.0.1"]
    assert interfaces_for("localhost") == addresses_for("localhost")
    assert ipaddress.ip_address(addresses_for("localhost")[0]).is_loopback
    assert interfaces_for("0.0.0.0") != ["127.0.0.1"]  # every interface
    every = addresses_for("0.0.0.0")
    assert every and all(":" not in a for a in every)
    assert every == ["127.0.0.1"] or "127.0.0.1" not in every  # loopback only if nothing else


def test_the_default_name_names_the_host() -> None:
    assert default_instance_name().startswith("LocalChat on ")
    assert default_instance_name().removeprefix("LocalChat on ") \
        == socket.gethostname().split(".")[0][:50]


@pytest.mark.parametrize("name, problem", [
    ("   ", "must not be empty"), ("a\tb", "control characters"), ("x" * 64, "at most 63")])
def test_a_bad_advertised_name_is_refused(name: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        ServerConfig(advertise_name=name)


def test_python_m_server_advertises_and_withdraws_on_sigterm(tmp_path: Path) -> None:
    name = unique_name()
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", "0",
               "--data-dir", str(tmp_path), "--advertise-name", name]
    with LoopbackBrowser() as browser:
        proc = subprocess.Popen(command, cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            port = wait_for_port(proc)
            assert browser.found(full(name)).port == port
            proc.send_signal(signal.SIGTERM)
            browser.gone(full(name))
            code, err = finish(proc, timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate(timeout=5)
    assert code == 0, err
    assert f"advertised as '{name}" in err
