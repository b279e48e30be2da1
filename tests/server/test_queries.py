"""WHO and WHOIS against the state, with fake clients."""

from __future__ import annotations

import pytest

from ircproto.message import Message
from server.config import ServerConfig
from tests.server.fakes import PASSWORD, Harness, commands, sasl_plain


def test_who_channel_lists_members_with_flags():
    h = Harness()
    alice, bob = h.connect("alice"), h.connect("bob")
    h.send(bob, "AWAY :gone")
    replies = h.send(alice, "WHO #lobby")
    assert replies == [
        Message("352", ("alice", "#lobby", "alice", "127.0.0.1", "localchat", "alice", "H@",
                        "0 Real alice"), "localchat"),
        Message("352", ("alice", "#lobby", "bob", "127.0.0.1", "localchat", "bob", "G",
                        "0 Real bob"), "localchat"),
        Message("315", ("alice", "#lobby", "End of WHO list"), "localchat"),
    ]


def test_who_nick_and_unknown_mask():
    h = Harness()
    alice, _ = h.connect("alice"), h.connect("bob")
    replies = h.send(alice, "WHO BOB")
    assert commands(replies) == ["352", "315"] and replies[0].params[1] == "#lobby"  # shared
    assert commands(h.send(alice, "WHO ghost")) == ["315"]


def test_whois_known_and_unknown():
    h = Harness()
    alice, bob = h.connect("alice"), h.connect("bob")
    h.send(bob, "AWAY :busy", "JOIN #secret", "MODE #secret +s")
    replies = h.send(alice, "WHOIS bob")
    assert commands(replies) == ["311", "319", "312", "301", "317", "318"]
    assert replies[0].params == ("alice", "bob", "bob", "127.0.0.1", "*", "Real bob")
    assert replies[1].params == ("alice", "bob", "#lobby")  # the secret channel is hidden
    assert commands(h.send(bob, "WHOIS bob"))[1] == "319"
    assert h.send(bob, "WHOIS bob")[1].params[2] == "#lobby @#secret"
    assert commands(h.send(alice, "WHOIS ghost")) == ["401", "318"]
    assert commands(h.send(alice, "WHOIS localchat bob"))[0] == "311"


def test_whois_a_comma_list_answers_each_nick_then_one_end():
    h = Harness()
    alice, _, _ = h.connect("alice"), h.connect("bob"), h.connect("carol")
    replies = h.send(alice, "WHOIS bob,ghost,carol")
    assert [m.params[1] for m in replies if m.command in ("311", "401")] == [
        "bob", "ghost", "carol"]
    assert [m.params[1] for m in replies if m.command == "318"] == ["bob,ghost,carol"]
    assert commands(replies)[-1] == "318"
    too_many = h.send(alice, "WHOIS a,b,c,d,e")
    assert commands(too_many) == ["407", "318"] and "max 4" in too_many[0].params[-1]


def test_queries_a_nick_that_has_not_registered_is_nobody_yet():
    h = Harness()
    alice = h.connect("alice")
    h.send(h.connect(), "NICK halfway")  # NICK without USER: holds the nick, is not a user
    assert commands(h.send(alice, "WHOIS halfway")) == ["401", "318"]
    assert commands(h.send(alice, "WHO halfway")) == ["315"]
    assert commands(h.send(alice, "PRIVMSG halfway :hi")) == ["401"]
    assert commands(h.send(alice, "NICK halfway")) == ["433"]  # but the nick is taken


def test_whois_secure_connection_and_certificate_fingerprint_to_oneself_only():
    h = Harness()
    alice, bob = h.connect("alice"), h.connect("bob")
    bob.secure, bob.certfp = True, "ab" * 32
    seen_by_alice = commands(h.send(alice, "WHOIS bob"))
    assert "671" in seen_by_alice and "276" not in seen_by_alice
    own = h.send(bob, "WHOIS bob")
    assert commands(own)[-4:] == ["671", "276", "317", "318"]
    assert next(m for m in own if m.command == "276").params[2].endswith("ab" * 32)
    assert "671" not in commands(h.send(bob, "WHOIS alice"))


def test_extended_monitor_account_notify_for_a_monitored_nick():
    h = Harness(channel="")
    watcher = h.log_in("watcher", "extended-monitor", "account-notify")
    plain = h.log_in("plain", "account-notify")
    h.send(watcher, "MONITOR + latenick")
    h.send(plain, "MONITOR + latenick")
    h.state.accounts.create("later", PASSWORD)
    later = h.connect("latenick")
    h.drain()
    h.send(later, "CAP REQ sasl", "AUTHENTICATE PLAIN", f"AUTHENTICATE {sasl_plain('later')}")
    assert [m.command for m in h.peek(watcher)] == ["ACCOUNT"]
    assert h.peek(plain) == []


def test_whois_of_an_invisible_user_shows_only_the_channels_shared_with_the_asker():
    h = Harness()
    alice, bob = h.connect("alice"), h.connect("bob")
    h.send(bob, "JOIN #elsewhere", "MODE bob +i")
    replies = h.send(alice, "WHOIS bob")
    assert next(m for m in replies if m.command == "319").params[2] == "#lobby"
    h.send(alice, "PART #lobby")
    assert "319" not in commands(h.send(alice, "WHOIS bob"))
    assert next(m for m in h.send(bob, "WHOIS bob") if m.command == "319").params[2] == (
        "#lobby @#elsewhere")


def test_motd_command_without_a_motd_is_422():
    h = Harness(motd=())
    alice = h.connect("alice")
    assert h.send(alice, "MOTD") == [Message("422", ("alice", "MOTD File is missing"),
                                             "localchat")]


def test_admin_shows_the_configured_address_and_refuses_a_bad_one():
    h = Harness(admin_email="ops@example.org")
    alice = h.connect("alice")
    assert h.send(alice, "ADMIN")[-1].params == ("alice", "ops@example.org")
    with pytest.raises(ValueError, match="admin e-mail"):
        ServerConfig(admin_email="two words")
