"""Nick ownership: a nick named like an account is only held by a connection logged in to it,
checked as registration completes and on every later NICK, with the account store read outside
the state lock and afresh (an account the operator's CLI adds while the server runs counts)."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from ircproto.message import Message
from server import admin
from server.accounts import ACCOUNTS_FILE
from server.commands.nickowner import REGISTERED, UNCHECKED
from server.tcp import ServerHandle
from tests.server.conftest import config
from tests.server.fakes import PASSWORD, Harness, commands, find, sasl_plain
from tests.server.ircclient import RawClient


def harness_with(*accounts: str) -> Harness:
    h = Harness()
    for name in accounts:
        h.state.accounts.create(name, PASSWORD)
    return h


def registered_reply(nick: str, who: str = "*") -> Message:
    return Message("433", (who, nick, REGISTERED), "localchat")


# -- before registration


def test_nick_ownership_a_guest_cannot_register_with_a_registered_nick():
    h = harness_with("bob")
    guest = h.connect()
    replies = h.send(guest, "NICK bob", "USER bob 0 * :B")
    assert replies == [registered_reply("bob")]
    assert not guest.registered
    assert h.send(guest, "NICK BOB") == [registered_reply("BOB")]  # again: refused, not ignored
    assert "001" in commands(h.send(guest, "NICK bobby"))
    assert guest.registered and guest.nick == "bobby" and guest.account is None


def test_nick_ownership_the_owner_logged_in_with_sasl_registers_with_it():
    h = harness_with("Bob")
    owner = h.connect()
    replies = h.send(owner, "CAP LS 302", "CAP REQ sasl", "NICK bob", "USER bob 0 * :B",
                     "AUTHENTICATE PLAIN", f"AUTHENTICATE {sasl_plain('bob')}", "CAP END")
    assert "433" not in commands(replies) and "001" in commands(replies)
    assert owner.registered and owner.nick == "bob" and owner.account == "Bob"


def test_nick_ownership_a_refused_guest_waiting_does_not_keep_the_owner_out():
    h = harness_with("bob")
    guest = h.connect()
    h.send(guest, "NICK bob", "USER bob 0 * :B")
    assert not guest.registered and h.state.find_nick("bob") is None
    owner = h.log_in("bob")
    assert owner.nick == "bob" and h.state.find_nick("bob") is owner
    assert h.send(guest, "NICK bob") == [registered_reply("bob")]
    assert not guest.registered and h.state.find_nick("bob") is owner


def test_nick_ownership_logging_in_after_the_refusal_lets_registration_go_on():
    h = harness_with("bob")
    client = h.connect()
    replies = h.send(client, "CAP LS 302", "CAP REQ sasl", "NICK bob", "USER bob 0 * :B",
                     "CAP END")
    assert find(replies, "433") == registered_reply("bob") and not client.registered
    replies = h.send(client, "AUTHENTICATE PLAIN", f"AUTHENTICATE {sasl_plain('bob')}",
                     "CAP END")
    assert commands(replies)[:3] == ["AUTHENTICATE", "900", "903"] and client.registered


def test_nick_ownership_another_account_may_not_register_with_it():
    h = harness_with("alice", "bob")
    client = h.connect()
    replies = h.send(client, "CAP LS 302", "CAP REQ sasl", "NICK bob", "USER a 0 * :A",
                     "AUTHENTICATE PLAIN", f"AUTHENTICATE {sasl_plain('alice')}", "CAP END")
    assert find(replies, "433") == registered_reply("bob") and not client.registered
    assert "001" in commands(h.send(client, "NICK alice"))
    assert client.nick == "alice" and client.account == "alice"


def test_nick_ownership_a_nick_with_no_account_is_free_for_anyone():
    h = harness_with("alice")
    guest = h.connect("zed")
    alice = h.log_in("ally", account="alice")
    assert guest.registered and alice.registered
    assert commands(h.send(alice, "NICK zoe")) == ["NICK"] and alice.nick == "zoe"


# -- after registration


def test_nick_ownership_nick_to_a_registered_nick_is_refused():
    h = harness_with("bob")
    dana, peer = h.connect("dana"), h.connect("peer")
    assert h.send(dana, "NICK Bob") == [registered_reply("Bob", who="dana")]
    assert dana.nick == "dana" and h.state.find_nick("bob") is None
    assert h.peek(peer) == []  # nobody saw a NICK


def test_nick_ownership_the_owner_may_take_it_after_registration():
    h = harness_with("bob")
    owner, peer = h.log_in("bobby", account="bob"), h.connect("peer")
    replies = h.send(owner, "NICK BOB")
    assert replies == [Message("NICK", ("BOB",), "bobby!bobby@127.0.0.1")]
    assert h.peek(peer) == replies and h.state.find_nick("bob") is owner


def test_nick_ownership_logged_in_elsewhere_is_no_key_to_another_accounts_nick():
    h = harness_with("alice", "bob")
    alice = h.log_in("alice")
    assert h.send(alice, "NICK bob") == [registered_reply("bob", who="alice")]


def test_nick_ownership_look_ups_run_outside_the_lock_and_not_for_your_own_name():
    h = harness_with("bob")
    store, looked_up = h.state.accounts, []
    real_find = store.find

    def find_checked(name: str):
        assert not h.state.lock.locked()
        looked_up.append(name)
        return real_find(name)

    store.find = find_checked  # type: ignore[method-assign]
    owner = h.log_in("bobby", account="bob")
    assert looked_up == ["bobby"]  # once, as registration completed
    h.send(owner, "NICK bob", "NICK Bob", "NICK zed")
    assert looked_up == ["bobby", "zed"]  # bob is its account's name; Bob only its case
    assert owner.nick == "zed" and h.bugs == []


def test_nick_ownership_the_finish_checks_again_that_the_nick_is_free():
    h = Harness()
    first, second = h.connect("first"), h.connect("second")
    real_find, calls = h.state.accounts.find, []

    def find_while_someone_takes_it(name: str):
        calls.append(name)
        if len(calls) == 1:  # first's look-up: second (another reader) takes the nick meanwhile
            assert commands(h.send(second, "NICK zed")) == ["NICK"]
        return real_find(name)

    h.state.accounts.find = find_while_someone_takes_it  # type: ignore[method-assign]
    replies = h.send(first, "NICK zed")
    assert replies == [Message("NICK", ("zed",), "second!second@127.0.0.1"),  # in #lobby
                       Message("433", ("first", "zed", "Nickname is already in use"),
                               "localchat")]
    assert first.nick == "first" and h.state.find_nick("zed") is second


def test_nick_ownership_an_unreadable_account_store_refuses_with_a_clear_reason():
    h = Harness()

    def broken(name: str):
        raise sqlite3.OperationalError("disk I/O error")

    h.state.accounts.find = broken  # type: ignore[method-assign]
    guest = h.connect()
    assert h.send(guest, "NICK zed", "USER z 0 * :Z") == [
        Message("433", ("*", "zed", UNCHECKED), "localchat")
    ]
    assert not guest.registered and h.bugs == [] and guest not in h.closed


# -- the operator's CLI while the server runs (real sockets)


@pytest.fixture
def server_config(tmp_path: Path):
    return config(accounts_db=str(tmp_path / ACCOUNTS_FILE))


def test_nick_ownership_an_account_added_with_the_cli_protects_the_nick_at_once(
        server: ServerHandle, tmp_path: Path):
    with RawClient(server.server_address) as before:
        before.register("bob")  # no account yet: anyone may use it
        before.send("QUIT")
        before.expect_closed()
    out = io.StringIO()
    status = admin.main(["--data-dir", str(tmp_path), "add", "bob"], io.StringIO(PASSWORD), out)
    assert status == 0 and "created" in out.getvalue()
    with RawClient(server.server_address) as impostor:
        impostor.send("NICK bob")
        impostor.send("USER bob 0 * :B")
        refused = impostor.expect(command="433")
        assert refused.params == ("*", "bob", REGISTERED)
        impostor.send("NICK bob_")
        impostor.expect(command="001")
        impostor.send("NICK bob")
        assert impostor.expect(command="433").params == ("bob_", "bob", REGISTERED)
    with RawClient(server.server_address) as owner:
        owner.log_in("bob", "bob", PASSWORD)


# -- the owner takes back a nick someone held before the account existed


def test_nick_ownership_the_owner_logging_in_takes_its_nick_back_from_a_guest():
    h = Harness()
    squatter, carol = h.connect("dave"), h.connect("carol")  # dave: no account yet
    h.state.accounts.create("dave", PASSWORD)  # the operator's CLI, say
    h.drain()
    owner = h.connect()
    replies = h.send(owner, "CAP LS 302", "CAP REQ sasl", "NICK dave", "USER dave 0 * :D",
                     "AUTHENTICATE PLAIN", f"AUTHENTICATE {sasl_plain('dave')}", "CAP END")
    assert "001" in commands(replies) and "433" not in commands(replies)
    assert owner.nick == "dave" and h.state.find_nick("dave") is owner
    guest_nick = f"Guest{squatter.id}"
    assert squatter.nick == guest_nick and h.state.find_nick(guest_nick) is squatter
    seen = h.peek(squatter)
    assert Message("NICK", (guest_nick,), "dave!dave@127.0.0.1") in seen
    assert find(seen, "NOTICE").params[1].startswith("The nick dave is registered")
    assert Message("NICK", (guest_nick,), "dave!dave@127.0.0.1") in h.peek(carol)  # #lobby


def test_nick_ownership_the_owner_takes_it_back_with_nick_after_registration():
    h = Harness()
    squatter = h.connect("dave")
    owner = h.log_in("dave2", account="dave")  # dave was held at connect time
    replies = h.send(owner, "NICK dave")
    assert [(m.source, m.params) for m in replies if m.command == "NICK"] == [
        ("dave!dave@127.0.0.1", (f"Guest{squatter.id}",)),  # the squatter, seen in #lobby
        ("dave2!dave2@127.0.0.1", ("dave",))]
    assert owner.nick == "dave" and squatter.nick == f"Guest{squatter.id}"


def test_nick_ownership_a_guest_cannot_take_back_what_is_not_its_account():
    h = Harness()
    holder = h.connect("erin")
    h.state.accounts.create("erin", PASSWORD)
    other = h.log_in("frank")
    assert find(h.send(other, "NICK erin"), "433").params[1] == "erin"
    assert holder.nick == "erin" and other.nick == "frank"
