"""Several devices, one identity (server.devices), at the wire: two connections logged into one
account share its nick, its channels and its messages; QUIT only when the last one leaves."""

from __future__ import annotations

import pytest

from tests.server.ircclient import RawClient
from tests.server.test_accounts import PASSWORD, negotiating, plain, start_plain


@pytest.fixture
def bob_account(server):
    server.state.accounts.create("bob", PASSWORD)


def device(connect, nick: str = "bob", caps: str = "sasl") -> RawClient:
    """A connection that logs in to bob with SASL PLAIN and completes registration."""
    client = negotiating(connect(), nick, caps)
    start_plain(client)
    client.send(f"AUTHENTICATE {plain('bob', PASSWORD)}")
    client.expect(command="903")
    client.send("CAP END")
    client.expect(command="001")
    client.expect(command="376")
    return client


def names_of(client: RawClient, channel: str) -> list[str]:
    client.send(f"NAMES {channel}")
    lines = client.collect_until("366")
    return [name for m in lines if m.command == "353" for name in m.params[-1].split()]


def two_devices(connect) -> tuple[RawClient, RawClient]:
    first = device(connect)
    first.expect(command="366")  # the lobby
    second = device(connect)
    return first, second


def test_devices_share_the_nick_and_its_channels(server, connect, bob_account):
    carol = connect("carol")
    _first, second = two_devices(connect)
    welcome = second.collect_until("366")
    assert [m.params[0] for m in welcome if m.command == "JOIN"] == ["#lobby"]
    carol.expect(command="JOIN", source="bob!bob@127.0.0.1")  # the first device's join
    carol.expect_nothing()  # and no second JOIN
    assert names_of(carol, "#lobby").count("bob") == 1


def test_devices_a_private_message_reaches_both(server, connect, bob_account):
    carol = connect("carol")
    first, second = two_devices(connect)
    carol.send("PRIVMSG bob :the door code is 4711")
    for each in (first, second):
        assert each.expect(command="PRIVMSG").params == ("bob", "the door code is 4711")


def test_devices_what_one_sends_the_other_sees(server, connect, bob_account):
    carol = connect("carol")
    first, second = two_devices(connect)
    first.send("PRIVMSG carol :from my phone")
    assert carol.expect(command="PRIVMSG").params == ("carol", "from my phone")
    echo = second.expect(command="PRIVMSG")
    assert (echo.source, echo.params) == ("bob!bob@127.0.0.1", ("carol", "from my phone"))
    first.send("PRIVMSG #lobby :hello room")
    assert second.expect(command="PRIVMSG").params == ("#lobby", "hello room")
    assert carol.expect(command="PRIVMSG").params == ("#lobby", "hello room")
    first.send("PING :sync")
    first.expect(command="PONG")
    assert not [m for m in first.inbox if m.command == "PRIVMSG"]  # no echo-message asked


def test_devices_the_sender_gets_its_own_echo_only_with_echo_message(server, connect,
                                                                      bob_account):
    first = device(connect, caps="sasl echo-message")
    first.expect(command="366")
    second = device(connect)
    first.send("PRIVMSG #lobby :once")
    assert first.expect(command="PRIVMSG").params == ("#lobby", "once")
    assert second.expect(command="PRIVMSG").params == ("#lobby", "once")
    first.send("PING :sync")
    first.expect(command="PONG")
    assert not [m for m in first.inbox if m.command == "PRIVMSG"]


def test_devices_join_and_part_show_on_both(server, connect, bob_account):
    first, second = two_devices(connect)
    second.collect_until("366")
    first.send("JOIN #new")
    first.expect(command="366", params=[None, "#new", None])
    second.expect(command="JOIN", params=["#new"])
    second.expect(command="366", params=[None, "#new", None])
    second.send("PART #new")
    for each in (first, second):
        each.expect(command="PART", params=["#new"])


def test_devices_quit_only_after_the_last_leaves(server, connect, bob_account):
    carol = connect("carol")
    first, second = two_devices(connect)
    carol.expect(command="JOIN", source="bob!bob@127.0.0.1")
    first.send("QUIT :phone off")
    first.expect_closed()
    carol.expect_nothing()
    carol.send("PRIVMSG bob :still there?")
    assert second.expect(command="PRIVMSG").params == ("bob", "still there?")
    assert names_of(carol, "#lobby").count("bob") == 1
    second.send("QUIT :laptop off")
    assert carol.expect(command="QUIT").params == ("Quit: laptop off",)


def test_devices_the_one_that_stays_keeps_channel_operator(server, connect, bob_account):
    first, second = two_devices(connect)
    first.send("JOIN #bobs")
    first.expect(command="366", params=[None, "#bobs", None])
    first.send("QUIT")
    first.expect_closed()
    second.collect_until("366")
    assert "@bob" in names_of(second, "#bobs")
    second.send("TOPIC #bobs :ours")  # +t: only an operator may
    assert second.expect(command="TOPIC").params == ("#bobs", "ours")


def test_devices_a_second_device_leaving_first_changes_nothing_for_others(server, connect,
                                                                           bob_account):
    carol = connect("carol")
    first, second = two_devices(connect)
    carol.expect(command="JOIN", source="bob!bob@127.0.0.1")
    second.send("QUIT")
    second.expect_closed()
    carol.send("PRIVMSG bob :hi")
    assert first.expect(command="PRIVMSG").params == ("bob", "hi")
    carol.expect_nothing()


def test_devices_a_nick_change_reaches_every_device_once(server, connect, bob_account):
    carol = connect("carol")
    first, second = two_devices(connect)
    second.send("NICK bobby")
    for each in (first, second, carol):
        assert each.expect(command="NICK").params == ("bobby",)
    carol.send("PRIVMSG bobby :new name")
    for each in (first, second):
        assert each.expect(command="PRIVMSG").params == ("bobby", "new name")


def test_devices_a_guest_cannot_share_a_logged_in_nick(server, connect, bob_account):
    device(connect)
    guest = connect()
    guest.send("NICK bob")
    guest.send("USER guest 0 * :Guest")
    guest.expect(command="433", params=["*", "bob", None])
    guest.send("NICK guest")
    assert guest.expect(command="001").params[0] == "guest"


def test_devices_another_account_cannot_share_the_nick(server, connect, bob_account):
    server.state.accounts.create("dave", PASSWORD)
    device(connect)
    other = negotiating(connect(), "bob")
    start_plain(other)
    other.send(f"AUTHENTICATE {plain('dave', PASSWORD)}")
    other.expect(command="903")
    other.send("CAP END")
    other.expect(command="433", params=["*", "bob", None])


def test_devices_count_as_one_user(server, connect, bob_account):
    _first, second = two_devices(connect)
    second.send("LUSERS")
    assert second.expect(command="251").params[-1].startswith("There are 1 users")


def test_devices_a_labeled_reply_goes_to_the_asking_device_only(server, connect, bob_account):
    first = device(connect, caps="sasl labeled-response batch")
    first.expect(command="366")
    second = device(connect)
    first.send("@label=w1 WHOIS bob")
    reply = first.expect(command="BATCH")
    assert reply.tags["label"] == "w1"
    first.collect_until("BATCH")
    second.send("PING :sync")
    second.expect(command="PONG")
    assert not [m for m in second.inbox if m.command in ("311", "318")]


def test_devices_a_new_device_with_extended_join_gets_its_channels_so(server, connect,
                                                                     bob_account):
    device(connect).expect(command="366")
    second = device(connect, caps="sasl extended-join")
    assert second.expect(command="JOIN").params == ("#lobby", "bob", "Real bob")


def test_devices_a_read_marker_set_on_one_reaches_the_other(server, connect, bob_account):
    first = device(connect, caps="sasl draft/read-marker")
    first.expect(command="366")
    second = device(connect, caps="sasl draft/read-marker")
    second.expect(command="MARKREAD", params=["#lobby", "*"])  # with its replayed JOIN
    second.expect(command="366")
    first.send("MARKREAD #lobby timestamp=2026-12-01T10:00:00.000Z")
    marker = ("#lobby", "timestamp=2026-12-01T10:00:00.000Z")
    assert first.expect(command="MARKREAD").params == marker
    assert second.expect(command="MARKREAD").params == marker
