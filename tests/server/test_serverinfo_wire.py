"""LUSERS, MOTD, TIME, VERSION, ADMIN, INFO, HELP, USERHOST, ISON and USER's realname at the wire,
against one shared server."""

from __future__ import annotations

import time

import pytest

from ircproto.version import server_version
from server.commands.table import COMMANDS
from server.helptopics import INDEX, TOPICS
from tests.server.test_who_wire import set_modes


def test_lusers_counts_and_their_numerics(client, shared_server):
    alice = client("sla")
    client("slb")
    set_modes(shared_server, "slb", "o")
    halfway = client()
    halfway.send("NICK halfway-there")  # a connection that has not registered
    halfway.send("PING :seen")  # once answered, the server has its NICK too
    halfway.expect(command="PONG")
    alice.send("JOIN #slchan")
    alice.expect(command="366")
    alice.send("LUSERS")
    replies = alice.collect_until("266")
    assert [m.command for m in replies] == ["251", "252", "253", "254", "255", "265", "266"]
    by = {m.command: m.params for m in replies}
    users = int(by["265"][1])  # others' clients may come and go: the reply agrees with itself
    assert users >= 2
    assert by["251"][1].startswith(f"There are {users} users and 0 invisible")
    assert int(by["252"][1]) >= 1 and int(by["253"][1]) >= 1 and int(by["254"][1]) >= 1
    assert by["255"][1] == f"I have {users} clients and 0 servers"
    assert int(by["265"][2]) >= users
    assert by["266"][1:3] == by["265"][1:3]


def test_motd_and_its_target(client):
    alice = client("sma")
    alice.send("MOTD")
    assert [m.command for m in alice.collect_until("376")] == ["375", "372", "372", "376"]
    alice.send("MOTD sma")  # a user on this server names it too
    alice.expect(command="376")
    alice.send("MOTD other.example")
    assert alice.expect(command="402").params[1:] == ("other.example", "No such server")


def test_time_version_admin_and_info(client):
    alice = client("sta")
    alice.send("TIME")
    reply = alice.expect(command="391")
    assert reply.params[1] == "localchat" and abs(int(reply.params[2]) - time.time()) < 60
    alice.send("TIME *chat")
    alice.expect(command="391")
    alice.send("VERSION")
    alice.send("PING version-done")  # however many 005 lines the tokens take, all come first
    replies = alice.collect_until("PONG")
    version = next(m for m in replies if m.command == "351")
    assert version.params[1:3] == (server_version(), "localchat")  # the one version
    tokens = [t for m in replies if m.command == "005" for t in m.params[1:-1]]
    assert {"WHOX", "ELIST=CMNTU", "MONITOR=100", "BOT=B"} <= set(tokens)
    alice.send("ADMIN")
    assert [m.command for m in alice.collect_until("259")] == ["256", "257", "258", "259"]
    alice.send("INFO")
    replies = alice.collect_until("374")
    assert {m.command for m in replies[:-1]} == {"371"} and len(replies) > 2
    for verb in ("TIME", "VERSION", "ADMIN", "INFO"):
        alice.send(f"{verb} nowhere.example")
        assert alice.expect(command="402").params[1] == "nowhere.example"


def test_help_index_topics_and_unknown(client):
    alice = client("sha")
    alice.send("HELP")
    replies = alice.collect_until("706")
    assert [m.command for m in replies] == ["704"] + ["705"] * len(INDEX) + ["706"]
    assert {m.params[1] for m in replies} == {"*"} and replies[1].params[2] == ""
    alice.send("HELP monitor")
    replies = alice.collect_until("706")
    assert replies[0].params[1:] == ("monitor", "** MONITOR **")  # the subject as given
    assert replies[2].params[2] == TOPICS["MONITOR"][0]
    alice.send("HELP FROBNICATE")
    assert alice.expect(command="524").params[1:] == (
        "FROBNICATE", "No help available on this topic")
    alice.send("HELP :two words")
    assert alice.expect(command="524").params[1] == "*"


def test_help_has_a_topic_for_every_command_the_server_knows():
    assert set(COMMANDS) <= set(TOPICS)
    listed = {word for line in INDEX[1:] for word in line.split(": ", 1)[1].split()}
    assert set(COMMANDS) <= listed


def test_userhost_markers_and_at_most_five(client, shared_server):
    alice = client("sua")
    bob = client("sub")
    set_modes(shared_server, "sub", "o")
    bob.send("AWAY :gone")
    bob.expect(command="306")
    alice.send("USERHOST sua SUB ghost")
    assert alice.expect(command="302").params[1] == "sua=+sua@127.0.0.1 sub*=-sub@127.0.0.1"
    alice.send("USERHOST ghost a b c d sua")  # the sixth is ignored
    assert alice.expect(command="302").params[1] == ""
    alice.send("USERHOST")
    assert alice.expect(command="461").params[1] == "USERHOST"


def test_ison_with_separate_and_trailing_params(client):
    alice = client("sia")
    client("sib")
    alice.send("ISON SIB ghost sia")
    assert alice.expect(command="303").params[1] == "sib sia"
    alice.send("ISON :ghost sib")
    assert alice.expect(command="303").params[1] == "sib"
    alice.send("ISON")
    assert alice.expect(command="461").params[1] == "ISON"


@pytest.mark.parametrize(("nick", "line"), [("suempty", "USER su 0 * :"),
                                            ("sumissing", "USER su 0 *")])
def test_user_with_an_empty_or_missing_realname_is_461(client, nick, line):
    raw = client()
    raw.send(f"NICK {nick}")
    raw.send(line)
    assert raw.expect(command="461").params[1] == "USER"
    raw.send("USER su 0 * :Real Name")  # nothing was taken: it may try again
    raw.expect(command="001")
