"""Dual-stack by default: '*' is one IPv6 socket with IPV6_V6ONLY off (IPv4 only where there is
no IPv6), --host narrows it; IPv4 peers are named by their IPv4 address; discovery announces
exactly the addresses listened on. Real sockets bind only 127.0.0.1 and ::1."""

from __future__ import annotations

import errno
import socket
import socketserver
from types import SimpleNamespace

import pytest
from zeroconf import InterfaceChoice, IPVersion

from server import discovery, listener
from server.discovery import addresses_for, interfaces_for, ip_version
from server.listenaddress import BindPlan, bind_plan, describe, unmapped, without_ipv6
from server.tcp import start_server_thread
from tests.server.conftest import config


def test_listenaddress_plans():
    dual = bind_plan("*")
    assert (dual.family, dual.address, dual.v6only, dual.dual) == (
        socket.AF_INET6, "::", False, True)
    assert bind_plan("::").v6only and not bind_plan("::").dual
    assert bind_plan("0.0.0.0").family == socket.AF_INET
    assert bind_plan("127.0.0.1") == BindPlan(socket.AF_INET, "127.0.0.1", False, "127.0.0.1")
    assert describe(dual, 13333) == "*:13333 (IPv4 and IPv6)"
    assert describe(bind_plan("::1"), 5) == "[::1]:5"


def test_listenaddress_without_ipv6_the_default_is_ipv4(monkeypatch):
    monkeypatch.setattr(socket, "has_ipv6", False)
    assert bind_plan("*").family == socket.AF_INET and bind_plan("*").host == "0.0.0.0"
    assert without_ipv6(OSError(errno.EAFNOSUPPORT, "no"))
    assert not without_ipv6(OSError(errno.EADDRINUSE, "in use"))


def test_listenaddress_ipv4_peers_of_a_dual_socket_are_plain_ipv4():
    assert unmapped("::ffff:192.0.2.7") == "192.0.2.7"
    assert unmapped("::ffff:127.0.0.1") == "127.0.0.1"  # so loopback exemption still applies
    assert unmapped("::1") == "::1" and unmapped("10.0.0.1") == "10.0.0.1"
    assert unmapped("::ffff:zz") == "::ffff:zz"


def chat_over_ipv6(address: tuple[str, int]) -> bytes:
    with socket.create_connection(address[:2], timeout=5) as sock:
        sock.sendall(b"NICK six\r\nUSER six 0 * :Six\r\n")
        sock.settimeout(5)
        seen = b""
        while b" 001 " not in seen:
            chunk = sock.recv(4096)
            assert chunk, seen
            seen += chunk
        return seen


def test_listenaddress_host_ipv6_only_serves_ipv6():
    with start_server_thread(config(host="::1")) as handle:
        assert handle.listening() == [f"listening on [::1]:{handle.server_address[1]}"]
        listening = handle._plain.socket
        assert listening.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 1
        assert b"six!six@0::1" in chat_over_ipv6(("::1", handle.server_address[1]))


def test_listenaddress_dual_stack_turns_v6only_off_and_is_announced_as_such(monkeypatch):
    # a dual-stack socket on ::1 (the default binds '::', which tests may not); Linux turns
    # V6ONLY on by itself for a bind to one address, so the option is read just before it
    monkeypatch.setattr(listener, "bind_plan",
                        lambda host: BindPlan(socket.AF_INET6, "::1", False, "*"))
    v6only: list[int] = []
    original = socketserver.TCPServer.server_bind

    def spy(self: socketserver.TCPServer) -> None:
        v6only.append(self.socket.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY))
        original(self)

    monkeypatch.setattr(socketserver.TCPServer, "server_bind", spy)
    with start_server_thread(config(tls_port=0)) as handle:
        port = handle.server_address[1]
        assert v6only == [0, 0]  # plain and TLS
        assert handle.listening()[0] == f"listening on *:{port} (IPv4 and IPv6)"
        assert handle.listening()[1].startswith("listening for TLS on *:")
        assert handle.listening()[1].endswith(" (IPv4 and IPv6)")
        assert handle.announcement().host == "*"
        assert chat_over_ipv6(("::1", port))


def test_listenaddress_dual_stack_falls_back_to_ipv4_without_ipv6(monkeypatch, caplog):
    unusable = BindPlan(socket.AF_INET6, "2001:db8::1", False, "*")  # EADDRNOTAVAIL here
    monkeypatch.setattr(listener, "bind_plan", lambda host: unusable)
    monkeypatch.setattr(listener, "IPV4_ANY", bind_plan("127.0.0.1"))  # not 0.0.0.0 in tests
    with start_server_thread(config()) as handle:
        assert handle.listening() == [f"listening on 127.0.0.1:{handle.server_address[1]}"]
        assert handle.announcement().host == "127.0.0.1"  # what it really listens on
    assert "listening on IPv4 only" in caplog.text


def fake_adapters() -> list[SimpleNamespace]:
    ips = [SimpleNamespace(ip=ip) for ip in ("127.0.0.1", "192.168.1.20")]
    ips += [SimpleNamespace(ip=(ip, 0, 0)) for ip in ("::1", "fe80::1", "2001:db8::20")]
    return [SimpleNamespace(ips=ips)]


def test_listenaddress_discovery_announces_both_families_for_dual_stack(monkeypatch):
    monkeypatch.setattr(discovery.ifaddr, "get_adapters", fake_adapters)
    assert addresses_for("*") == ["192.168.1.20", "2001:db8::20"]
    assert addresses_for("0.0.0.0") == ["192.168.1.20"]
    assert addresses_for("::") == ["2001:db8::20"]
    assert ip_version("*") is IPVersion.All and interfaces_for("*") is InterfaceChoice.All
    assert ip_version("127.0.0.1") is IPVersion.V4Only and ip_version("::1") is IPVersion.V6Only


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_listenaddress_narrowed_hosts_are_announced_alone(host):
    assert addresses_for(host) == [host] and interfaces_for(host) == [host]
