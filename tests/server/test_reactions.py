"""Replies (`+reply`, `+draft/reply`) and reactions (`+draft/react`, `+draft/unreact`) on the
server's sans-I/O core: relayed as client tags, kept in history with their message (a reaction
as a TAGMSG, as soju keeps them), replayed by CHATHISTORY (TAGMSGs only with
draft/event-playback), never found by SEARCH, and a reaction's size bounded."""

from __future__ import annotations

import pytest

from server.reacts import REACT_MAX_BYTES
from server.state import Client
from tests.server.fakes import Harness
from tests.server.test_chathistory import StepClock

CAPS = ("batch", "server-time", "message-tags", "echo-message", "draft/chathistory")
PLAYBACK = (*CAPS, "draft/event-playback")


def setup() -> tuple[Harness, Client, Client, Client, str]:
    """alice and bob with draft/event-playback, carol without; logged in, in #lobby; alice said
    "parent" (its msgid comes last)."""
    h = Harness()
    h.state.history.clock = StepClock()
    alice, bob, carol = (h.log_in("alice", *PLAYBACK), h.log_in("bob", *PLAYBACK),
                         h.log_in("carol", *CAPS))
    h.drain()
    echo = h.send(alice, "PRIVMSG #lobby :parent")
    h.drain()
    return h, alice, bob, carol, echo[0].tags["msgid"]


@pytest.mark.parametrize("tag", ["+reply", "+draft/reply"])
def test_reply_tag_is_relayed_stored_and_replayed(tag: str):
    h, _alice, bob, carol, parent = setup()
    h.send(bob, f"@{tag}={parent} PRIVMSG #lobby :answer")
    relayed = h.peek(carol)
    assert relayed[0].params == ("#lobby", "answer") and relayed[0].tags[tag] == parent
    replay = h.send(carol, "CHATHISTORY LATEST #lobby * 10")[1:-1]
    assert [(m.params[1], m.tags.get(tag)) for m in replay] == [
        ("parent", None), ("answer", parent)]


def test_reply_tag_on_a_tagmsg_is_relayed():
    h, _alice, bob, carol, parent = setup()
    h.send(bob, f"@+reply={parent};+typing=active TAGMSG #lobby")
    assert h.peek(carol)[0].tags["+reply"] == parent


def test_reaction_is_relayed_stored_and_replayed_with_event_playback_only():
    h, alice, bob, carol, parent = setup()
    h.send(bob, f"@+draft/reply={parent};+draft/react=👍 TAGMSG #lobby")
    for client in (alice, carol):
        got = h.peek(client)
        assert [(m.command, m.tags["+draft/react"]) for m in got] == [("TAGMSG", "👍")]
    h.send(bob, f"@+draft/reply={parent};+draft/unreact=👍 TAGMSG #lobby")
    assert h.peek(alice)[0].tags["+draft/unreact"] == "👍"
    replay = h.send(alice, "CHATHISTORY LATEST #lobby * 10")[1:-1]
    assert [(m.command, m.params, m.tags.get("+draft/react"), m.tags.get("+draft/unreact"))
            for m in replay] == [
        ("PRIVMSG", ("#lobby", "parent"), None, None), ("TAGMSG", ("#lobby",), "👍", None),
        ("TAGMSG", ("#lobby",), None, "👍")]
    assert replay[1].source == bob.prefix and replay[1].tags["+draft/reply"] == parent
    assert all(m.tags["msgid"] and m.tags["time"] for m in replay)
    plain = h.send(carol, "CHATHISTORY LATEST #lobby * 1")[1:-1]  # the limit counts no TAGMSG
    assert [m.params for m in plain] == [("#lobby", "parent")]


def test_reaction_in_a_private_conversation_is_kept_for_both_accounts():
    h, alice, bob, _carol, _parent = setup()
    echo = h.send(alice, "PRIVMSG bob :psst")
    msgid = echo[0].tags["msgid"]
    h.send(bob, f"@+reply={msgid};+draft/react=🙂 TAGMSG alice")
    assert h.peek(alice)[0].tags["+draft/react"] == "🙂"
    for client, peer in ((alice, "bob"), (bob, "alice")):
        replay = h.send(client, f"CHATHISTORY LATEST {peer} * 10")[1:-1]
        assert [m.command for m in replay] == ["PRIVMSG", "TAGMSG"]


def test_typing_and_a_reaction_without_reply_are_relayed_not_stored():
    h, alice, bob, _carol, _parent = setup()
    h.send(bob, "@+typing=active TAGMSG #lobby", "@+draft/react=x TAGMSG #lobby")
    assert [m.command for m in h.peek(alice)] == ["TAGMSG", "TAGMSG"]
    replay = h.send(alice, "CHATHISTORY LATEST #lobby * 10")[1:-1]
    assert [m.command for m in replay] == ["PRIVMSG"]


@pytest.mark.parametrize("value", ["x" * (REACT_MAX_BYTES + 1), "🎉" * 17])
def test_reaction_over_the_size_limit_fails(value: str):
    h, alice, bob, _carol, parent = setup()
    reply = h.send(bob, f"@+reply={parent};+draft/react={value} TAGMSG #lobby")
    assert reply[0].command == "FAIL" and reply[0].params[:3] == (
        "TAGMSG", "INVALID_REACTION", "#lobby")
    assert h.peek(alice) == []


def test_reaction_at_the_size_limit_passes():
    h, alice, bob, _carol, parent = setup()
    h.send(bob, f"@+reply={parent};+draft/react={'🎉' * 16} TAGMSG #lobby")
    assert h.peek(alice)[0].tags["+draft/react"] == "🎉" * 16


def test_search_never_finds_a_reaction():
    h, alice, bob, _carol, parent = setup()
    h.send(bob, f"@+reply={parent};+draft/react=ok TAGMSG #lobby")
    h.drain()
    h.send(alice, "CAP REQ soju.im/search")
    reply = h.send(alice, "SEARCH in=#lobby")
    assert [m.command for m in reply[1:-1]] == ["PRIVMSG"]
