"""A real server on 127.0.0.1 port 0 with raw sockets: the everyday conversations."""

from __future__ import annotations

from tests.server.ircclient import RawClient


def test_loopback_registration_welcome_and_autojoin(server):
    with RawClient(server.server_address) as alice:
        caps = alice.list_caps()
        assert "message-tags" in caps and "draft/chathistory" in caps
        alice.send("NICK alice")
        alice.send("USER al 0 * :Alice L")
        alice.send("CAP END")
        welcome = alice.expect(command="001", skip=False)
        assert welcome.params[-1].endswith("alice!al@127.0.0.1")
        for numeric in ("002", "003", "004", "005", "375"):
            alice.expect(command=numeric)
        assert alice.expect(command="372").params[1] == "- Welcome to the chat!"
        alice.expect(command="376")
        alice.expect(command="JOIN", params=["#lobby"], source="alice!al@127.0.0.1", skip=False)
        alice.expect(command="353", params=["alice", "=", "#lobby", "@alice"], skip=False)
        alice.expect(command="366", skip=False)


def test_loopback_two_clients_chat_in_default_channel(connect):
    alice = connect("alice")
    bob = connect("bob")
    alice.expect(command="JOIN", source="bob!bob@127.0.0.1", params=["#lobby"])
    bob.send("PRIVMSG #lobby :hello alice")
    message = alice.expect(command="PRIVMSG")
    assert message.format() == ":bob!bob@127.0.0.1 PRIVMSG #lobby :hello alice"
    alice.send("PRIVMSG #lobby :hi bob, ünïcödé ok")
    assert bob.expect(command="PRIVMSG").params == ("#lobby", "hi bob, ünïcödé ok")


def test_loopback_private_message(connect):
    alice, bob = connect("alice"), connect("bob")
    alice.send("PRIVMSG bob :just for you")
    relayed = bob.expect(command="PRIVMSG").format()
    assert relayed == ":alice!alice@127.0.0.1 PRIVMSG bob :just for you"
    alice.send("PRIVMSG nobody :hello?")
    assert alice.expect(command="401").params[1] == "nobody"


def test_loopback_names_lists_users(connect):
    connect("alice")
    bob = connect("bob")
    bob.send("NAMES #lobby")
    assert bob.expect(command="353").params == ("bob", "=", "#lobby", "@alice bob")
    bob.expect(command="366", params=["bob", "#lobby"])


def test_loopback_nick_collision_then_retry(connect):
    connect("alice")
    second = connect()
    second.send("NICK ALICE")
    second.send("USER x 0 * :X")
    assert second.expect(command="433").params[:2] == ("*", "ALICE")
    second.send("NICK alice2")
    assert second.expect(command="001").params[0] == "alice2"


def test_loopback_nick_change_is_broadcast(connect):
    alice, bob = connect("alice"), connect("bob")
    alice.send("NICK alicia")
    change = ":alice!alice@127.0.0.1 NICK alicia"
    assert alice.expect(command="NICK").format() == change
    assert bob.expect(command="NICK").format() == change


def test_loopback_join_part_topic_mode_kick(connect):
    alice, bob = connect("alice"), connect("bob")
    alice.send("JOIN #dev")
    alice.expect(command="366", params=["alice", "#dev"])
    alice.send("TOPIC #dev :Release on Friday")
    alice.expect(command="TOPIC")
    bob.send("JOIN #dev")
    assert bob.expect(command="332").params == ("bob", "#dev", "Release on Friday")
    bob.expect(command="353", params=["bob", "=", "#dev", "@alice bob"])
    alice.expect(command="JOIN", source="bob!bob@127.0.0.1")
    bob.send("TOPIC #dev :mine now")
    bob.expect(command="482")
    alice.send("MODE #dev +v bob")
    assert bob.expect(command="MODE").params == ("#dev", "+v", "bob")
    bob.send("MODE #dev")
    assert bob.expect(command="324").params == ("bob", "#dev", "+nt")
    alice.send("KICK #dev bob :out")
    assert bob.expect(command="KICK").params == ("#dev", "bob", "out")
    bob.send("PART #dev")
    bob.expect(command="442")
    alice.send("PART #dev :done")
    alice.expect(command="PART", params=["#dev", "done"])
    alice.send("LIST")
    channels = [m.params[1] for m in alice.collect_until("323") if m.command == "322"]
    assert channels == ["#lobby"]


def test_loopback_who_whois_away(connect):
    alice, bob = connect("alice"), connect("bob")
    bob.send("AWAY :brb")
    bob.expect(command="306")
    alice.send("WHO #lobby")
    replies = [m for m in alice.collect_until("315") if m.command == "352"]
    assert [(m.params[5], m.params[6]) for m in replies] == [("alice", "H@"), ("bob", "G")]
    alice.send("WHOIS bob")
    whois = alice.collect_until("318")
    assert [m.command for m in whois] == ["311", "319", "312", "301", "317", "318"]
    alice.send("PRIVMSG bob :hello?")
    assert alice.expect(command="301").params == ("alice", "bob", "brb")
    alice.send("WHOIS ghost")
    alice.expect(command="401")
    alice.expect(command="318")


def test_loopback_ping_pong_and_unknown_command(connect):
    alice = connect("alice")
    alice.send("PING :token 1")
    assert alice.expect(command="PONG").params == ("localchat", "token 1")
    alice.send("FROBNICATE")
    assert alice.expect(command="421").params[1] == "FROBNICATE"


def test_loopback_bad_lines_get_replies_and_connection_survives(connect):
    alice, bob = connect("alice"), connect("bob")
    alice.send_raw(b"PRIVMSG #lobby :caf\xe9\r\n")
    assert alice.expect(command="FAIL").params[:2] == ("PRIVMSG", "INVALID_UTF8")
    alice.send_raw(b"PRIVMSG #lobby :" + b"x" * 1000 + b"\r\n")
    alice.expect(command="417")
    alice.send_raw(b":onlysource\r\n")
    alice.expect(command="400")
    alice.send_raw(b"\x00\x01garbage\r\n")
    alice.expect(command="400")
    alice.send("PRIVMSG #lobby :still here")
    assert bob.expect(command="PRIVMSG").params[1] == "still here"


def test_loopback_quit_is_relayed_and_nick_freed(connect):
    alice, bob = connect("alice"), connect("bob")
    alice.send("QUIT :see you")
    assert alice.expect_closed()[-1].format() == "ERROR :Closing link"
    assert bob.expect(command="QUIT").format() == ":alice!alice@127.0.0.1 QUIT :Quit: see you"
    again = connect("alice")
    again.send("WHOIS alice")
    again.expect(command="311")
