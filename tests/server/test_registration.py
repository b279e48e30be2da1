"""Registration and upkeep handlers against the state, with fake clients (no sockets)."""

from __future__ import annotations

from ircproto.message import Message
from tests.server.fakes import Harness, commands, find


def test_registration_sends_welcome_burst_motd_and_autojoin():
    h = Harness()
    alice = h.connect()
    replies = h.send(alice, "NICK alice", "USER al 0 * :Alice Liddell")
    names = commands(replies)
    assert names[:5] == ["001", "002", "003", "004", "005"]
    assert replies[0] == Message(
        "001", ("alice", "Welcome to the LocalChat IRC network, alice!al@127.0.0.1"), "localchat"
    )
    assert names.index("375") < names.index("372") < names.index("376")
    assert find(replies, "372").params[1] == "- Welcome to the chat!"
    join = find(replies, "JOIN")
    assert join.source == "alice!al@127.0.0.1" and join.params == ("#lobby",)
    assert find(replies, "353").params == ("alice", "=", "#lobby", "@alice")
    assert names[-1] == "366" and names.index("376") < names.index("JOIN")


def test_registration_isupport_advertises_required_tokens():
    h = Harness()
    alice = h.connect()
    replies = h.send(alice, "USER al 0 * :A", "NICK alice")
    tokens = [p for m in replies if m.command == "005" for p in m.params[1:-1]]
    for token in ("NETWORK=LocalChat", "CASEMAPPING=rfc1459", "CHANTYPES=#&", "PREFIX=(ov)@+",
                  "NICKLEN=30", "CHANNELLEN=50", "TOPICLEN=390", "UTF8ONLY", "AWAYLEN=200",
                  "KICKLEN=255", "MODES=4", "MAXTARGETS=4"):
        assert token in tokens
    assert any(t.startswith("CHANMODES=") for t in tokens)
    assert all(len(m.params) <= 15 for m in replies)


def test_registration_waits_for_cap_end_after_cap_ls():
    h = Harness()
    alice = h.connect()
    replies = h.send(alice, "CAP LS 302", "NICK alice", "USER a 0 * :A")
    assert replies and all(reply.params[:2] == ("*", "LS") for reply in replies)
    assert "server-time" in " ".join(reply.params[-1] for reply in replies).split()
    assert not alice.registered
    assert commands(h.send(alice, "CAP END"))[0] == "001"


def test_registration_cap_req_of_unknown_cap_is_refused_with_nak():
    h = Harness()
    alice = h.connect()
    nak = Message("CAP", ("*", "NAK", "example.org/none"), "localchat")
    assert h.send(alice, "CAP REQ :example.org/none") == [nak]
    assert commands(h.send(alice, "CAP FOO")) == ["410"]


def test_registration_empty_motd_gives_422():
    h = Harness(motd=())
    alice = h.connect()
    replies = h.send(alice, "NICK alice", "USER a 0 * :A")
    assert "422" in commands(replies) and "375" not in commands(replies)


def test_registration_without_a_motd_still_joins_the_default_channel():
    h = Harness(motd=())
    alice = h.connect()
    replies = commands(h.send(alice, "NICK alice", "USER a 0 * :A"))
    assert replies.index("422") < replies.index("JOIN") < replies.index("366")


def test_registration_custom_motd_lines_are_sent():
    h = Harness(motd=("Hello", "second"))
    replies = h.send(h.connect(), "NICK alice", "USER a 0 * :A")
    assert [m.params[1] for m in replies if m.command == "372"] == ["- Hello", "- second"]


def test_registration_no_default_channel_when_disabled():
    h = Harness(channel="")
    replies = h.send(h.connect(), "NICK alice", "USER a 0 * :A")
    assert "JOIN" not in commands(replies) and h.state.channels == {}


def test_nick_invalid_gets_432():
    h = Harness()
    alice = h.connect()
    reply = h.send(alice, "NICK 9lives")[0]
    assert reply.command == "432" and reply.params[:2] == ("*", "9lives")
    assert commands(h.send(alice, "NICK")) == ["431"]


def test_nick_in_use_casefolded_gets_433_then_retry_works():
    h = Harness()
    h.connect("Alice[x]")
    bob = h.connect()
    reply = h.send(bob, "NICK alice{X}", "USER b 0 * :B")
    assert reply[0].command == "433" and reply[0].params[1] == "alice{X}"
    assert not bob.registered
    assert commands(h.send(bob, "NICK bob"))[0] == "001"
    assert bob.nick == "bob"


def test_nick_change_is_broadcast_to_self_and_channel_peers_once():
    h = Harness()
    alice, bob, carol = h.connect("alice"), h.connect("bob"), h.connect("carol")
    h.send(alice, "JOIN #other")
    h.send(bob, "JOIN #other")
    h.take(alice, bob, carol)
    change = Message("NICK", ("alicia",), "alice!alice@127.0.0.1")
    assert h.send(alice, "NICK alicia") == [change]
    assert h.peek(bob) == [change]  # once, though they share two channels
    assert h.peek(carol) == [change]
    assert h.state.find_nick("alice") is None and h.state.find_nick("ALICIA") is alice


def test_nick_case_change_of_own_nick_is_allowed():
    h = Harness()
    alice = h.connect("alice")
    assert h.send(alice, "NICK Alice") == [Message("NICK", ("Alice",), "alice!alice@127.0.0.1")]


def test_user_twice_gets_462_and_bad_username_468():
    h = Harness()
    alice = h.connect("alice")
    assert commands(h.send(alice, "USER x 0 * :X")) == ["462"]
    bob = h.connect()
    assert commands(h.send(bob, "USER @@@ 0 * :X")) == ["468"]


def test_dispatch_unknown_command_gets_421():
    h = Harness()
    alice = h.connect("alice")
    unknown = Message("421", ("alice", "FROB", "Unknown command"), "localchat")
    assert h.send(alice, "FROB x") == [unknown]


def test_dispatch_command_before_registration_gets_451():
    h = Harness()
    alice = h.connect()
    not_yet = Message("451", ("*", "You have not registered"), "localchat")
    assert h.send(alice, "JOIN #x") == [not_yet]


def test_dispatch_missing_params_gets_461_once():
    h = Harness()
    alice = h.connect("alice")
    assert h.send(alice, "JOIN") == [
        Message("461", ("alice", "JOIN", "Not enough parameters"), "localchat")
    ]
    assert commands(h.send(alice, "USER x")) == ["461"]


def test_dispatch_handler_bug_closes_only_that_client_and_is_reported(monkeypatch):
    from server.commands import COMMANDS, Command

    def broken(ctx, message):
        raise RuntimeError("boom")

    h = Harness()
    alice, bob = h.connect("alice"), h.connect("bob")
    h.take(alice, bob)
    monkeypatch.setitem(COMMANDS, "AWAY", Command(broken))
    h.send(alice, "AWAY :lunch", "PRIVMSG #lobby :never sent")
    assert h.closed[alice] == ("Internal server error", "Internal server error")
    assert [str(e) for e in h.bugs] == ["boom"]
    assert h.peek(bob) == [Message("QUIT", ("Internal server error",), "alice!alice@127.0.0.1")]
    assert h.state.find_nick("alice") is None


def test_ping_gets_pong_with_token():
    h = Harness()
    alice = h.connect()
    pong = Message("PONG", ("localchat", "abc def"), "localchat")
    assert h.send(alice, "PING :abc def") == [pong]


def test_quit_relays_reason_and_frees_everything():
    h = Harness()
    alice, bob = h.connect("alice"), h.connect("bob")
    h.send(alice, "JOIN #solo")
    h.take(alice, bob)
    h.send(alice, "QUIT :gone home")
    assert h.closed[alice] == ("Quit: gone home", "Closing link")
    assert h.peek(bob) == [Message("QUIT", ("Quit: gone home",), "alice!alice@127.0.0.1")]
    assert h.state.find_channel("#solo") is None
    assert h.state.find_nick("alice") is None and alice not in h.state.clients
    assert list(h.state.find_channel("#lobby").members) == [bob]


def test_line_errors_get_clear_replies():
    from ircproto.framing import LineDecoder
    from server.commands import dispatch

    h = Harness()
    alice = h.connect("alice")
    latin1 = b"PRIVMSG #lobby :caf\xe9\r\n"
    items = LineDecoder().feed(latin1 + b"PRIVMSG #lobby :" + b"x" * 600 + b"\r\n")
    dispatch(h.state, alice, items).out.flush()
    fail, too_long = h.peek(alice)
    assert fail.command == "FAIL" and fail.params[:2] == ("PRIVMSG", "INVALID_UTF8")
    assert too_long.command == "417"


def test_lusers_and_motd_commands_answer():
    h = Harness()
    alice = h.connect("alice")
    assert commands(h.send(alice, "LUSERS")) == ["251", "254", "255", "265", "266"]
    assert commands(h.send(alice, "MOTD"))[0] == "375"


def test_reply_echoing_unsafe_input_stays_a_valid_line():
    h = Harness()
    alice = h.connect("alice")
    assert h.send(alice, "JOIN : ") == [
        Message("403", ("alice", "_", "Invalid channel name"), "localchat")
    ]
    reply = h.send(alice, "NICK :bad nick")[0]
    assert reply.command == "432" and reply.params[1] == "bad_nick"
    assert h.send(alice, "KICK #lobby ::a b")[0].params[:2] == ("alice", "a_b")
    assert h.bugs == []
