"""Private history and read markers belong to accounts (fake clients): each party logged in keeps
its own copy, whatever its nick; a guest has no private history and no read markers."""

from __future__ import annotations

from ircproto.message import Message
from server.state import Client
from tests.server.fakes import Harness, commands
from tests.server.test_caps import joined
from tests.server.test_chathistory import CAPS, StepClock, history, texts

EVER = "timestamp=2000-01-01T00:00:00.000Z timestamp=2100-01-01T00:00:00.000Z 50"
STAMP = "2026-11-24T10:00:00.000Z"


def harness() -> Harness:
    h = Harness()
    h.state.history.clock = StepClock()
    return h


def targets(h: Harness, client: Client) -> list[str]:
    reply = h.send(client, f"CHATHISTORY TARGETS {EVER}")
    assert reply[0].command == "BATCH" and reply[-1].command == "BATCH", reply
    return [m.params[1] for m in reply[1:-1]]


def stored_rows(h: Harness) -> int:
    return int(h.state.history._db.execute("SELECT COUNT(*) FROM messages").fetchone()[0])


def test_private_history_follows_the_account_to_another_nick():
    h = harness()
    carol, bob = h.log_in("carol", *CAPS), h.log_in("bob", *CAPS)
    h.send(carol, "PRIVMSG bob :the door code is 4711")
    h.send(bob, "QUIT")
    again = h.log_in("bobby", *CAPS, account="bob")
    assert texts(history(h, again, "CHATHISTORY LATEST carol * 50")) == ["the door code is 4711"]
    assert targets(h, again) == ["carol"]
    assert texts(history(h, carol, "CHATHISTORY LATEST bob * 50")) == ["the door code is 4711"]
    assert history(h, carol, "CHATHISTORY LATEST bobby * 50") == []


def test_private_history_a_guest_gets_none_even_of_what_it_sent():
    h = harness()
    bob = h.log_in("bob", *CAPS)
    dana = joined(h, "dana", *CAPS)
    h.send(dana, "PRIVMSG bob :hi from a guest", "PRIVMSG #lobby :in the channel")
    assert history(h, dana, "CHATHISTORY LATEST bob * 50") == []
    assert targets(h, dana) == ["#lobby"]  # channels as ever
    assert texts(history(h, bob, "CHATHISTORY LATEST dana * 50")) == ["hi from a guest"]
    assert targets(h, bob) == ["dana", "#lobby"]


def test_private_history_between_guests_is_not_kept():
    h = harness()
    dana, eve = joined(h, "dana", *CAPS), joined(h, "eve", *CAPS)
    h.send(dana, "PRIVMSG eve :gone once read")
    assert commands(h.peek(eve)) == ["PRIVMSG"]
    assert stored_rows(h) == 0
    assert history(h, eve, "CHATHISTORY LATEST dana * 50") == []


def test_private_history_one_copy_per_account_and_one_for_yourself():
    h = harness()
    alice, bob = h.log_in("alice", *CAPS), h.log_in("bob", *CAPS)
    h.send(alice, "PRIVMSG bob :to bob", "PRIVMSG alice :note to self")
    assert stored_rows(h) == 3
    assert texts(history(h, alice, "CHATHISTORY LATEST alice * 50")) == ["note to self"]
    found = history(h, bob, "CHATHISTORY LATEST alice * 50")
    assert texts(found) == ["to bob"]
    msgid = found[0].tags["msgid"]
    around = history(h, alice, f"CHATHISTORY AROUND bob msgid={msgid} 10")
    assert [m.tags["msgid"] for m in around] == [msgid]  # the same message, the same id


def test_private_history_a_guests_msgid_reference_finds_nothing():
    h = harness()
    alice, bob = h.log_in("alice", *CAPS), h.log_in("bob", *CAPS)
    h.send(alice, "PRIVMSG bob :secret")
    msgid = history(h, bob, "CHATHISTORY LATEST alice * 50")[0].tags["msgid"]
    eve = joined(h, "eve", *CAPS)
    assert history(h, eve, f"CHATHISTORY AROUND alice msgid={msgid} 10") == []
    reply = h.send(eve, "CHATHISTORY LATEST alice * 0")  # bad input still gets its FAIL
    assert reply[0].params[:2] == ("CHATHISTORY", "INVALID_PARAMS")


def test_read_markers_are_the_accounts_on_any_nick():
    h = harness()
    alice = h.log_in("alice", "draft/read-marker")
    h.send(alice, f"MARKREAD #lobby timestamp={STAMP}", "QUIT")
    again = h.log_in("ally", "draft/read-marker", account="alice")
    assert h.send(again, "MARKREAD #lobby") == [
        Message("MARKREAD", ("#lobby", f"timestamp={STAMP}"), "localchat")
    ]
    bob = h.log_in("bob", "draft/read-marker")
    assert h.send(bob, "MARKREAD #lobby")[0].params == ("#lobby", "*")


def test_read_markers_a_guest_cannot_set_one_and_reads_none():
    h = harness()
    alice = h.log_in("alice", "draft/read-marker")
    h.send(alice, f"MARKREAD #lobby timestamp={STAMP}")
    guest = joined(h, "dana", "draft/read-marker")
    reply = h.send(guest, f"MARKREAD #lobby timestamp={STAMP}")
    assert [m.command for m in reply] == ["FAIL"]
    assert reply[0].params[:3] == ("MARKREAD", "ACCOUNT_REQUIRED", "#lobby")
    assert "log in" in reply[0].params[-1]
    assert h.send(guest, "MARKREAD #lobby") == [Message("MARKREAD", ("#lobby", "*"), "localchat")]
    join = h.send(guest, "JOIN #room")
    assert "MARKREAD" not in commands(join) and "366" in commands(join)
    assert "MARKREAD" in commands(h.send(alice, "JOIN #room"))


def test_private_history_two_devices_of_an_account_read_one_copy():
    h = harness()
    carol, phone = h.log_in("carol", *CAPS), h.log_in("bob", *CAPS)
    laptop = h.log_in("bob", *CAPS, "draft/read-marker")  # a second device of bob
    assert laptop.primary is phone
    h.send(carol, "PRIVMSG bob :to both")
    h.send(laptop, "PRIVMSG carol :from the laptop")
    assert stored_rows(h) == 4  # carol's copy and bob's of each, not one per device
    for device in (phone, laptop):
        assert texts(history(h, device, "CHATHISTORY LATEST carol * 50")) == [
            "to both", "from the laptop"
        ]
    h.send(laptop, f"MARKREAD carol timestamp={STAMP}")
    assert h.send(phone, "MARKREAD carol")[0].params == ("carol", f"timestamp={STAMP}")
