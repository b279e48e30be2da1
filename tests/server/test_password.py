"""PASSWD at the wire (real sockets): a logged-in client changes its account's password, the new
one logs in and the old one no longer does; guests, a wrong current password and a weak new one
get their FAIL; the line is logged redacted."""

from __future__ import annotations

import base64
import logging

import pytest

from ircproto.framing import LineDecoder
from server.reader import loggable
from tests.server.fakes import Harness, commands
from tests.server.ircclient import RawClient
from tests.server.test_accounts import LockCheckingHasher

OLD = "correct horse"
NEW = "battery staple"


def plain(account: str, password: str) -> str:
    return base64.b64encode(f"\0{account}\0{password}".encode()).decode("ascii")


def logged_in(connect, nick: str, password: str) -> RawClient:
    """A client logged in to nick's account with SASL PLAIN, then registered."""
    client = connect()
    client.send("CAP LS 302")
    client.send("CAP REQ sasl")
    client.expect(command="CAP", params=[None, "ACK"])
    client.send(f"NICK {nick}")
    client.send(f"USER {nick} 0 * :Real {nick}")
    client.send("AUTHENTICATE PLAIN")
    client.expect(command="AUTHENTICATE", params=["+"])
    client.send(f"AUTHENTICATE {plain(nick, password)}")
    client.expect(command="903")
    client.send("CAP END")
    client.expect(command="001")
    return client


def sasl_answer(connect, nick: str, password: str) -> str:
    """903 or 904: what SASL PLAIN as nick with password gets (the abort after it ends either)."""
    client = connect()
    client.send("CAP REQ sasl")
    client.send(f"NICK {nick}")
    client.send("AUTHENTICATE PLAIN")
    client.expect(command="AUTHENTICATE", params=["+"])
    client.send(f"AUTHENTICATE {plain(nick, password)}")
    client.send("PING :done")
    seen = [m.command for m in client.collect_until("PONG")]
    return "903" if "903" in seen else "904" if "904" in seen else f"neither: {seen}"


@pytest.fixture
def alice_account(server):
    server.state.accounts.create("Alice", OLD)


def test_passwd_changes_the_password_of_the_account_logged_in(server, connect, alice_account):
    server.state.accounts.set_password("Alice", "correct-horse")  # one word: a middle param
    alice = logged_in(connect, "alice", "correct-horse")
    alice.send(f"PASSWD correct-horse :{NEW}")
    reply = alice.expect(command="PASSWD")
    assert reply.params == ("SUCCESS", "Password changed")
    assert sasl_answer(connect, "alice", NEW) == "903"
    assert sasl_answer(connect, "alice", "correct-horse") == "904"


def test_passwd_to_a_weak_password_is_weak_password_and_changes_nothing(server, connect,
                                                                       alice_account):
    alice = logged_in(connect, "alice", OLD)
    alice.send("PASSWD whatever :short")
    failure = alice.expect(command="FAIL", params=["PASSWD", "WEAK_PASSWORD"])
    assert "at least" in failure.params[-1]
    assert sasl_answer(connect, "alice", OLD) == "903"


def test_passwd_with_a_wrong_current_password_is_invalid_password(server, connect,
                                                                 alice_account):
    alice = logged_in(connect, "alice", OLD)
    alice.send(f"PASSWD wrong-password :{NEW}")
    alice.expect(command="FAIL", params=["PASSWD", "INVALID_PASSWORD"])
    assert sasl_answer(connect, "alice", OLD) == "903"


def test_passwd_as_a_guest_is_account_required(connect):
    guest = connect("guest")
    guest.send(f"PASSWD anything :{NEW}")
    guest.expect(command="FAIL", params=["PASSWD", "ACCOUNT_REQUIRED"])


def test_passwd_before_registration_is_451_and_with_one_param_461(connect):
    client = connect()
    client.send(f"PASSWD a :{NEW}")
    client.expect(command="451")
    registered = connect("bob")
    registered.send("PASSWD onlyone")
    registered.expect(command="461")


def test_passwd_lines_are_logged_redacted(server, connect, alice_account, caplog):
    item = LineDecoder().feed(f"PASSWD {OLD} :{NEW}\r\n".encode())[0]
    assert loggable(item) == "PASSWD <redacted>"
    with caplog.at_level(logging.DEBUG):
        alice = logged_in(connect, "alice", OLD)
        alice.send(f"PASSWD wrong-password :{NEW}")
        alice.expect(command="FAIL")
    assert caplog.records and NEW not in caplog.text


def test_passwd_password_work_runs_outside_the_state_lock():
    h = Harness()
    hasher = LockCheckingHasher(h)
    h.state.accounts._hasher = hasher
    alice = h.connect("alice")
    assert commands(h.send(alice, "REGISTER * * :correct-horse")) == ["REGISTER", "900"]
    replies = h.send(alice, f"PASSWD correct-horse :{NEW}")
    assert commands(replies) == ["PASSWD"] and h.bugs == []
    assert hasher.calls == 3  # REGISTER's hash, PASSWD's verify and new hash
