"""The suite's own rule: every Zeroconf a test makes is pinned to loopback (tests/mdnsguard.py),
and the client subprocesses browse on loopback only."""

from __future__ import annotations

import os
import socket

import pytest
from zeroconf import InterfaceChoice, Zeroconf

from tests import mdnsguard


@pytest.mark.parametrize("interfaces", [InterfaceChoice.All, InterfaceChoice.Default,
                                        ["0.0.0.0"], ["192.0.2.2"], [], None])
def test_a_zeroconf_off_loopback_is_refused_and_recorded(interfaces: object) -> None:
    before = len(mdnsguard.violations)
    with pytest.raises(AssertionError, match="not loopback"):
        Zeroconf(interfaces=interfaces)  # type: ignore[arg-type]
    assert len(mdnsguard.violations) == before + 1
    del mdnsguard.violations[before:]  # refused as it should be: this test does not fail


def test_a_loopback_zeroconf_sends_from_loopback_only() -> None:
    zeroconf = Zeroconf(interfaces=["127.0.0.1"])
    try:
        sockets = [sender.transport.get_extra_info("socket") for sender in zeroconf.engine.senders]
        bound = [sock.getsockname()[0] for sock in sockets]
        multicast_via = [socket.inet_ntoa(sock.getsockopt(socket.IPPROTO_IP,
                                                          socket.IP_MULTICAST_IF, 4))
                         for sock in sockets]
    finally:
        zeroconf.close()
    assert bound and set(bound) == {"127.0.0.1"} and set(multicast_via) == {"127.0.0.1"}
    assert mdnsguard.made and all(mdnsguard.loopback_only(i) for i in mdnsguard.made)


def test_client_subprocesses_browse_on_loopback() -> None:
    assert os.environ["LOCALCHAT_MDNS_INTERFACES"] == "127.0.0.1"
