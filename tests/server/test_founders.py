"""Channel founders: the first logged-in joiner founds a channel, the founder gets +o whenever it
joins (across a restart too, on a real server), FOUNDER tells and hands over, and the store
keeps the newest change."""

from __future__ import annotations

from pathlib import Path

import argon2
import pytest

from ircproto.message import Message
from server.founders import Founders
from server.privileges import FounderRecord, PrivilegeStore
from server.tcp import start_server_thread
from tests.server.conftest import config
from tests.server.fakes import Harness, commands, find
from tests.server.ircclient import RawClient
from tests.server.test_accounts import negotiating, plain, start_plain

PASSWORD = "correct horse"
SERVER = "localchat"


def harness() -> Harness:
    h = Harness(channel="")
    h.state.accounts._hasher = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return h


def member(h: Harness, nick: str):
    """A registered client logged in to a new account named nick."""
    client = h.connect(nick)
    assert commands(h.send(client, f"REGISTER * * :{PASSWORD}")) == ["REGISTER", "900"]
    return client


def names(replies: list[Message]) -> list[str]:
    return find(replies, "353").params[-1].split()


def founder_of(h: Harness, client, channel: str) -> Message:
    reply, = h.send(client, f"FOUNDER {channel}")
    return reply


def stored(h: Harness) -> dict[str, str]:
    return {record.channel: record.account for record in h.state.privileges.founders()}


# -- founding and +o on join


def test_founders_a_logged_in_creator_founds_the_channel_and_it_is_stored():
    h = harness()
    alice = member(h, "alice")
    replies = h.send(alice, "JOIN #den")
    assert commands(replies) == ["JOIN", "353", "366"] and names(replies) == ["@alice"]
    assert founder_of(h, alice, "#DEN") == Message(
        "NOTE", ("FOUNDER", "CHANNEL_FOUNDER", "#den", "alice", "alice is the founder of #den"),
        SERVER)
    assert stored(h) == {"#den": "alice"}


def test_founders_a_guest_creator_founds_nothing_nor_does_a_later_joiner():
    h = harness()
    guest, alice = h.connect("guest"), member(h, "alice")
    h.send(guest, "JOIN #den")
    replies = h.send(alice, "JOIN #den")
    assert "MODE" not in commands(replies) and names(replies) == ["@guest", "alice"]
    assert founder_of(h, alice, "#den").params[:3] == ("FOUNDER", "NO_FOUNDER", "#den")
    assert stored(h) == {}


def test_founders_the_founder_gets_op_in_a_channel_someone_else_recreated():
    h = harness()
    alice, bob = member(h, "alice"), h.connect("bob")
    h.send(alice, "JOIN #den", "PART #den")  # founded, then empty: the channel is gone
    assert h.state.find_channel("#den") is None
    assert names(h.send(bob, "JOIN #den")) == ["@bob"]  # the first joiner is op, as always
    replies = h.send(alice, "JOIN #den")
    mode = Message("MODE", ("#den", "+o", "alice"), SERVER)
    assert commands(replies) == ["JOIN", "MODE", "353", "366"] and replies[1] == mode
    assert sorted(names(replies)) == ["@alice", "@bob"]
    assert [m for m in h.peek(bob) if m.command == "MODE"] == [mode]


def test_founders_the_founder_rejoining_an_empty_channel_is_op_without_a_mode():
    h = harness()
    alice = member(h, "alice")
    h.send(alice, "JOIN #den", "PART #den")
    replies = h.send(alice, "JOIN #den")
    assert commands(replies) == ["JOIN", "353", "366"] and names(replies) == ["@alice"]


def test_founders_join_of_two_new_channels_founds_and_stores_both():
    h = harness()
    alice = member(h, "alice")
    replies = h.send(alice, "JOIN #one,#two")
    assert commands(replies).count("JOIN") == 2 and h.bugs == []
    assert stored(h) == {"#one": "alice", "#two": "alice"}


# -- FOUNDER


def test_founders_hand_over_to_another_account_gives_it_op_and_is_stored():
    h = harness()
    alice, bob = member(h, "alice"), member(h, "bob")
    h.send(alice, "JOIN #den")
    h.send(bob, "JOIN #den")
    h.take(alice, bob)
    replies = h.send(alice, "FOUNDER #den BOB")
    assert replies[0] == Message("FOUNDER", ("SUCCESS", "#den", "bob",
                                             "bob is now the founder of #den"), SERVER)
    assert replies[1] == Message("MODE", ("#den", "+o", "bob"), SERVER)
    assert founder_of(h, bob, "#den").params[3] == "bob" and stored(h) == {"#den": "bob"}
    fail = h.send(alice, "FOUNDER #den alice")[0]
    assert fail.command == "FAIL" and fail.params[:3] == ("FOUNDER", "NOT_FOUNDER", "#den")


def test_founders_hand_over_refusals_have_their_codes():
    h = harness()
    alice, carol, guest = member(h, "alice"), member(h, "carol"), h.connect("guest")
    h.send(alice, "JOIN #den")
    cases = [
        (guest, "FOUNDER #den alice", ("FOUNDER", "ACCOUNT_REQUIRED", "#den")),
        (carol, "FOUNDER #den carol", ("FOUNDER", "NOT_FOUNDER", "#den")),
        (alice, "FOUNDER #den nobody", ("FOUNDER", "NO_SUCH_ACCOUNT", "#den", "nobody")),
        (alice, "FOUNDER #nowhere carol", ("FOUNDER", "NO_SUCH_CHANNEL", "#nowhere")),
        (alice, "FOUNDER #nowhere", ("FOUNDER", "NO_SUCH_CHANNEL", "#nowhere")),
        (alice, "FOUNDER den carol", ("FOUNDER", "INVALID_PARAMS", "den")),
    ]
    for client, line, expected in cases:
        reply, = h.send(client, line)
        assert reply.command == "FAIL" and reply.params[:len(expected)] == expected, line
    assert commands(h.send(alice, "FOUNDER")) == ["461"]
    assert stored(h) == {"#den": "alice"} and h.bugs == []


def test_founders_an_oper_may_name_the_founder_of_any_channel():
    h = harness()
    guest, root = h.connect("guest"), member(h, "root")
    carol = member(h, "carol")
    h.state.privileges.set_oper(h.state.accounts.find("root"), True)
    assert "381" in commands(h.send(root, f"OPER root :{PASSWORD}"))
    h.send(guest, "JOIN #den")  # a guest's channel: no founder
    assert commands(h.send(carol, "FOUNDER #den carol")) == ["FAIL"]
    assert h.send(root, "FOUNDER #den carol")[0].params[:3] == ("SUCCESS", "#den", "carol")
    assert stored(h) == {"#den": "carol"}


def test_founders_secret_channels_are_not_revealed_to_outsiders():
    h = harness()
    alice, carol = member(h, "alice"), member(h, "carol")
    h.send(alice, "JOIN #den", "MODE #den +s")
    reply, = h.send(carol, "FOUNDER #den")
    assert reply.params[:2] == ("FOUNDER", "NO_SUCH_CHANNEL")


def test_founders_a_new_account_does_not_inherit_a_deleted_ones_channels():
    h = harness()
    with h.state.lock:  # dave founded #den, then his account was deleted (the CLI, meanwhile)
        record = h.state.founders.change("#den", "#den", "dave")
    h.state.privileges.save_founder(record)
    dave = member(h, "Dave")
    assert founder_of(h, dave, "#den").params[:2] == ("FOUNDER", "NO_SUCH_CHANNEL")
    assert stored(h) == {}
    h.send(dave, "JOIN #den")
    assert stored(h) == {"#den": "Dave"}


def test_founders_an_account_deleted_and_added_again_by_the_cli_inherits_nothing():
    h = harness()
    alice, bob = member(h, "alice"), h.connect("bob")
    h.send(alice, "JOIN #den", "QUIT")
    h.send(bob, "JOIN #den")
    assert h.state.accounts.delete("alice")  # what `accounts delete` and `add` do meanwhile
    assert h.state.privileges.forget_account("alice") == 1
    h.state.accounts.create("alice", PASSWORD)
    newcomer = h.connect()
    h.send(newcomer, "CAP REQ sasl", "NICK alice", "USER a 0 * :A", "AUTHENTICATE PLAIN")
    h.send(newcomer, f"AUTHENTICATE {plain('alice', PASSWORD)}", "CAP END")
    replies = h.send(newcomer, "JOIN #den")
    assert "MODE" not in commands(replies) and sorted(names(replies)) == ["@bob", "alice"]
    assert founder_of(h, bob, "#den").params[:2] == ("FOUNDER", "NO_FOUNDER")


# -- the store and the memory keep the newest change


def test_founders_store_keeps_the_highest_version(tmp_path: Path):
    store = PrivilegeStore(str(tmp_path / "accounts.sqlite3"))
    try:
        store.save_founder(FounderRecord("#den", "#den", "bob", 2))
        store.save_founder(FounderRecord("#den", "#den", "alice", 1))  # late, older
        assert store.founders() == [FounderRecord("#den", "#den", "bob", 2)]
        store.save_founder(FounderRecord("#den", "#Den", "carol", 3))
        assert store.founders() == [FounderRecord("#den", "#Den", "carol", 3)]
    finally:
        store.close()


def test_founders_memory_versions_continue_from_the_store_and_ignore_older_changes():
    founders = Founders([FounderRecord("#den", "#den", "bob", 7)])
    assert founders.next_version() == 8
    assert not founders.apply(FounderRecord("#den", "#den", "alice", 6))
    assert founders.is_founder("#den", "BOB") and not founders.is_founder("#den", None)
    assert founders.apply(FounderRecord("#den", "#den", "alice", 9))
    assert founders.account("#den") == "alice"
    assert founders.forget_account("ALICE") == ["#den"] and founders.get("#den") is None


def test_founders_drop_stale_spares_changes_not_saved_yet_or_newer_than_the_read():
    founders = Founders()
    record = founders.change("#den", "#den", "alice")
    assert founders.drop_stale("alice", set(), founders.version) == []  # its save is running
    founders.saved(record)
    seen = founders.version
    newer = founders.change("#lair", "#lair", "alice")
    founders.saved(newer)
    assert founders.drop_stale("ALICE", set(), seen) == ["#den"]  # #lair came after the read
    assert founders.account("#lair") == "alice"
    assert founders.drop_stale("alice", {"#lair"}, founders.version) == []


# -- across a restart, on a real server


def log_in(address: tuple[str, int], nick: str) -> RawClient:
    """A client logged in with SASL PLAIN before registering."""
    client = negotiating(RawClient(address), nick=nick)
    start_plain(client)
    client.send(f"AUTHENTICATE {plain(nick, PASSWORD)}")
    client.expect(command="903")
    client.send("CAP END")
    client.expect(command="376")
    return client


@pytest.fixture
def data_config(tmp_path: Path):
    return config(channel="", accounts_db=str(tmp_path / "accounts.sqlite3"))


def test_founders_survive_a_restart_and_get_op_on_join(data_config, tmp_path: Path):
    with start_server_thread(data_config) as first:
        with RawClient(first.server_address) as alice:
            alice.register("alice")
            alice.send(f"REGISTER * * :{PASSWORD}")
            alice.expect(command="900")
            alice.send("JOIN #den")
            assert alice.expect(command="353").params[-1] == "@alice"
            alice.send("QUIT")
            alice.expect_closed()
    with start_server_thread(data_config) as second:
        address = second.server_address
        with RawClient(address) as bob, log_in(address, "alice") as alice:
            bob.register("bob")
            bob.send("JOIN #den")
            assert bob.expect(command="353").params[-1] == "@bob"
            alice.send("JOIN #den")
            alice.expect(command="JOIN", params=["#den"], skip=False)
            mode = ["#den", "+o", "alice"]
            alice.expect(command="MODE", params=mode, source=SERVER, skip=False)
            assert sorted(alice.expect(command="353").params[-1].split()) == ["@alice", "@bob"]
            bob.expect(command="JOIN", source="alice!alice@127.0.0.1")
            bob.expect(command="MODE", params=mode, source=SERVER, skip=False)
            bob.send("PART #den")
            alice.expect(command="PART")
            alice.send("PART #den")
            alice.expect(command="PART")
            alice.send("JOIN #den")  # empty, recreated by its founder
            alice.expect(command="JOIN", params=["#den"], skip=False)
            assert alice.expect(command="353", skip=False).params[-1] == "@alice"
    store = PrivilegeStore(data_config.accounts_db)
    try:
        assert [(r.channel, r.account) for r in store.founders()] == [("#den", "alice")]
    finally:
        store.close()


def test_founders_logging_in_while_on_the_channel_gives_op():
    h = harness()
    alice = member(h, "alice")
    h.send(alice, "JOIN #den", "PART #den", "QUIT")
    # alice again, as a guest at first: under another nick, since the nick alice is the
    # account's and a guest may not hold it
    bob, guest = h.connect("bob"), h.connect("alice_")
    h.send(bob, "JOIN #den")
    joined = h.send(guest, "JOIN #den")
    assert sorted(names(joined)) == ["@bob", "alice_"]  # a guest: no op, though alice founded it
    assert commands(h.send(guest, "CAP REQ sasl", "AUTHENTICATE PLAIN")) == ["CAP", "AUTHENTICATE"]
    h.take(bob)
    replies = h.send(guest, f"AUTHENTICATE {plain('alice', PASSWORD)}")
    mode = Message("MODE", ("#den", "+o", "alice_"), SERVER)
    assert commands(replies) == ["900", "903", "MODE"] and replies[2] == mode
    assert h.peek(bob) == [mode]
    assert guest.account == "alice"


class LockCheckingStore(PrivilegeStore):
    """Fails the test if the privilege store is ever used while the state lock is held."""

    def __init__(self, harness: Harness) -> None:
        super().__init__(":memory:")
        self.harness, self.calls = harness, 0

    def _check(self) -> None:
        assert not self.harness.state.lock.locked()
        self.calls += 1

    def save_founder(self, record: FounderRecord) -> None:
        self._check()
        super().save_founder(record)

    def forget_account(self, name: str) -> int:
        self._check()
        return super().forget_account(name)

    def founded_by(self, account: str) -> set[str]:
        self._check()
        return super().founded_by(account)

    def is_oper(self, account) -> bool:
        self._check()
        return super().is_oper(account)


def test_founders_and_opers_never_touch_the_store_under_the_state_lock():
    h = harness()
    store = h.state.privileges = LockCheckingStore(h)
    store.set_oper(h.state.accounts.create("root", PASSWORD), True)
    with h.state.lock:
        h.state.founders.change("#old", "#old", "dave")  # a deleted account's channel
    alice, root = member(h, "alice"), h.log_in("root")  # the nick root is the account's
    member(h, "dave")  # registered again: forgets #old
    h.send(alice, "JOIN #den,#lair")
    h.send(alice, "FOUNDER #den root")
    h.send(root, f"OPER root :{PASSWORD}")
    # saves of #den, #lair and the hand-over; dave's forget; the founders check of each login
    # (alice, root, dave); root's flag
    assert store.calls == 8 and h.bugs == []
    assert stored(h) == {"#den": "root", "#lair": "alice"}


def test_founders_nobody_founds_the_default_channel_by_joining_it():
    h = Harness()  # with the default channel, #lobby
    h.state.accounts._hasher = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    first = h.log_in("alice")  # auto-joined to #lobby, which it created
    lobby = h.state.find_channel("#lobby")
    assert lobby is not None and first in lobby.members
    assert h.state.founders.get(lobby.key) is None
    replies = h.send(first, "FOUNDER #lobby")
    assert find(replies, "NOTE").params[:2] == ("FOUNDER", "NO_FOUNDER")
