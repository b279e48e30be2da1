"""WHO, WHOX, WHOIS and WHOWAS at the wire (Modern IRC, IRCv3 whox), against one shared server."""

from __future__ import annotations

import time

from server.tcp import ServerHandle
from tests.server.ircclient import RawClient


def set_modes(server: ServerHandle, nick: str, letters: str) -> None:
    """Give nick user modes directly (+o, +B are the server's to grant)."""
    with server.state.lock:
        found = server.state.find_nick(nick)
        assert found is not None
        found.modes.update(letters)
        server.state.census.moded(found)  # LUSERS counts +i and +o (server.census)


def who(raw: RawClient, line: str) -> tuple[list[tuple[str, ...]], tuple[str, ...]]:
    """The 352/354 params (without our nick) of a WHO, and its 315's params."""
    raw.send(line)
    replies = raw.collect_until("315")
    rows = [m.params[1:] for m in replies if m.command in ("352", "354")]
    return rows, replies[-1].params


def test_who_channel_members_with_flags_and_end_with_the_mask_as_given(client, shared_server):
    alice, bob = client("wca"), client("wcb", caps="multi-prefix")
    alice.send("JOIN #WhoChan")
    alice.expect(command="366")
    bob.send("JOIN #whochan")
    bob.expect(command="366")
    alice.send("MODE #whochan +v wca")
    alice.expect(command="MODE")
    bob.send("AWAY :lunch")
    bob.expect(command="306")
    rows, end = who(alice, "WHO #WHOCHAN")
    assert sorted(rows) == [
        ("#WhoChan", "wca", "127.0.0.1", "localchat", "wca", "H@", "0 Real wca"),
        ("#WhoChan", "wcb", "127.0.0.1", "localchat", "wcb", "G", "0 Real wcb"),
    ]
    assert end == ("wca", "#WHOCHAN", "End of WHO list")
    rows, _ = who(bob, "WHO #whochan")  # multi-prefix: every prefix
    assert [row[5] for row in rows if row[4] == "wca"] == ["H@+"]


def test_who_invisible_users_only_to_those_sharing_a_channel(client, shared_server):
    alice, bob, carol = client("wia"), client("wib"), client("wic")
    for raw in (alice, bob):
        raw.send("JOIN #whoinv")
        raw.expect(command="366")
    bob.send("MODE wib +i")
    bob.expect(command="MODE")
    assert {row[4] for row in who(carol, "WHO #whoinv")[0]} == {"wia"}  # outside: bob hidden
    assert {row[4] for row in who(alice, "WHO #whoinv")[0]} == {"wia", "wib"}
    assert {row[4] for row in who(carol, "WHO wi*")[0]} == {"wia", "wic"}
    assert {row[4] for row in who(alice, "WHO wi*")[0]} == {"wia", "wib", "wic"}
    assert [row[4] for row in who(carol, "WHO wib")[0]] == ["wib"]  # the exact nick: shown
    assert who(carol, "WHO wib")[0][0][0] == "#whoinv"  # a channel carol may see


def test_who_secret_channel_and_unknown_masks_give_only_the_end(client, shared_server):
    alice, outsider = client("wsa"), client("wsb")
    alice.send("JOIN #whosecret")
    alice.expect(command="366")
    alice.send("MODE #whosecret +s")
    alice.expect(command="MODE")
    assert who(outsider, "WHO #whosecret") == ([], ("wsb", "#whosecret", "End of WHO list"))
    assert who(outsider, "WHO #nosuchchannel")[0] == []
    assert who(outsider, "WHO ghost-nick")[0] == []
    assert who(outsider, "WHO wsa")[0][0][0] == "*"  # its only channel is secret


def test_who_masks_match_nick_user_host_and_realname_casemapped(client, shared_server):
    client("wm{x}")
    other = client("wmother")
    assert [row[4] for row in who(other, "WHO WM[*")[0]] == ["wm{x}"]  # rfc1459: [ is {
    assert [row[4] for row in who(other, "WHO *l?wm{x}")[0]] == ["wm{x}"]  # "Real wm{x}"
    assert "wm{x}" in {row[4] for row in who(other, "WHO 127.0.0.*")[0]}
    assert "wm{x}" in {row[4] for row in who(other, "WHO *")[0]}
    assert [row[4] for row in who(other, "WHO wm?x?")[0]] == ["wm{x}"]
    assert who(other, "WHO wm?x")[0] == []  # a mask matches the whole nick


def test_who_o_lists_operators_only_with_the_star_flag(client, shared_server):
    client("woper")
    viewer = client("woplain")
    set_modes(shared_server, "woper", "oB")
    rows, _ = who(viewer, "WHO wo* o")
    assert [(row[4], row[5]) for row in rows] == [("woper", "H*B")]
    assert {row[4] for row in who(viewer, "WHO wo*")[0]} == {"woper", "woplain"}
    assert who(viewer, "WHO wo* o%n")[0] == [("woper",)]  # flags before WHOX's %


def test_whox_fields_token_and_ip_only_for_oneself(client, shared_server):
    alice = client("wxa")
    client("wxb")
    assert who(alice, "WHO wxb %tni,123")[0] == [("123", "255.255.255.255", "wxb")]
    assert who(alice, "WHO wxa %ni")[0] == [("127.0.0.1", "wxa")]
    assert who(alice, "WHO wxb %tn")[0] == [("wxb",)]  # t without a token is dropped
    assert who(alice, "WHO wxb %cuhsnfdlar")[0] == [
        ("*", "wxb", "127.0.0.1", "localchat", "wxb", "H", "0", who(alice, "WHO wxb %l")[0][0][0],
         "0", "Real wxb")]
    rows, end = who(alice, "WHO nobody-here %n")
    assert rows == [] and end[1] == "nobody-here"


def test_whois_gives_every_numeric_in_order_and_the_nick_as_given(client, shared_server):
    alice, bob = client("wha"), client("whb", caps="multi-prefix")
    for raw, channel in ((alice, "#whopen"), (alice, "#whsecret"), (bob, "#whopen")):
        raw.send(f"JOIN {channel}")
        raw.expect(command="366")
    alice.send("MODE #whsecret +s")
    alice.expect(command="MODE")
    alice.send("AWAY :out")
    alice.expect(command="306")
    set_modes(shared_server, "wha", "oB")
    with shared_server.state.lock:
        found = shared_server.state.find_nick("wha")
        assert found is not None
        found.account = "whacct"
    before = int(time.time())
    bob.send("WHOIS WHA")
    replies = bob.collect_until("318")
    by = {m.command: m.params for m in replies}
    assert [m.command for m in replies] == [
        "311", "319", "312", "313", "301", "330", "335", "317", "318"]
    assert by["311"] == ("whb", "wha", "wha", "127.0.0.1", "*", "Real wha")
    assert by["319"] == ("whb", "wha", "@#whopen")  # the secret channel is hidden from bob
    assert by["312"][:3] == ("whb", "wha", "localchat")
    assert by["301"] == ("whb", "wha", "out")
    assert by["330"] == ("whb", "wha", "whacct", "is logged in as")
    assert by["335"][:2] == ("whb", "wha")
    idle, signon = int(by["317"][2]), int(by["317"][3])
    assert 0 <= idle < 60 and before - 60 <= signon <= before + 1
    assert by["318"] == ("whb", "WHA", "End of /WHOIS list")
    alice.send("WHOIS wha")
    mine = {m.command: m.params for m in alice.collect_until("318")}
    assert mine["319"][2] == "@#whopen @#whsecret"


def test_whois_unknown_nick_other_server_and_the_server_form(client, shared_server):
    alice = client("wua")
    client("wub")
    alice.send("WHOIS ghost,wub")
    answered = [(m.command, m.params[1]) for m in alice.collect_until("318")]
    assert answered[:2] == [("401", "ghost"), ("311", "wub")]  # each nick of the list
    assert answered[-1] == ("318", "ghost,wub") and [c for c, _ in answered].count("318") == 1
    alice.send("WHOIS localchat wub")
    assert alice.collect_until("318")[0].command == "311"
    alice.send("WHOIS wub wub")
    assert alice.collect_until("318")[0].command == "311"
    alice.send("WHOIS irc.elsewhere.example wub")
    replies = alice.collect_until("318")
    assert [(m.command, m.params[1]) for m in replies] == [
        ("402", "irc.elsewhere.example"), ("318", "wub")]
    alice.send("WHOIS")
    assert alice.expect(command="461").params[1] == "WHOIS"


def test_whois_idle_time_counts_from_the_last_message(client, shared_server):
    alice, bob = client("wida"), client("widb")
    with shared_server.state.lock:
        found = shared_server.state.find_nick("wida")
        assert found is not None
        found.spoke_at -= 500  # as if it had said nothing for 500 s
    bob.send("WHOIS wida")
    assert int(bob.expect(command="317").params[2]) >= 500
    alice.send("PRIVMSG widb :hello")
    bob.expect(command="PRIVMSG")
    bob.send("WHOIS wida")
    assert int(bob.expect(command="317").params[2]) < 60


def test_whowas_remembers_quits_and_nick_changes_newest_first(client, shared_server):
    asker = client("wwasker")
    first = client("wwold")
    first.send("NICK wwnew")
    first.expect(command="NICK")
    first.send("NICK wwold")  # holds wwold again, then leaves with it
    first.expect(command="NICK")
    first.send("QUIT :bye")
    first.expect_closed()  # the server forgets a client before it closes the socket
    asker.send("WHOWAS wwold")
    replies = asker.collect_until("369")
    assert [m.command for m in replies] == ["314", "312", "314", "312", "369"]
    assert replies[0].params == ("wwasker", "wwold", "wwold", "127.0.0.1", "*", "Real wwold")
    assert replies[1].params[:3] == ("wwasker", "wwold", "localchat")
    assert replies[-1].params == ("wwasker", "wwold", "End of WHOWAS")
    asker.send("WHOWAS wwold 1")
    assert [m.command for m in asker.collect_until("369")] == ["314", "312", "369"]
    asker.send("WHOWAS WWNEW 0")  # not a positive count: all of them
    assert [m.command for m in asker.collect_until("369")] == ["314", "312", "369"]


def test_whowas_unknown_and_missing_nick(client, shared_server):
    asker = client("wwq")
    asker.send("WHOWAS nobody-ever")
    replies = asker.collect_until("369")
    assert [(m.command, m.params[1:]) for m in replies] == [
        ("406", ("nobody-ever", "There was no such nickname")),
        ("369", ("nobody-ever", "End of WHOWAS"))]
    asker.send("WHOWAS")
    assert asker.expect(command="461").params[1] == "WHOWAS"
    asker.send("WHOWAS :")
    assert asker.expect(command="431").params[0] == "wwq"
