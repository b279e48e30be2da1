"""Modern messaging on real sockets, one server for the module (each test in its own channel):
a draft/multiline batch reaches a client with the capability as a batch and one without as
lines, and comes back from CHATHISTORY as one message; a reaction is relayed and replayed; a
REDACT is relayed and the message is gone from history."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from ircproto.message import Message
from server.tcp import ServerHandle, start_server_thread
from tests.server.conftest import TEST_CONFIG, config
from tests.server.ircclient import RawClient
from tests.server.test_persistence import negotiate

MODERN = ("batch server-time message-tags echo-message labeled-response draft/chathistory "
          "draft/multiline draft/event-playback draft/message-redaction")
PLAIN = "server-time message-tags"


@pytest.fixture(scope="module")
def shared_server() -> Iterator[ServerHandle]:
    with start_server_thread(TEST_CONFIG) as handle:
        yield handle


@pytest.fixture
def client(shared_server: ServerHandle) -> Iterator[Callable[[str, str, str], RawClient]]:
    """client(nick, caps, channel): registered with caps, in channel (and #lobby)."""
    made: list[RawClient] = []

    def make(nick: str, caps: str, channel: str) -> RawClient:
        raw = RawClient(shared_server.server_address)
        made.append(raw)
        negotiate(raw, nick, caps)
        raw.send(f"JOIN {channel}")
        raw.expect(command="366", params=[nick, channel])
        return raw

    yield make
    for raw in made:
        raw.close()


def until_batch_end(raw: RawClient, ref: str) -> list[Message]:
    """Every message up to the BATCH -ref."""
    seen: list[Message] = []
    while True:
        message = raw.expect()
        seen.append(message)
        if message.command == "BATCH" and message.params == (f"-{ref}",):
            return seen


def test_modern_loopback_multiline_relayed_both_ways_and_replayed(client):
    alice = client("ml_alice", MODERN, "#ml")
    bob = client("ml_bob", MODERN, "#ml")
    carol = client("ml_carol", PLAIN, "#ml")
    alice.send("@label=x1 BATCH +m1 draft/multiline #ml")
    alice.send("@batch=m1 PRIVMSG #ml :first line")
    alice.send("@batch=m1 PRIVMSG #ml :second ")
    alice.send("@batch=m1;draft/multiline-concat PRIVMSG #ml :half")
    alice.send("BATCH -m1")
    echo = alice.expect(command="BATCH", params=[None, "draft/multiline", "#ml"])
    assert echo.tags["label"] == "x1"
    start = bob.expect(command="BATCH", params=[None, "draft/multiline", "#ml"])
    inside = until_batch_end(bob, start.params[0][1:])
    assert [m.params[1] for m in inside[:-1]] == ["first line", "second ", "half"]
    assert "draft/multiline-concat" in inside[2].tags and start.tags["msgid"] == echo.tags["msgid"]
    first = carol.expect(command="PRIVMSG", params=["#ml", "first line"])
    assert first.tags["msgid"] == start.tags["msgid"]
    assert "msgid" not in carol.expect(command="PRIVMSG", params=["#ml", "second "]).tags
    carol.expect(command="PRIVMSG", params=["#ml", "half"])
    bob.send("CHATHISTORY LATEST #ml * 10")
    outer = bob.expect(command="BATCH", params=[None, "chathistory", "#ml"])
    replay = until_batch_end(bob, outer.params[0][1:])
    assert [m.command for m in replay] == ["BATCH", "PRIVMSG", "PRIVMSG", "PRIVMSG", "BATCH",
                                           "BATCH"]
    assert replay[0].tags["msgid"] == start.tags["msgid"]


def test_modern_loopback_multiline_refused_over_the_line_limit(client):
    alice = client("mx_alice", MODERN, "#mx")
    alice.send("BATCH +m2 draft/multiline #mx")
    for _ in range(65):
        alice.send("@batch=m2 PRIVMSG #mx :x")
    alice.send("BATCH -m2")
    failure = alice.expect(command="FAIL")
    assert failure.params[:3] == ("BATCH", "MULTILINE_MAX_LINES", "64")
    alice.send("PING :after")
    assert alice.expect(command="PONG", skip=False).params[-1] == "after"  # nothing else came


def test_modern_loopback_reaction_and_redaction(client):
    alice = client("rx_alice", MODERN, "#rx")
    bob = client("rx_bob", MODERN, "#rx")
    alice.send("PRIVMSG #rx :vote here")
    parent = alice.expect(command="PRIVMSG", params=["#rx", "vote here"]).tags["msgid"]
    bob.expect(command="PRIVMSG", params=["#rx", "vote here"])
    bob.send(f"@+reply={parent};+draft/react=👍 TAGMSG #rx")
    react = alice.expect(command="TAGMSG", params=["#rx"])
    assert react.tags["+draft/react"] == "👍" and react.tags["+reply"] == parent
    alice.send(f"REDACT #rx {parent} :closed")
    redact = bob.expect(command="REDACT")
    assert redact.params == ("#rx", parent, "closed") and redact.source.startswith("rx_alice!")
    bob.send("CHATHISTORY LATEST #rx * 10")
    outer = bob.expect(command="BATCH", params=[None, "chathistory", "#rx"])
    assert until_batch_end(bob, outer.params[0][1:]) == [
        Message("BATCH", (f"-{outer.params[0][1:]}",), outer.source)]  # the reaction went too


def test_modern_loopback_flood_control_counts_each_line_of_a_batch():
    """With a burst of 8 and next to no refill, registering takes 5 and a batch of 5 lines (7
    commands) never ends: the bucket counts its lines, not the batch as one."""
    slow = config(flood_burst=8, flood_rate=0.001, exempt_loopback=False)
    with start_server_thread(slow) as handle, RawClient(handle.server_address) as alice, \
            RawClient(handle.server_address) as bob:
        negotiate(bob, "fl_bob", PLAIN)
        negotiate(alice, "fl_alice", "batch draft/multiline")  # 5 commands of the 8
        bob.expect(command="JOIN", params=["#lobby"], source="fl_alice!fl_alice@127.0.0.1")
        alice.send("BATCH +f draft/multiline #lobby")
        for index in range(5):
            alice.send(f"@batch=f PRIVMSG #lobby :line {index}")
        alice.send("BATCH -f")
        bob.expect_nothing(0.5)
