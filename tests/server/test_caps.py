"""IRCv3 capabilities against the state with fake clients: negotiation, tags, echo, labels, batches,
away-notify, multi-prefix, userhost-in-names, setname and TAGMSG."""

from __future__ import annotations

from ircproto.message import Message
from server import delivery
from server.commands.capabilities import CAPABILITIES, cap_lines
from server.state import Client
from tests.server.fakes import Harness, commands, find

A = "alice!alice@127.0.0.1"


def joined(h: Harness, nick: str, *caps: str) -> Client:
    """A registered client in #lobby with caps enabled (negotiated before registration)."""
    client = h.connect()
    lines = [f"CAP REQ :{' '.join(caps)}"] if caps else []
    replies = h.send(client, "CAP LS 302", *lines, f"NICK {nick}", f"USER {nick} 0 * :R", "CAP END")
    assert client.registered, replies
    h.drain()
    return client


def test_caps_ls_302_lists_every_capability_and_implies_cap_notify():
    h = Harness()
    alice = h.connect()
    reply = h.send(alice, "CAP LS 302")
    assert all(line.params[2] == "*" for line in reply[:-1])  # more lines follow
    assert len(reply[-1].params) == 3 and all(len(line.format()) <= 512 for line in reply)
    listed = dict(item.partition("=")[::2] for line in reply for item in line.params[-1].split())
    assert set(listed) == set(CAPABILITIES)
    assert listed["sasl"] == "PLAIN,SCRAM-SHA-256"
    assert listed["draft/account-registration"] == "before-connect"
    assert alice.caps == {"cap-notify"}


def test_caps_ls_without_version_does_not_enable_cap_notify():
    h = Harness()
    alice = h.connect()
    h.send(alice, "CAP LS")
    assert alice.caps == set() and alice.cap_version == 0


def test_caps_ls_splits_long_lists_with_a_star():
    lines = cap_lines("*", "LS", [f"cap-{i:03d}" for i in range(100)], limit=100)
    assert len(lines) > 1
    assert all(line[2] == "*" for line in lines[:-1]) and lines[-1][2] != "*"
    listed = [cap for line in lines for cap in line[-1].split()]
    assert listed == [f"cap-{i:03d}" for i in range(100)]
    assert all(len(line[-1]) <= 100 for line in lines)


def test_caps_req_is_all_or_nothing():
    h = Harness()
    alice = h.connect()
    reply = h.send(alice, "CAP REQ :multi-prefix example.org/none")
    assert reply == [Message("CAP", ("*", "NAK", "multi-prefix example.org/none"), "localchat")]
    assert alice.caps == set()
    reply = h.send(alice, "CAP REQ :multi-prefix server-time")
    assert reply == [Message("CAP", ("*", "ACK", "multi-prefix server-time"), "localchat")]
    assert alice.caps == {"multi-prefix", "server-time"}


def test_caps_minus_removes_and_list_shows_what_is_enabled():
    h = Harness()
    alice = h.connect()
    h.send(alice, "CAP REQ :multi-prefix server-time message-tags")
    assert alice.tag_mask == delivery.SERVER_TIME | delivery.MESSAGE_TAGS
    assert h.send(alice, "CAP REQ :-server-time")[0].params[1] == "ACK"
    assert alice.tag_mask == delivery.MESSAGE_TAGS
    listed = h.send(alice, "CAP LIST")[0]
    assert listed.params[1] == "LIST"
    assert listed.params[-1].split() == ["message-tags", "multi-prefix"]


def test_caps_req_before_registration_waits_for_cap_end():
    h = Harness()
    alice = h.connect()
    replies = h.send(alice, "CAP REQ :batch", "NICK alice", "USER a 0 * :A")
    assert commands(replies) == ["CAP"] and not alice.registered
    assert commands(h.send(alice, "CAP END"))[0] == "001"


def test_caps_empty_req_and_bad_subcommand_are_refused():
    h = Harness()
    alice = h.connect()
    assert h.send(alice, "CAP REQ :")[0].params[1] == "NAK"
    assert commands(h.send(alice, "CAP FOO")) == ["410"]


def test_caps_tags_reach_only_clients_that_asked_for_them():
    h = Harness()
    alice = joined(h, "alice")
    bob = joined(h, "bob", "server-time", "message-tags")
    carol = joined(h, "carol", "server-time")
    h.drain()
    h.send(alice, "@+draft/reply=abc PRIVMSG #lobby :hello")
    to_bob, to_carol = h.peek(bob), h.peek(carol)
    assert set(to_bob[0].tags) == {"time", "msgid", "+draft/reply"}
    assert to_bob[0].tags["time"].endswith("Z") and len(to_bob[0].tags["time"]) == 24
    assert set(to_carol[0].tags) == {"time"}
    assert to_carol[0].tags["time"] == to_bob[0].tags["time"]


def test_caps_plain_clients_get_no_tags():
    h = Harness()
    alice, bob = joined(h, "alice", "message-tags"), joined(h, "bob")
    h.drain()
    h.send(alice, "@+x=1 PRIVMSG #lobby :hi")
    assert h.peek(bob) == [Message("PRIVMSG", ("#lobby", "hi"), A)]


def test_caps_echo_message_returns_the_same_msgid_and_time():
    h = Harness()
    alice = joined(h, "alice", "echo-message", "message-tags", "server-time")
    bob = joined(h, "bob", "message-tags", "server-time")
    h.drain()
    echo = h.send(alice, "PRIVMSG #lobby :mine")
    relayed = h.peek(bob)
    assert echo == relayed
    assert echo[0].source == A and echo[0].tags["msgid"]


def test_caps_echo_message_for_private_messages():
    h = Harness()
    alice = joined(h, "alice", "echo-message", "message-tags")
    bob = joined(h, "bob", "message-tags")
    h.drain()
    echo = h.send(alice, "PRIVMSG bob :psst")
    assert echo == h.peek(bob)
    assert echo[0].params == ("bob", "psst")


def test_caps_msgids_are_unique():
    h = Harness()
    alice = joined(h, "alice")
    bob = joined(h, "bob", "message-tags")
    h.drain()
    h.send(alice, "PRIVMSG #lobby :one", "PRIVMSG #lobby :two", "NOTICE bob :three")
    ids = [m.tags["msgid"] for m in h.peek(bob)]
    assert len(ids) == 3 and len(set(ids)) == 3


def test_caps_tagmsg_typing_reaches_only_message_tags_clients():
    h = Harness()
    alice = joined(h, "alice", "message-tags")
    bob = joined(h, "bob", "message-tags")
    carol = joined(h, "carol")
    h.drain()
    assert h.send(alice, "@+typing=active TAGMSG #lobby") == []  # no echo without echo-message
    got = h.peek(bob)
    assert [(m.command, m.params, m.tags["+typing"]) for m in got] == [
        ("TAGMSG", ("#lobby",), "active")
    ]
    assert h.peek(carol) == []
    h.send(alice, "@+typing=paused TAGMSG bob")
    assert h.peek(bob)[0].tags["+typing"] == "paused"


def test_caps_tagmsg_is_not_stored_in_history():
    h = Harness()
    alice = joined(h, "alice", "message-tags", "batch")
    h.send(alice, "@+typing=active TAGMSG #lobby")
    replies = h.send(alice, "CHATHISTORY LATEST #lobby * 10")
    assert commands(replies) == ["BATCH", "BATCH"]


def test_caps_client_tags_over_4094_bytes_get_417():
    h = Harness()
    alice = joined(h, "alice", "message-tags")
    bob = joined(h, "bob", "message-tags")
    h.drain()
    assert commands(h.send(alice, f"@+big={'x' * 4100} PRIVMSG #lobby :hi")) == ["417"]
    assert h.peek(bob) == []
    h.send(alice, f"@+big={'x' * 4000} PRIVMSG #lobby :hi")
    assert len(h.peek(bob)[0].tags["+big"]) == 4000


def test_caps_labeled_response_single_reply_carries_the_label():
    h = Harness()
    alice = joined(h, "alice", "labeled-response", "batch", "echo-message")
    reply = h.send(alice, "@label=L1 PRIVMSG #lobby :hi")
    assert len(reply) == 1 and reply[0].command == "PRIVMSG" and reply[0].tags["label"] == "L1"


def test_caps_labeled_response_no_reply_is_acked():
    h = Harness()
    alice = joined(h, "alice", "labeled-response", "batch")
    assert h.send(alice, "@label=L2 PRIVMSG #lobby :hi") == [
        Message("ACK", (), "localchat", {"label": "L2"})
    ]


def test_caps_labeled_response_many_lines_come_in_one_batch():
    h = Harness()
    alice = joined(h, "alice", "labeled-response", "batch")
    reply = h.send(alice, "@label=L3 NAMES #lobby")
    start, end = reply[0], reply[-1]
    assert start.command == "BATCH" and start.params[1] == "labeled-response"
    assert start.tags == {"label": "L3"}
    ref = start.params[0][1:]
    assert end == Message("BATCH", (f"-{ref}",), "localchat")
    assert commands(reply[1:-1]) == ["353", "366"]
    assert all(m.tags == {"batch": ref} for m in reply[1:-1])


def test_caps_labels_are_ignored_without_labeled_response():
    h = Harness()
    alice = joined(h, "alice", "batch")
    assert h.send(alice, "@label=L4 PRIVMSG #lobby :hi") == []


def test_caps_labeled_error_reply_carries_the_label():
    h = Harness()
    alice = joined(h, "alice", "labeled-response")
    reply = h.send(alice, "@label=L5 PRIVMSG #nowhere :hi")
    assert commands(reply) == ["403"] and reply[0].tags["label"] == "L5"


def test_caps_labeled_chathistory_nests_its_batch_in_the_label_batch():
    h = Harness()
    alice = joined(h, "alice", "labeled-response", "batch")
    h.send(alice, "PRIVMSG #lobby :one")
    reply = h.send(alice, "@label=L6 CHATHISTORY LATEST #lobby * 5")
    assert commands(reply) == ["BATCH", "BATCH", "PRIVMSG", "BATCH", "BATCH"]
    outer, inner = reply[0].params[0][1:], reply[1].params[0][1:]
    assert reply[0].tags["label"] == "L6" and reply[1].tags["batch"] == outer
    assert reply[2].tags["batch"] == inner and reply[3].tags["batch"] == outer
    assert reply[4].params == (f"-{outer}",)


def test_caps_away_notify_tells_channel_peers_that_asked():
    h = Harness()
    alice = joined(h, "alice")
    bob = joined(h, "bob", "away-notify")
    carol = joined(h, "carol")
    h.drain()
    h.send(alice, "AWAY :lunch")
    assert h.peek(bob) == [Message("AWAY", ("lunch",), A)]
    assert h.peek(carol) == []
    h.send(alice, "AWAY")
    assert h.peek(bob) == [Message("AWAY", (), A)]


def test_caps_away_notify_tells_a_channel_who_joins_away():
    h = Harness()
    alice, bob, carol = joined(h, "alice"), joined(h, "bob", "away-notify"), joined(h, "carol")
    h.send(bob, "JOIN #room")
    h.send(carol, "JOIN #room")
    h.send(alice, "AWAY :lunch")
    h.drain()
    h.send(alice, "JOIN #room")
    assert h.peek(bob)[1:] == [Message("AWAY", ("lunch",), A)]
    assert [m.command for m in h.peek(carol)] == ["JOIN"]


def test_caps_multi_prefix_shows_every_prefix_in_names_and_who():
    h = Harness()
    alice = joined(h, "alice", "multi-prefix")
    bob = joined(h, "bob")
    h.send(alice, "MODE #lobby +v alice")
    h.drain()
    assert find(h.send(alice, "NAMES #lobby"), "353").params[-1].split()[0] == "@+alice"
    assert find(h.send(bob, "NAMES #lobby"), "353").params[-1].split()[0] == "@alice"
    who = [m for m in h.send(alice, "WHO #lobby") if m.command == "352"]
    assert who[0].params[6] == "H@+"


def test_caps_userhost_in_names_sends_full_masks():
    h = Harness()
    alice = joined(h, "alice", "userhost-in-names")
    assert find(h.send(alice, "NAMES #lobby"), "353").params[-1] == "@" + A


def test_caps_setname_changes_realname_and_tells_those_who_asked():
    h = Harness()
    alice = joined(h, "alice", "setname")
    bob = joined(h, "bob", "setname")
    carol = joined(h, "carol")
    h.drain()
    assert h.send(alice, "SETNAME :Alice Liddell") == [Message("SETNAME", ("Alice Liddell",), A)]
    assert h.peek(bob) == [Message("SETNAME", ("Alice Liddell",), A)]
    assert h.peek(carol) == [] and alice.realname == "Alice Liddell"
    fail = h.send(alice, "SETNAME :" + "x" * 300)
    assert fail[0].command == "FAIL" and fail[0].params[:2] == ("SETNAME", "INVALID_REALNAME")
    assert alice.realname == "Alice Liddell"


def test_caps_broadcast_is_encoded_once_per_variant(monkeypatch):
    h = Harness()
    plain = [joined(h, f"p{i}") for i in range(5)]
    tagged = [joined(h, f"t{i}", "server-time", "message-tags") for i in range(5)]
    h.drain()
    calls = []
    real = delivery.encode_for
    monkeypatch.setattr(delivery, "encode_for", lambda m, mask: calls.append(mask) or real(m, mask))
    h.send(plain[0], "PRIVMSG #lobby :to all")
    assert sorted(calls) == [0, delivery.SERVER_TIME | delivery.MESSAGE_TAGS]
    assert all(len(h.peek(c)) == 1 for c in plain[1:] + tagged)


def test_caps_loopback_labeled_echo_and_server_time(connect):
    from tests.server.test_persistence import negotiate

    alice = negotiate(connect(), "alice", "labeled-response batch echo-message server-time "
                                          "message-tags")
    bob = connect("bob")
    alice.expect(command="JOIN", params=["#lobby"], source="bob!bob@127.0.0.1")
    alice.send("@label=abc;+draft/react=x PRIVMSG #lobby :over the wire")
    echo = alice.expect(command="PRIVMSG")
    relayed = bob.expect(command="PRIVMSG", params=["#lobby", "over the wire"])
    assert echo.tags["label"] == "abc" and echo.tags["+draft/react"] == "x"
    assert echo.tags["time"].endswith("Z") and echo.tags["msgid"]
    assert relayed.tags == {}  # bob negotiated nothing
    alice.send("@label=def PING :x")
    pong = alice.expect(command="PONG")
    assert pong.tags == {"label": "def"}
