"""IRCv3 around accounts, at the wire: account-tag, account-notify, extended-join, WHOIS 330
and WHOX's %a."""

from __future__ import annotations

import pytest

from tests.server.ircclient import RawClient
from tests.server.test_accounts import PASSWORD, negotiating, plain, start_plain


@pytest.fixture
def bob_account(server):
    server.state.accounts.create("Bob", PASSWORD)


def watcher(connect, nick: str, caps: str) -> RawClient:
    """A guest in the lobby with caps enabled."""
    client = connect()
    client.send(f"CAP REQ :{caps}")
    client.expect(command="CAP", params=[None, "ACK"])
    client.send("CAP END")
    client.register(nick)
    client.expect(command="366")
    return client


def logged_in_bob(connect, caps: str = "sasl") -> RawClient:
    client = negotiating(connect(), "bob", caps)
    start_plain(client)
    client.send(f"AUTHENTICATE {plain('bob', PASSWORD)}")
    client.expect(command="903")
    client.send("CAP END")
    client.expect(command="366")
    return client


def test_account_caps_are_offered_and_whox_is_supported(connect):
    client = connect()
    client.send("CAP LS 302")
    offered = " ".join(m.params[-1] for m in client.collect_until("CAP") if m.command == "CAP")
    for cap in ("account-notify", "account-tag", "extended-join"):
        assert cap in offered.split()
    client.send("CAP END")
    client.send("NICK carol")
    client.send("USER carol 0 * :Carol")
    welcome = client.collect_until("376")
    isupport = [token for m in welcome if m.command == "005" for token in m.params[1:-1]]
    assert "WHOX" in isupport


def test_account_tag_only_for_clients_that_asked(server, connect, bob_account):
    tagged = watcher(connect, "carol", "account-tag")
    plain_one = watcher(connect, "dave", "message-tags")
    bob = logged_in_bob(connect)
    join = tagged.expect(command="JOIN", source="bob!bob@127.0.0.1")
    assert join.tags.get("account") == "Bob"
    assert "account" not in plain_one.expect(command="JOIN").tags
    bob.send("PRIVMSG #lobby :hello")
    assert tagged.expect(command="PRIVMSG").tags["account"] == "Bob"
    assert "account" not in plain_one.expect(command="PRIVMSG").tags


def test_account_tag_is_absent_for_a_guest(server, connect):
    tagged = watcher(connect, "carol", "account-tag")
    guest = connect("guest")
    guest.send("PRIVMSG #lobby :hi")
    assert "account" not in tagged.expect(command="PRIVMSG").tags


def test_extended_join_gives_account_and_realname(server, connect, bob_account):
    extended = watcher(connect, "carol", "extended-join")
    classic = watcher(connect, "dave", "multi-prefix")
    logged_in_bob(connect)
    join = extended.expect(command="JOIN", source="bob!bob@127.0.0.1")
    assert join.params == ("#lobby", "Bob", "Real bob")
    assert classic.expect(command="JOIN", source="bob!bob@127.0.0.1").params == ("#lobby",)
    connect("guest")
    assert extended.expect(command="JOIN", source="guest!guest@127.0.0.1").params == (
        "#lobby", "*", "Real guest")


def test_extended_join_on_the_joiners_own_echo(server, connect, bob_account):
    bob = negotiating(connect(), "bob", "sasl extended-join")
    start_plain(bob)
    bob.send(f"AUTHENTICATE {plain('bob', PASSWORD)}")
    bob.expect(command="903")
    bob.send("CAP END")
    assert bob.expect(command="JOIN").params == ("#lobby", "Bob", "Real bob")


def test_account_notify_when_a_guest_logs_in(server, connect, bob_account):
    notified = watcher(connect, "carol", "account-notify")
    unnotified = watcher(connect, "dave", "multi-prefix")
    bob = connect("bobby")  # a guest may not take bob's nick (nick ownership)
    bob.send("CAP REQ sasl")
    bob.expect(command="CAP", params=[None, "ACK"])
    start_plain(bob)
    bob.send(f"AUTHENTICATE {plain('bob', PASSWORD)}")
    bob.expect(command="903")
    change = notified.expect(command="ACCOUNT")
    assert (change.source, change.params) == ("bobby!bobby@127.0.0.1", ("Bob",))
    unnotified.send("PING :sync")
    assert [m.command for m in unnotified.collect_until("PONG")].count("ACCOUNT") == 0


def test_account_notify_not_sent_for_a_login_before_registration(server, connect, bob_account):
    notified = watcher(connect, "carol", "account-notify")
    logged_in_bob(connect)
    notified.send("PING :sync")
    assert "ACCOUNT" not in [m.command for m in notified.collect_until("PONG")]


def test_whois_says_which_account(server, connect, bob_account):
    carol = connect("carol")
    logged_in_bob(connect)
    carol.send("WHOIS bob")
    replies = carol.collect_until("318")
    accounts = [m.params for m in replies if m.command == "330"]
    assert accounts == [("carol", "bob", "Bob", "is logged in as")]
    carol.send("WHOIS carol")
    assert "330" not in [m.command for m in carol.collect_until("318")]


def test_whox_gives_the_fields_asked_for_in_order(server, connect, bob_account):
    carol = connect("carol")
    logged_in_bob(connect)
    carol.send("WHO #lobby %ant,42")
    replies = carol.collect_until("315")
    rows = sorted(m.params for m in replies if m.command == "354")
    assert rows == [("carol", "42", "bob", "Bob"), ("carol", "42", "carol", "0")]
    assert replies[-1].params == ("carol", "#lobby", "End of WHO list")


def test_whox_all_fields_and_realname_last(server, connect, bob_account):
    carol = connect("carol")
    logged_in_bob(connect)
    carol.send("WHO bob %tcuihsnfdlaor,7")
    row = carol.expect(command="354")  # c: a channel they share; i: only for itself or opers
    token, channel, user, ip, host, server_name, nick, flags, hops, idle, account, oplevel, \
        realname = row.params[1:]
    assert (token, channel, user, ip, host, nick, flags, hops, account, oplevel, realname) == (
        "7", "#lobby", "bob", "255.255.255.255", "127.0.0.1", "bob", "H", "0", "Bob", "n/a",
        "Real bob")
    assert server_name == server.state.config.name and idle.isdigit()


@pytest.mark.parametrize(("query", "expected"), [
    ("%na,abcd", ("carol", "carol", "0")),  # a token that is not 1-3 digits drops t
    ("%tzn,5", ("carol", "5", "carol")),  # an unknown letter is ignored
])
def test_whox_odd_requests(connect, query, expected):
    carol = connect("carol")
    carol.send(f"WHO carol {query}")
    assert carol.expect(command="354").params == expected


def test_who_without_a_percent_is_the_classic_reply(connect):
    carol = connect("carol")
    carol.send("WHO carol")
    assert carol.expect(command="352").params[5] == "carol"


def test_account_tag_on_everything_a_logged_in_user_does(server, connect, bob_account):
    tagged = watcher(connect, "carol", "account-tag")
    bob = logged_in_bob(connect)
    tagged.expect(command="JOIN", source="bob!bob@127.0.0.1")
    for line, command in [("NICK bobby", "NICK"),
                          ("PART #lobby", "PART"), ("JOIN #lobby", "JOIN"), ("QUIT", "QUIT")]:
        bob.send(line)
        assert tagged.expect(command=command).tags.get("account") == "Bob", line
