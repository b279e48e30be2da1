"""The impostor of issue 9, on real sockets: carol tells bob a secret; bob leaves; someone
connects as bob without his password. They get neither his nick nor a word of his private
history; bob, logging in again, gets the conversation exactly once."""

from __future__ import annotations

import pytest

from ircproto.message import Message
from server.commands.nickowner import REGISTERED
from server.tcp import ServerHandle
from tests.server.fakes import FAST_HASHER, PASSWORD
from tests.server.ircclient import RawClient

CAPS = "batch server-time message-tags echo-message"
SECRET = "the door code is 4711"
EVER = "timestamp=2000-01-01T00:00:00.000Z timestamp=2100-01-01T00:00:00.000Z 50"


@pytest.fixture
def accounts(server: ServerHandle) -> None:
    server.state.accounts._hasher = FAST_HASHER
    for name in ("carol", "bob"):
        server.state.accounts.create(name, PASSWORD)


def batch(client: RawClient, line: str) -> list[Message]:
    """The messages inside the batch answering line."""
    client.send(line)
    start = client.expect(command="BATCH")
    ref = start.params[0][1:]
    inside = client.collect_until("BATCH")
    assert inside[-1].params == (f"-{ref}",), inside
    return inside[:-1]


def test_impostor_gets_neither_the_nick_nor_the_history(server: ServerHandle, accounts: None):
    address = server.server_address
    with RawClient(address) as carol, RawClient(address) as bob:
        carol.log_in("carol", "carol", PASSWORD, CAPS)
        bob.log_in("bob", "bob", PASSWORD, CAPS)
        carol.send(f"PRIVMSG bob :{SECRET}")
        bob.expect(command="PRIVMSG", params=["bob", SECRET])
        bob.send("QUIT")
        bob.expect_closed()
        with RawClient(address) as impostor:
            impostor.send("CAP LS 302")
            impostor.send(f"CAP REQ :{CAPS}")
            impostor.send("NICK bob")
            impostor.send("USER bob 0 * :Bob")
            impostor.send("CAP END")
            assert impostor.expect(command="433").params == ("*", "bob", REGISTERED)
            impostor.send("CAP END")
            impostor.send("NICK bob")
            assert impostor.expect(command="433").params == ("*", "bob", REGISTERED)
            impostor.send("PING still-unregistered")
            seen = impostor.collect_until("PONG")
            assert "001" not in [m.command for m in seen]
            impostor.send("NICK eve")  # a guest under another nick
            impostor.expect(command="001")
            impostor.expect(command="366")
            listed = batch(impostor, f"CHATHISTORY TARGETS {EVER}")
            assert all(m.params[1] not in ("bob", "carol") for m in listed), listed
            assert batch(impostor, "CHATHISTORY LATEST bob * 50") == []
            assert batch(impostor, "CHATHISTORY LATEST carol * 50") == []
            impostor.send("PING done")
            assert all(SECRET not in m.format() for m in impostor.collect_until("PONG"))
        with RawClient(address) as owner:
            owner.log_in("bob", "bob", PASSWORD, CAPS)
            owner.expect(command="366")
            listed = batch(owner, f"CHATHISTORY TARGETS {EVER}")
            assert [m.params[1] for m in listed].count("carol") == 1
            found = batch(owner, "CHATHISTORY LATEST carol * 50")
            assert [(m.source or "").split("!")[0] for m in found] == ["carol"]
            assert [m.params for m in found] == [("bob", SECRET)]
