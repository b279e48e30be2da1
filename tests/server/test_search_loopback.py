"""SEARCH privacy on real sockets: another account's private messages are never found, a guest
finds no private message at all, channel results come only from channels one is in."""

from __future__ import annotations

import pytest

from ircproto.message import Message
from server.tcp import ServerHandle
from tests.server.fakes import FAST_HASHER, PASSWORD
from tests.server.ircclient import RawClient

CAPS = "batch server-time message-tags echo-message soju.im/search"


@pytest.fixture
def accounts(server: ServerHandle) -> None:
    server.state.accounts._hasher = FAST_HASHER
    for name in ("alice", "bob", "carol"):
        server.state.accounts.create(name, PASSWORD)


def search(client: RawClient, attributes: str) -> list[str]:
    """The texts of the soju.im/search batch answering SEARCH attributes."""
    client.send(f"SEARCH {attributes}")
    start = client.expect(command="BATCH")
    assert start.params[1:] == ("soju.im/search",), start
    inside = client.collect_until("BATCH")
    assert inside[-1].params == (f"-{start.params[0][1:]}",), inside
    return [message.params[-1] for message in inside[:-1]]


def said(client: RawClient, target: str, text: str) -> Message:
    client.send(f"PRIVMSG {target} :{text}")
    return client.expect(command="PRIVMSG", params=[target, text])  # the echo: stored


def test_search_loopback_privacy(server: ServerHandle, accounts: None):
    address = server.server_address
    with RawClient(address) as alice, RawClient(address) as bob, \
            RawClient(address) as carol, RawClient(address) as guest:
        for client, name in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
            client.log_in(name, name, PASSWORD, CAPS)
        guest.send("CAP LS 302")
        guest.send(f"CAP REQ :{CAPS}")
        guest.send("CAP END")
        guest.register("dana")
        guest.expect(command="366")
        said(carol, "bob", "secret plan for bob")
        said(bob, "carol", "secret reply to carol")
        said(guest, "alice", "secret from a guest")
        alice.send("JOIN #inner")
        alice.expect(command="366")
        said(alice, "#inner", "secret channel talk")
        said(alice, "#lobby", "public secret")
        assert search(bob, "text=secret") == [
            "secret plan for bob", "secret reply to carol", "public secret"]
        assert search(carol, "text=secret") == [
            "secret plan for bob", "secret reply to carol", "public secret"]
        assert search(alice, "text=secret") == [
            "secret from a guest", "secret channel talk", "public secret"]
        assert search(alice, "in=bob;text=secret") == []
        assert search(alice, "in=carol;text=secret") == []
        assert search(guest, "text=secret") == ["public secret"]
        assert search(guest, "in=alice;text=secret") == []
        bob.send("SEARCH in=#inner;text=secret")
        fail = bob.expect(command="FAIL")
        assert fail.params[:3] == ("SEARCH", "INVALID_TARGET", "#inner")
