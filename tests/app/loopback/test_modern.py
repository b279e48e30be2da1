"""Modern messaging with the real client stack against the LocalChat server (127.0.0.1, port 0):
a multiline message both ways, a reply with its quote, a reaction chip seen by the other side
and replayed from history, a deletion; one server for the whole file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.views.base import MessageActions
from tests.app.loopback.conftest import pump_until
from tests.app.loopback.test_localchat import start_server


@pytest.fixture(scope="module")
def server() -> Iterator[object]:
    with start_server() as srv:
        yield srv


def said(view, sender: str, text: str):
    return next((e for e in view.entries if e.sender == sender and e.text == text), None)


def test_modern_multiline_reply_react_delete_between_two_clients(server, clients):
    alice, alice_view = clients.online(server.server_address, "alice")
    bob, bob_view = clients.online(server.server_address, "bob")
    views = [alice_view, bob_view]
    pump_until(views, lambda: alice.caught_up and bob.caught_up, "both caught up")
    assert alice_view.message_actions == MessageActions(True, True, "any")  # the channel's op
    assert bob_view.message_actions == MessageActions(True, True, "own")
    assert alice.session is not None and alice.session.multiline is not None

    alice.on_send("roses are red\nviolets are blue")
    poem = "roses are red\nviolets are blue"
    pump_until(views, lambda: said(bob_view, "alice", poem) is not None, "bob to get one block")
    pump_until(views, lambda: not said(alice_view, "alice", poem).pending, "alice's echo")
    assert [e.text for e in alice_view.entries if e.sender == "alice"] == [poem]

    bob.on_reply(said(bob_view, "alice", poem))
    assert bob_view.reply_text == "Replying to alice: roses are red…"
    bob.on_send("nice poem")
    pump_until(views, lambda: said(alice_view, "bob", "nice poem") is not None, "the reply")
    reply = said(alice_view, "bob", "nice poem")
    assert reply.reply_to == said(alice_view, "alice", poem).msgid
    assert reply.quote == "alice: roses are red…"

    alice.on_react(reply, "❤")
    pump_until(views, lambda: said(bob_view, "bob", "nice poem").reactions ==
               (("❤", ("alice",)),), "bob to see alice's reaction")

    _carol, carol_view = clients.online(server.server_address, "carol")
    pump_until([carol_view], lambda: said(carol_view, "bob", "nice poem") is not None and
               said(carol_view, "bob", "nice poem").reactions == (("❤", ("alice",)),),
               "carol to get the reaction from history")
    assert said(carol_view, "alice", poem) is not None  # history keeps the multiline as one

    alice.on_delete(said(alice_view, "alice", poem))
    gone = said(alice_view, "alice", poem)
    pump_until([*views, carol_view], lambda: any(e.deleted for e in bob_view.entries)
               and any(e.deleted for e in alice_view.entries), "the deletion")
    assert said(bob_view, "alice", poem) is None and gone is not None
    bob.on_delete(said(bob_view, "bob", "nice poem"))  # his own: allowed
    pump_until(views, lambda: said(alice_view, "bob", "nice poem") is None, "bob's deletion")
