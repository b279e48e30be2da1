"""JOIN, PART, TOPIC, NAMES, LIST, KICK and MODE against the state, with fake clients."""

from __future__ import annotations

from ircproto.message import Message
from tests.server.fakes import Harness, commands, find

A = "alice!alice@127.0.0.1"
B = "bob!bob@127.0.0.1"


def setup_pair(**config):
    h = Harness(**config)
    alice, bob = h.connect("alice"), h.connect("bob")
    h.take(alice, bob)
    return h, alice, bob


def test_join_creates_channel_with_first_member_as_op():
    h, alice, bob = setup_pair()
    replies = h.send(alice, "JOIN #Dev")
    assert replies[0] == Message("JOIN", ("#Dev",), A)
    assert find(replies, "353").params == ("alice", "=", "#Dev", "@alice")
    h.send(bob, "JOIN #dev")
    assert h.peek(alice) == [Message("JOIN", ("#Dev",), B)]
    assert h.state.find_channel("#DEV").members == {alice: "o", bob: ""}


def test_join_sends_topic_when_set():
    h, alice, bob = setup_pair()
    h.send(alice, "JOIN #t", "TOPIC #t :the topic")
    replies = h.send(bob, "JOIN #t")
    assert find(replies, "332").params == ("bob", "#t", "the topic")
    assert find(replies, "333").params[:3] == ("bob", "#t", A)


def test_join_invalid_name_gets_error_and_others_still_join():
    h, alice, _ = setup_pair()
    replies = h.send(alice, "JOIN #ok,nochan,#bad\x07x")
    assert commands(replies)[:3] == ["JOIN", "353", "366"]
    assert find(replies, "403").params[1] == "nochan"
    assert find(replies, "476").params[1] == "#bad\x07x"


def test_join_zero_parts_every_channel():
    h, alice, bob = setup_pair()
    h.send(alice, "JOIN #a")
    replies = h.send(alice, "JOIN 0")
    assert sorted(m.params[0] for m in replies if m.command == "PART") == ["#a", "#lobby"]
    assert alice.channels == {} and h.state.find_channel("#a") is None
    assert h.peek(bob) == [Message("PART", ("#lobby",), A)]


def test_part_with_reason_and_errors():
    h, alice, bob = setup_pair()
    assert h.send(alice, "PART #lobby :bye now") == [Message("PART", ("#lobby", "bye now"), A)]
    assert h.peek(bob) == [Message("PART", ("#lobby", "bye now"), A)]
    assert commands(h.send(alice, "PART #lobby")) == ["442"]
    assert commands(h.send(alice, "PART #nowhere")) == ["403"]


def test_topic_query_set_and_plus_t_enforced():
    h, alice, bob = setup_pair()
    assert commands(h.send(bob, "TOPIC #lobby")) == ["331"]
    assert commands(h.send(bob, "TOPIC #lobby :mine")) == ["482"]
    change = Message("TOPIC", ("#lobby", "Welcome"), A)
    assert h.send(alice, "TOPIC #lobby :Welcome") == [change]
    assert h.peek(bob) == [change]
    assert commands(h.send(bob, "TOPIC #lobby")) == ["332", "333"]
    h.send(alice, "MODE #lobby -t")
    h.take(bob)
    assert h.send(bob, "TOPIC #lobby :open") == [Message("TOPIC", ("#lobby", "open"), B)]


def test_topic_not_on_channel_gets_442():
    h, alice, bob = setup_pair()
    h.send(alice, "JOIN #x")
    assert commands(h.send(bob, "TOPIC #x :hi")) == ["442"]
    assert commands(h.send(bob, "TOPIC #nope")) == ["403"]


def test_names_lists_prefixes_and_secret_symbol():
    h, alice, bob = setup_pair()
    h.send(alice, "MODE #lobby +v bob")
    h.take(bob)
    assert h.send(bob, "NAMES #lobby") == [
        Message("353", ("bob", "=", "#lobby", "@alice +bob"), "localchat"),
        Message("366", ("bob", "#lobby", "End of /NAMES list"), "localchat"),
    ]
    h.send(alice, "MODE #lobby +s")
    h.take(bob)
    assert find(h.send(bob, "NAMES #lobby"), "353").params[1] == "@"


def test_names_without_args_lists_visible_channels_and_hides_secret_ones():
    h, alice, bob = setup_pair()
    h.send(alice, "JOIN #hidden", "MODE #hidden +s", "JOIN #open")
    replies = h.send(bob, "NAMES")
    assert sorted(m.params[2] for m in replies if m.command == "353") == ["#lobby", "#open"]
    assert commands(h.send(bob, "NAMES #hidden")) == ["366"]


def test_names_splits_long_lists_within_line_limit():
    h = Harness()
    clients = [h.connect(f"user{i:02d}_with_long_nick") for i in range(40)]
    replies = h.send(clients[0], "NAMES #lobby")
    lines = [m for m in replies if m.command == "353"]
    assert len(lines) > 1
    assert all(len(m.encode()) <= 512 for m in lines)
    assert sum(len(m.params[-1].split()) for m in lines) == 40


def test_list_shows_counts_and_topics_hiding_secret():
    h, alice, bob = setup_pair()
    h.send(alice, "TOPIC #lobby :hi there", "JOIN #sec", "MODE #sec +s")
    replies = h.send(bob, "LIST")
    assert commands(replies) == ["321", "322", "323"]
    assert replies[1].params == ("bob", "#lobby", "2", "hi there")
    assert [m.params[1] for m in h.send(alice, "LIST") if m.command == "322"] == ["#lobby", "#sec"]
    assert [m.params[1] for m in h.send(alice, "LIST #sec") if m.command == "322"] == ["#sec"]


def test_kick_by_op_removes_member():
    h, alice, bob = setup_pair()
    kick = Message("KICK", ("#lobby", "bob", "behave"), A)
    assert h.send(alice, "KICK #lobby bob :behave") == [kick]
    assert h.peek(bob) == [kick]
    assert bob not in h.state.find_channel("#lobby").members and "#lobby" not in bob.channels


def test_kick_errors():
    h, alice, bob = setup_pair()
    assert commands(h.send(bob, "KICK #lobby alice")) == ["482"]
    assert commands(h.send(alice, "KICK #lobby ghost")) == ["401"]
    h.send(bob, "PART #lobby")
    assert commands(h.send(alice, "KICK #lobby bob")) == ["441"]
    assert commands(h.send(bob, "KICK #lobby alice")) == ["442"]
    assert find(h.send(alice, "KICK #lobby alice"), "KICK").params == ("#lobby", "alice", "alice")


def test_mode_query_gives_324_and_329():
    h, _, bob = setup_pair()
    replies = h.send(bob, "MODE #lobby")
    assert replies[0] == Message("324", ("bob", "#lobby", "+nt"), "localchat")
    assert replies[1].command == "329"


def test_mode_ban_list_query_gets_its_empty_end_and_bans_are_set():
    h, alice, bob = setup_pair()
    assert h.send(bob, "MODE #lobby b") == [
        Message("368", ("bob", "#lobby", "End of channel ban list"), "localchat")
    ]
    assert h.send(alice, "MODE #lobby +b bob") == [Message("MODE", ("#lobby", "+b", "bob!*@*"), A)]


def test_mode_op_changes_are_broadcast_and_applied():
    h, alice, bob = setup_pair()
    change = Message("MODE", ("#lobby", "+ov-t", "bob", "bob"), A)
    assert h.send(alice, "MODE #lobby +ov-t bob bob") == [change]
    assert h.peek(bob) == [change]
    channel = h.state.find_channel("#lobby")
    assert channel.members[bob] == "ov" and "t" not in channel.modes
    assert h.send(alice, "MODE #lobby -t") == []  # nothing changed, nothing said


def test_mode_errors():
    h, alice, bob = setup_pair()
    assert commands(h.send(bob, "MODE #lobby +m")) == ["482"]
    assert commands(h.send(alice, "MODE #lobby +z")) == ["472"]
    assert commands(h.send(alice, "MODE #lobby +o ghost")) == ["401"]
    assert commands(h.send(alice, "MODE #lobby +o")) == ["461"]
    h.send(bob, "PART #lobby")
    assert commands(h.send(alice, "MODE #lobby +v bob")) == ["441"]
    assert commands(h.send(alice, "MODE #nowhere")) == ["403"]


def test_mode_user_query_set_and_others():
    h, alice, _bob = setup_pair()
    assert h.send(alice, "MODE alice") == [Message("221", ("alice", "+"), "localchat")]
    assert h.send(alice, "MODE alice +i") == [Message("MODE", ("alice", "+i"), A)]
    assert h.send(alice, "MODE alice") == [Message("221", ("alice", "+i"), "localchat")]
    assert commands(h.send(alice, "MODE alice +z")) == ["501"]
    assert commands(h.send(alice, "MODE bob +i")) == ["502"]
    assert commands(h.send(alice, "MODE ghost")) == ["401"]
