"""CHATHISTORY (every subcommand, paging, limits, refusals) and MARKREAD, with fake clients
logged in to accounts (what guests get: test_private_history)."""

from __future__ import annotations

from ircproto.message import Message
from ircproto.servertime import format_server_time_ms
from server.commands.isupport import CHATHISTORY_MAX
from server.state import Client
from tests.server.fakes import Harness, commands
from tests.server.test_caps import joined

CAPS = ("batch", "server-time", "message-tags")


class StepClock:
    """A wall clock for the history store that moves 1 s each time it is read."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def setup(count: int = 0) -> tuple[Harness, Client, Client]:
    """alice and bob, logged in to their accounts, in #lobby with the history caps; alice said
    "m0".."m<count-1>"."""
    h = Harness()
    h.state.history.clock = StepClock()
    alice, bob = h.log_in("alice", *CAPS), h.log_in("bob", *CAPS)
    for i in range(count):
        h.send(alice, f"PRIVMSG #lobby :m{i}")
    h.drain()
    return h, alice, bob


def history(h: Harness, client: Client, line: str) -> list[Message]:
    """The messages of the chathistory batch answering line (checking the batch framing)."""
    reply = h.send(client, line)
    start, end = reply[0], reply[-1]
    assert start.command == "BATCH" and start.params[1] == "chathistory", reply
    ref = start.params[0][1:]
    assert end.command == "BATCH" and end.params == (f"-{ref}",)
    assert all(m.tags["batch"] == ref for m in reply[1:-1])
    return reply[1:-1]


def texts(messages: list[Message]) -> list[str]:
    return [m.params[-1] for m in messages]


def fail_code(reply: list[Message]) -> tuple[str, ...]:
    assert reply and reply[0].command == "FAIL", reply
    return reply[0].params[:2]


def test_chathistory_latest_returns_the_newest_oldest_first_with_original_tags():
    h, alice, bob = setup()
    h.send(alice, "PRIVMSG #lobby :m0", "PRIVMSG #lobby :m1", "PRIVMSG #lobby :m2")
    relayed = h.peek(bob)
    found = history(h, bob, "CHATHISTORY LATEST #lobby * 2")
    assert texts(found) == ["m1", "m2"]
    for old, new in zip(relayed[1:], found):
        assert old.tags["msgid"] == new.tags["msgid"] and old.tags["time"] == new.tags["time"]
        assert old.source == new.source and old.params == new.params


def test_chathistory_before_pages_back_from_the_edge_of_the_previous_page():
    h, _alice, bob = setup(10)
    page = history(h, bob, "CHATHISTORY LATEST #lobby * 4")
    seen = texts(page)
    for _ in range(5):  # bounded: 10 messages in pages of 4
        page = history(h, bob, f"CHATHISTORY BEFORE #lobby msgid={page[0].tags['msgid']} 4")
        if not page:
            break
        seen = texts(page) + seen
    assert seen == [f"m{i}" for i in range(10)]


def test_chathistory_after_pages_forward_from_a_timestamp():
    h, _alice, bob = setup(7)
    first = history(h, bob, "CHATHISTORY LATEST #lobby * 7")[0]
    before_first = format_server_time_ms(int(h.state.history.clock.now * 1000) - 100_000)
    page = history(h, bob, f"CHATHISTORY AFTER #lobby timestamp={before_first} 3")
    seen = texts(page)
    assert page[0].tags["msgid"] == first.tags["msgid"]
    for _ in range(5):
        page = history(h, bob, f"CHATHISTORY AFTER #lobby msgid={page[-1].tags['msgid']} 3")
        if not page:
            break
        seen += texts(page)
    assert seen == [f"m{i}" for i in range(7)]


def test_chathistory_after_timestamp_excludes_that_moment():
    h, _alice, bob = setup(3)
    middle = history(h, bob, "CHATHISTORY LATEST #lobby * 3")[1]
    after = history(h, bob, f"CHATHISTORY AFTER #lobby timestamp={middle.tags['time']} 10")
    before = history(h, bob, f"CHATHISTORY BEFORE #lobby timestamp={middle.tags['time']} 10")
    assert texts(after) == ["m2"] and texts(before) == ["m0"]


def test_chathistory_around_centres_on_the_reference():
    h, _alice, bob = setup(9)
    middle = history(h, bob, "CHATHISTORY LATEST #lobby * 9")[4]
    found = history(h, bob, f"CHATHISTORY AROUND #lobby msgid={middle.tags['msgid']} 4")
    assert texts(found) == ["m2", "m3", "m4", "m5"]


def test_chathistory_between_works_in_both_directions():
    h, _alice, bob = setup(8)
    every = history(h, bob, "CHATHISTORY LATEST #lobby * 8")
    low, high = every[1].tags["msgid"], every[6].tags["msgid"]
    forward = history(h, bob, f"CHATHISTORY BETWEEN #lobby msgid={low} msgid={high} 3")
    backward = history(h, bob, f"CHATHISTORY BETWEEN #lobby msgid={high} msgid={low} 3")
    assert texts(forward) == ["m2", "m3", "m4"]
    assert texts(backward) == ["m3", "m4", "m5"]
    everything = history(h, bob, f"CHATHISTORY BETWEEN #lobby msgid={low} msgid={high} 100")
    assert texts(everything) == ["m2", "m3", "m4", "m5"]


def test_chathistory_latest_after_a_reference_gives_only_newer_messages():
    h, _alice, bob = setup(6)
    third = history(h, bob, "CHATHISTORY LATEST #lobby * 6")[2]
    found = history(h, bob, f"CHATHISTORY LATEST #lobby msgid={third.tags['msgid']} 2")
    assert texts(found) == ["m4", "m5"]


def test_chathistory_limit_is_clamped_to_the_advertised_maximum():
    h, _alice, bob = setup(CHATHISTORY_MAX + 5)
    found = history(h, bob, "CHATHISTORY LATEST #lobby * 1000")
    assert len(found) == CHATHISTORY_MAX
    assert texts(found)[-1] == f"m{CHATHISTORY_MAX + 4}"


def test_chathistory_isupport_advertises_max_and_reference_types():
    h = Harness()
    alice = h.connect()
    replies = h.send(alice, "NICK alice", "USER a 0 * :A")
    tokens = [p for m in replies if m.command == "005" for p in m.params[1:-1]]
    assert f"CHATHISTORY={CHATHISTORY_MAX}" in tokens and "MSGREFTYPES=msgid,timestamp" in tokens


def test_chathistory_refuses_channels_the_client_is_not_in():
    h, alice, bob = setup()
    h.send(alice, "JOIN #secret", "PRIVMSG #secret :hidden")
    h.drain()
    assert fail_code(h.send(bob, "CHATHISTORY LATEST #secret * 10")) == (
        "CHATHISTORY", "INVALID_TARGET"
    )
    assert fail_code(h.send(bob, "CHATHISTORY LATEST #nowhere * 10"))[1] == "INVALID_TARGET"
    assert fail_code(h.send(bob, "CHATHISTORY LATEST bad,nick * 10"))[1] == "INVALID_TARGET"


def test_chathistory_private_messages_only_for_the_two_people():
    h, alice, bob = setup()
    eve = h.log_in("eve", *CAPS)
    h.send(alice, "PRIVMSG bob :secret plan")
    h.send(bob, "PRIVMSG alice :agreed")
    h.drain()
    assert texts(history(h, alice, "CHATHISTORY LATEST bob * 10")) == ["secret plan", "agreed"]
    assert texts(history(h, bob, "CHATHISTORY LATEST ALICE * 10")) == ["secret plan", "agreed"]
    assert history(h, eve, "CHATHISTORY LATEST alice * 10") == []
    assert history(h, eve, "CHATHISTORY LATEST bob * 10") == []
    found = history(h, alice, "CHATHISTORY LATEST bob * 10")
    msgid = found[0].tags["msgid"]
    assert fail_code(h.send(eve, f"CHATHISTORY AROUND bob msgid={msgid} 10"))[1] == "MESSAGE_ERROR"


def test_chathistory_bad_requests_get_standard_replies():
    h, _alice, bob = setup(1)
    cases = {
        "CHATHISTORY FROB #lobby * 10": "UNKNOWN_COMMAND",
        "CHATHISTORY LATEST #lobby *": "NEED_MORE_PARAMS",
        "CHATHISTORY LATEST #lobby * ten": "INVALID_PARAMS",
        "CHATHISTORY LATEST #lobby * 0": "INVALID_PARAMS",
        "CHATHISTORY BEFORE #lobby timestamp=yesterday 10": "INVALID_PARAMS",
        "CHATHISTORY BEFORE #lobby msgid=nope 10": "MESSAGE_ERROR",
        "CHATHISTORY BEFORE #lobby id=3 10": "INVALID_MSGREFTYPE",
        "CHATHISTORY BEFORE #lobby * 10": "INVALID_MSGREFTYPE",
        "CHATHISTORY TARGETS timestamp=x timestamp=y 10": "INVALID_PARAMS",
    }
    for line, code in cases.items():
        assert fail_code(h.send(bob, line)) == ("CHATHISTORY", code), line
    assert commands(h.send(bob, "CHATHISTORY")) == ["461"]


def test_chathistory_without_batch_sends_the_messages_plainly():
    h = Harness()
    alice, bob = joined(h, "alice"), joined(h, "bob")
    h.send(alice, "PRIVMSG #lobby :hello")
    assert h.send(bob, "CHATHISTORY LATEST #lobby * 5") == [
        Message("PRIVMSG", ("#lobby", "hello"), "alice!alice@127.0.0.1")
    ]


def test_chathistory_targets_lists_channels_and_conversations_in_a_time_window():
    h, alice, bob = setup()
    carol = h.log_in("carol", *CAPS)
    h.send(alice, "JOIN #other")
    h.send(bob, "JOIN #other", "PRIVMSG #other :x")
    h.send(carol, "PRIVMSG alice :hi alice", "JOIN #carols", "PRIVMSG #carols :mine")
    h.send(alice, "PRIVMSG #lobby :y")
    h.drain()
    reply = h.send(alice, "CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z "
                          "timestamp=2100-01-01T00:00:00.000Z 50")
    assert reply[0].params[1] == "draft/chathistory-targets"
    listed = [m.params[1] for m in reply[1:-1]]
    assert listed == ["#other", "carol", "#lobby"]  # by latest activity; not carol's #carols
    assert all(m.params[0] == "TARGETS" and m.params[2].endswith("Z") for m in reply[1:-1])
    early = h.send(alice, "CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z "
                          "timestamp=2001-01-01T00:00:00.000Z 50")
    assert commands(early) == ["BATCH", "BATCH"]


def test_markread_only_moves_forward_and_answers_the_marker():
    h, alice, bob = setup()
    h.send(alice, "CAP REQ draft/read-marker")
    assert h.send(alice, "MARKREAD #lobby") == [Message("MARKREAD", ("#lobby", "*"), "localchat")]
    later, earlier = "2026-11-24T10:00:00.000Z", "2026-11-24T09:00:00.000Z"
    assert h.send(alice, f"MARKREAD #lobby timestamp={later}")[0].params == (
        "#lobby", f"timestamp={later}"
    )
    kept = h.send(alice, f"MARKREAD #LOBBY timestamp={earlier}")[0]
    assert kept.params[1] == f"timestamp={later}"
    assert h.send(bob, "MARKREAD #lobby")[0].params[1] == "*"  # per account


def test_markread_is_sent_on_join_with_the_cap():
    h, alice, bob = setup()
    h.send(alice, "CAP REQ draft/read-marker", "MARKREAD #room timestamp=2026-11-24T10:00:00.000Z")
    reply = h.send(alice, "JOIN #room")
    assert commands(reply)[:2] == ["JOIN", "MARKREAD"] and commands(reply)[-1] == "366"
    assert reply[1].params == ("#room", "timestamp=2026-11-24T10:00:00.000Z")
    assert "MARKREAD" not in commands(h.send(bob, "JOIN #room"))  # bob has no read-marker cap


def test_markread_bad_input_gets_fail():
    h, alice, _bob = setup()
    assert fail_code(h.send(alice, "MARKREAD")) == ("MARKREAD", "NEED_MORE_PARAMS")
    assert fail_code(h.send(alice, "MARKREAD #lobby timestamp=soon"))[1] == "INVALID_PARAMS"
    assert fail_code(h.send(alice, "MARKREAD bad,target"))[1] == "INVALID_TARGET"
