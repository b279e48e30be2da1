"""The operator: OPER (the account's flag and password, checked outside the state lock), the user
mode +o and its end, KILL, and KICK and MODE in channels where the oper is no channel operator;
pure tests through the Harness, and KILL over real sockets."""

from __future__ import annotations

import argon2
import pytest

from ircproto.message import Message
from server.tcp import ServerHandle
from tests.server.fakes import Harness, commands, find
from tests.server.test_accounts import LockCheckingHasher
from tests.server.test_devices import device

PASSWORD = "correct horse"
SERVER = "localchat"
KILLED = "Killed (root (spamming the lobby))"
CLOSING = f"Closing Link: {SERVER} ({KILLED})"


def harness() -> Harness:
    h = Harness()
    h.state.accounts._hasher = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return h


def oper_account(h: Harness, name: str = "root", oper: bool = True) -> None:
    account = h.state.accounts.create(name, PASSWORD)
    h.state.privileges.set_oper(account, oper)


def opered(h: Harness, nick: str = "root"):
    """nick, logged in to its account (the nick is the account's: a guest may not hold it), and
    then opered as root."""
    client = h.log_in(nick)
    replies = h.send(client, f"OPER root :{PASSWORD}")
    assert commands(replies) == ["381", "MODE"], replies
    return client


# -- OPER


def test_oper_success_is_381_and_user_mode_o_from_the_server():
    h = harness()
    oper_account(h)
    root, bob = h.log_in("root"), h.connect("bob")  # the nick root is the account's
    hasher = LockCheckingHasher(h)  # OPER verifies the password once, outside the state lock
    h.state.accounts._hasher = hasher
    replies = h.send(root, f"OPER root :{PASSWORD}")
    assert replies == [
        Message("381", ("root", "You are now an IRC operator"), SERVER),
        Message("MODE", ("root", "+o"), SERVER),
    ]
    assert hasher.calls == 1
    assert h.send(root, "MODE root") == [Message("221", ("root", "+o"), SERVER)]
    whois = h.send(bob, "WHOIS root")
    assert find(whois, "313").params == ("bob", "root", "is an IRC operator")
    assert find(h.send(bob, "WHO root"), "352").params[6] == "H*@"  # and op of #lobby
    assert "313" not in commands(h.send(root, "WHOIS bob"))


@pytest.mark.parametrize("line", [f"OPER root :{PASSWORD} wrong", "OPER root :wrong password",
                                  f"OPER alice :{PASSWORD}", f"OPER nobody :{PASSWORD}"])
def test_oper_wrong_password_or_no_flag_is_the_same_464(line):
    h = harness()
    oper_account(h)
    oper_account(h, "alice", oper=False)
    client = h.connect("guest")
    assert h.send(client, line) == [Message("464", ("guest", "Password incorrect"), SERVER)]
    assert "o" not in client.modes and h.bugs == []


def test_oper_without_a_password_is_461():
    h = harness()
    client = h.connect("guest")
    assert commands(h.send(client, "OPER root")) == ["461"]


def test_oper_flag_of_a_deleted_account_does_not_pass_to_a_new_one_of_its_name():
    h = harness()
    oper_account(h)
    h.state.accounts.delete("root")  # the flag row stays: only the CLI forgets it
    h.state.accounts.create("root", PASSWORD)
    assert commands(h.send(h.connect("guest"), f"OPER root :{PASSWORD}")) == ["464"]


def test_oper_mode_plus_o_on_yourself_is_ignored_and_minus_o_de_opers():
    h = harness()
    oper_account(h)
    guest = h.connect("guest")
    assert h.send(guest, "MODE guest +o") == []
    assert "o" not in guest.modes
    root = opered(h)
    assert h.send(root, "MODE root -o") == [Message("MODE", ("root", "-o"), root.prefix)]
    assert "313" not in commands(h.send(guest, "WHOIS root"))
    assert commands(h.send(root, "KILL guest :bye")) == ["481"]


# -- KILL


def test_oper_kill_closes_the_victim_and_its_channels_see_the_quit():
    h = harness()
    oper_account(h)
    bob, carol = h.connect("bob"), h.connect("carol")
    root = opered(h)
    h.take(bob, carol)
    prefix = bob.prefix
    replies = h.send(root, "KILL BOB :spamming the lobby")
    assert Message("QUIT", (KILLED,), prefix) in replies  # root is in #lobby too
    assert find(replies, "NOTICE").params[-1] == "Killed bob (spamming the lobby)"
    assert h.outbox(bob).aborted == CLOSING  # its reader sends that ERROR, then closes
    assert h.peek(bob) == [Message("KILL", ("bob", "spamming the lobby"), root.prefix)]
    assert h.peek(carol) == [Message("QUIT", (KILLED,), prefix)]
    assert h.state.find_nick("bob") is None and bob.gone
    assert commands(h.send(carol, "WHOIS bob"))[0] == "401"


def test_oper_kill_refused_to_a_non_oper_and_401_for_an_unknown_nick():
    h = harness()
    oper_account(h)
    bob, carol = h.connect("bob"), h.connect("carol")
    refused = h.send(bob, "KILL carol :go away")
    assert refused == [Message("481", ("bob", "Permission Denied- You're not an IRC operator"),
                               SERVER)]
    assert not carol.gone and h.outbox(carol).aborted is None
    assert "QUIT" not in commands(h.peek(carol))
    root = opered(h)
    assert commands(h.send(root, "KILL nobody :x")) == ["401"]
    assert commands(h.send(root, "KILL carol")) == ["461"]


def test_oper_kill_of_yourself_closes_your_own_connection():
    h = harness()
    oper_account(h)
    root = opered(h)
    h.send(root, "KILL root :testing")
    assert h.closed[root] == ("Killed (root (testing))",
                              f"Closing Link: {SERVER} (Killed (root (testing)))")


# -- KICK and MODE anywhere


def test_oper_kicks_and_sets_modes_in_a_channel_where_it_is_no_channel_operator():
    h = harness()
    oper_account(h)
    carol, bob, root = h.connect("carol"), h.connect("bob"), opered(h)
    h.send(carol, "JOIN #den")
    h.send(bob, "JOIN #den")
    h.take(carol, bob)
    kick = Message("KICK", ("#den", "bob", "off topic"), root.prefix)
    h.send(root, "KICK #den bob :off topic")  # root is not even on #den
    assert h.peek(carol) == [kick] and h.peek(bob) == [kick]
    h.send(root, "JOIN #den")
    h.take(carol)
    assert h.send(root, "MODE #den +mo root") == [
        Message("MODE", ("#den", "+mo", "root"), root.prefix)]
    assert h.peek(carol) == [Message("MODE", ("#den", "+mo", "root"), root.prefix)]


def test_oper_a_non_oper_still_needs_to_be_channel_operator():
    h = harness()
    carol, bob = h.connect("carol"), h.connect("bob")
    h.send(carol, "JOIN #den")
    h.send(bob, "JOIN #den")
    assert commands(h.send(bob, "KICK #den carol")) == ["482"]
    assert commands(h.send(bob, "MODE #den +m")) == ["482"]
    outsider = h.connect("dave")
    assert commands(h.send(outsider, "KICK #den carol")) == ["442"]


# -- over real sockets


@pytest.fixture
def root_account(server: ServerHandle):
    account = server.state.accounts.create("root", PASSWORD)
    server.state.privileges.set_oper(account, True)


def test_oper_kill_at_the_wire(server, connect, root_account):
    bob, carol, root = connect("bob"), connect("carol"), connect()
    root.log_in("root", "root", PASSWORD)  # the nick root is the account's
    root.expect(command="366")
    root.send(f"OPER root :{PASSWORD}")
    root.expect(command="381")
    root.expect(command="MODE", params=["root", "+o"], source=SERVER)
    root.send("KILL bob :spamming the lobby")
    last = bob.expect_closed()[-2:]
    assert last == [Message("KILL", ("bob", "spamming the lobby"), "root!root@127.0.0.1"),
                    Message("ERROR", (CLOSING,))]
    carol.expect(command="QUIT", params=[KILLED], source="bob!bob@127.0.0.1")
    root.expect(command="QUIT", params=[KILLED])
    carol.send("WHOIS bob")
    carol.expect(command="401")
    assert server.take_errors() == []


def test_oper_kill_of_a_nick_with_two_devices_closes_both_and_quits_once(server, connect,
                                                                         root_account):
    server.state.accounts.create("bob", PASSWORD)
    carol, root = connect("carol"), connect()
    root.log_in("root", "root", PASSWORD)  # the nick root is the account's
    root.expect(command="366")
    first = device(connect)
    first.expect(command="366")
    second = device(connect)
    second.expect(command="366")
    carol.expect(command="JOIN", source="bob!bob@127.0.0.1")
    root.send(f"OPER root :{PASSWORD}")
    root.expect(command="381")
    root.send("KILL bob :spamming the lobby")
    for each in (first, second):
        last = each.expect_closed()[-2:]
        assert [m.command for m in last] == ["KILL", "ERROR"] and last[1].params == (CLOSING,)
    carol.expect(command="QUIT", params=[KILLED], source="bob!bob@127.0.0.1")
    carol.send("PING :sync")
    assert [m.command for m in carol.collect_until("PONG")] == ["PONG"]  # one QUIT only
    with server.state.lock:
        assert server.state.find_nick("bob") is None and server.state.device_count == 0


def test_oper_from_one_device_is_oper_on_every_device(server, connect):
    account = server.state.accounts.create("bob", PASSWORD)
    server.state.privileges.set_oper(account, True)
    first = device(connect)
    first.expect(command="366")
    second = device(connect)
    second.expect(command="366")
    first.send(f"OPER bob :{PASSWORD}")
    first.expect(command="381")
    for each in (first, second):
        each.expect(command="MODE", params=["bob", "+o"], source=SERVER)
    second.send("KILL bob :both of us")  # its own nick: every device goes
    for each in (first, second):
        assert each.expect_closed()[-1].params == (
            f"Closing Link: {SERVER} (Killed (bob (both of us)))",)
    assert server.take_errors() == []
