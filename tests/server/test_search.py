"""SEARCH (soju.im/search) with fake clients: the batch, the attributes, and what each asker may
find (its channels and its account's private conversations, nothing else)."""

from __future__ import annotations

from ircproto.message import Message
from server.state import Client
from tests.server.fakes import Harness
from tests.server.test_caps import joined
from tests.server.test_chathistory import CAPS, StepClock, fail_code, texts

SEARCH_CAPS = (*CAPS, "soju.im/search")


def harness() -> Harness:
    h = Harness()
    h.state.history.clock = StepClock()
    return h


def found(h: Harness, client: Client, attributes: str) -> list[Message]:
    """The messages of the soju.im/search batch answering SEARCH attributes."""
    reply = h.send(client, f"SEARCH {attributes}")
    start, end = reply[0], reply[-1]
    assert start.command == "BATCH" and start.params[1:] == ("soju.im/search",), reply
    assert end.command == "BATCH" and end.params == (f"-{start.params[0][1:]}",)
    return reply[1:-1]


def test_search_cap_is_offered():
    h = harness()
    client = h.connect()
    listed = " ".join(m.params[-1] for m in h.send(client, "CAP LS 302"))
    assert "soju.im/search" in listed.split()


def test_search_finds_words_oldest_first_with_time_and_msgid():
    h = harness()
    alice = joined(h, "alice", *SEARCH_CAPS)
    h.send(alice, "PRIVMSG #lobby :deploy on friday", "PRIVMSG #lobby :lunch?",
           "PRIVMSG #lobby :Deployed!")
    result = found(h, alice, "text=deploy")
    assert texts(result) == ["deploy on friday", "Deployed!"]
    assert all("time" in m.tags and "msgid" in m.tags for m in result)
    assert result[0].params[0] == "#lobby" and result[0].source.startswith("alice!")


def test_search_attributes_in_from_limit_and_escaped_text():
    h = harness()
    alice, bob = joined(h, "alice", *SEARCH_CAPS), joined(h, "bob", *SEARCH_CAPS)
    h.send(alice, "JOIN #dev", "PRIVMSG #dev :the build is green", "PRIVMSG #lobby :build?")
    h.send(bob, "PRIVMSG #lobby :build later", "PRIVMSG #lobby :build now")
    assert texts(found(h, alice, "in=#dev;text=build")) == ["the build is green"]
    assert texts(found(h, alice, "from=BOB;text=build")) == ["build later", "build now"]
    assert texts(found(h, alice, "text=build;limit=1")) == ["build now"]
    assert texts(found(h, alice, r"text=is\sgreen")) == ["the build is green"]


def test_search_time_bounds():
    h = harness()
    alice = joined(h, "alice", *SEARCH_CAPS)
    h.send(alice, "PRIVMSG #lobby :one", "PRIVMSG #lobby :two", "PRIVMSG #lobby :three")
    stamps = [m.tags["time"] for m in found(h, alice, "in=#lobby")]
    assert texts(found(h, alice, "in=#lobby;from=alice;limit=2")) == ["two", "three"]
    assert texts(found(h, alice, f"in=#lobby;after={stamps[0]};before={stamps[2]}")) == ["two"]
    assert texts(found(h, alice, f"text=one;after={stamps[0]}")) == []


def test_search_channels_only_where_one_is_a_member():
    h = harness()
    alice, bob = joined(h, "alice", *SEARCH_CAPS), joined(h, "bob", *SEARCH_CAPS)
    h.send(alice, "JOIN #secret", "PRIVMSG #secret :launch codes")
    assert found(h, bob, "text=launch") == []
    assert fail_code(h.send(bob, "SEARCH in=#secret;text=launch")) == ("SEARCH", "INVALID_TARGET")
    h.send(alice, "PART #secret")
    assert found(h, alice, "text=launch") == []  # no longer a member: as CHATHISTORY


def test_search_private_only_ones_own_account():
    h = harness()
    alice, bob, carol = (h.log_in(nick, *SEARCH_CAPS) for nick in ("alice", "bob", "carol"))
    h.send(carol, "PRIVMSG bob :the door code is 4711")
    assert texts(found(h, bob, "text=door")) == ["the door code is 4711"]
    assert texts(found(h, bob, "in=carol;text=door")) == ["the door code is 4711"]
    assert found(h, alice, "text=door") == []
    assert found(h, alice, "in=carol;text=door") == []
    assert found(h, alice, "in=bob;text=door") == []


def test_search_a_guest_finds_no_private_message():
    h = harness()
    bob = h.log_in("bob", *SEARCH_CAPS)
    dana = joined(h, "dana", *SEARCH_CAPS)
    h.send(dana, "PRIVMSG bob :guest secret", "PRIVMSG #lobby :guest public")
    assert texts(found(h, dana, "text=guest")) == ["guest public"]
    assert found(h, dana, "in=bob;text=guest") == []
    assert texts(found(h, bob, "text=guest")) == ["guest secret", "guest public"]


def test_search_bad_attributes_get_a_clear_fail():
    h = harness()
    alice = joined(h, "alice", *SEARCH_CAPS)
    for attributes in ("colour=red", "text=", "text=a;text=b", "limit=0", "after=yesterday",
                       "from=#chan", "in=no,such", "from=bob", "limit=5"):
        reply = h.send(alice, f"SEARCH {attributes}")
        assert reply and reply[0].command == "FAIL" and reply[0].params[0] == "SEARCH", reply
    assert fail_code(h.send(alice, "SEARCH text=" + "\\sw" * 17)) == ("SEARCH", "INVALID_PARAMS")
    assert h.send(alice, "SEARCH")[0].command == "461"


def test_search_without_batch_sends_the_messages_alone():
    h = harness()
    alice = joined(h, "alice", "server-time", "soju.im/search")
    h.send(alice, "PRIVMSG #lobby :plain words")
    assert texts(h.send(alice, "SEARCH text=plain")) == ["plain words"]
