"""The client's discovery model against real announcements on loopback: a running server is
found with its TXT, dropped when it stops; a bad announcement is skipped; a failure is a note."""

from __future__ import annotations

import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from zeroconf import IPVersion, ServiceInfo, Zeroconf

from app.models.discovery import DiscoveredServer, Discovery, server_from_info
from ircproto.dnssd import SERVICE_TYPE
from server.config import VERSION, ServerConfig
from server.tcp import start_server_thread
from server.tls import CERT_NAME, fingerprint

DEADLINE = 10.0


class Watched:
    """A Discovery on 127.0.0.1 whose changes can be waited for."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.discovery = Discovery(["127.0.0.1"], on_change=self._notify)

    def _notify(self) -> None:
        with self.changed:
            self.changed.notify_all()

    def until(self, what: str, check: Callable[[list[DiscoveredServer]], bool]) -> None:
        deadline = time.monotonic() + DEADLINE
        with self.changed:
            while not check(self.discovery.servers()):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{what}: {self.discovery.servers()}")
                self.changed.wait(left)

    def named(self, name: str) -> DiscoveredServer:
        self.until(f"{name} not found", lambda found: any(s.name == name for s in found))
        return next(s for s in self.discovery.servers() if s.name == name)


@pytest.fixture
def watched() -> Iterator[Watched]:
    watched = Watched()
    watched.discovery.start()
    yield watched
    watched.discovery.stop()


def test_finds_a_running_tls_server_and_forgets_it_when_it_stops(
        watched: Watched, tmp_path: Path) -> None:
    name = f"LocalChat client test {uuid.uuid4().hex[:8]}"
    settings = ServerConfig(host="127.0.0.1", port=0, tls_port=0, data_dir=str(tmp_path),
                            password="pw", channel="#here", advertise=True, advertise_name=name)
    with start_server_thread(settings) as handle:
        found = watched.named(name)
        assert handle.tls_address is not None
        assert (found.address, found.port) == handle.server_address
        assert found.tls_port == handle.tls_address[1]
        assert found.fingerprint == fingerprint(tmp_path / CERT_NAME)
        assert (found.password, found.channel, found.txt.version) == (True, "#here", VERSION)
        assert watched.discovery.announced_fingerprint("127.0.0.1", found.tls_port) \
            == found.fingerprint
        assert watched.discovery.announced_fingerprint("127.0.0.1", found.port) is None
    watched.until("still listed after stop", lambda found: all(s.name != name for s in found))


def test_an_announcement_with_a_bad_txt_is_skipped_with_a_warning(
        watched: Watched, caplog: pytest.LogCaptureFixture) -> None:
    name = f"Broken {uuid.uuid4().hex[:8]}"
    good = f"Good {uuid.uuid4().hex[:8]}"
    zeroconf = Zeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
    infos = [ServiceInfo(SERVICE_TYPE, f"{label}.{SERVICE_TYPE}", port=6667,
                         addresses=[socket.inet_aton("127.0.0.1")], properties=txt,
                         server="broken.local.")
             for label, txt in ((name, {"tls": "not-a-port"}), (good, {"v": "x"}))]
    try:
        with caplog.at_level(logging.WARNING):
            for info in infos:
                zeroconf.register_service(info)
            watched.named(good)
        assert all(s.name != name for s in watched.discovery.servers())
        assert any("tls is not a port" in r.getMessage() for r in caplog.records)
    finally:
        zeroconf.unregister_all_services()
        zeroconf.close()


def test_a_failure_to_browse_is_a_problem_not_an_exception(
        caplog: pytest.LogCaptureFixture) -> None:
    def no_multicast(_interfaces: object) -> Zeroconf:
        raise OSError(19, "No such device")

    discovery = Discovery(["127.0.0.1"], factory=no_multicast)
    with caplog.at_level(logging.WARNING):
        discovery.start()
        discovery.start()  # once is enough: no second warning
    assert "No such device" in discovery.problem
    assert discovery.servers() == []
    assert len([r for r in caplog.records if "LAN discovery" in r.getMessage()]) == 1


def test_a_lan_address_is_preferred_to_loopback_and_ipv6() -> None:
    info = ServiceInfo(SERVICE_TYPE, f"pc.{SERVICE_TYPE}", port=6667, server="pc.local.",
                       parsed_addresses=["fe80::1", "127.0.0.1", "2001:db8::5", "192.0.2.7"])
    assert server_from_info(info).address == "192.0.2.7"
    loopback = ServiceInfo(SERVICE_TYPE, f"pc.{SERVICE_TYPE}", port=6667, server="pc.local.",
                           parsed_addresses=["::1", "127.0.0.1"])
    assert server_from_info(loopback) == DiscoveredServer("pc", "127.0.0.1", 6667)
