"""Channel modes at the wire: MODE queries (324, 329), several changes in one line, +k, +l,
+i, the +b/+e/+I lists with their numerics and ends, the JOIN refusals 471/473/474/475, a
banned member's 404, MAXLIST's 478, and the errors 461, 472, 482 and 696."""

from __future__ import annotations

import pytest

from tests.server.modewire import (
    SERVER,
    Connect,
    in_channel,
    logged_in,
    oper,
    sync,
    unique,
    verbs,
)


def pair(connect: Connect) -> tuple:
    """#m<n> with its operator op<n> and a member bob<n>: (channel, op, bob, op's nick,
    bob's nick)."""
    n = unique()
    channel, op_nick, bob_nick = f"#m{n}", f"op{n}", f"bob{n}"
    op, bob = in_channel(connect, channel, op_nick, bob_nick)
    return channel, op, bob, op_nick, bob_nick


def test_mode_query_shows_flags_key_and_limit_and_the_creation_time(connect):
    channel, op, bob, op_nick, bob_nick = pair(connect)
    op.send(f"MODE {channel} +kl sesame 10")
    change = bob.expect(command="MODE", source=f"{op_nick}!{op_nick}@127.0.0.1")
    assert change.params == (channel, "+kl", "sesame", "10")
    bob.send(f"MODE {channel}")
    assert bob.expect(command="324").params == (bob_nick, channel, "+ntkl", "sesame", "10")
    created = bob.expect(command="329", skip=False)
    assert created.params[:2] == (bob_nick, channel) and created.params[2].isdigit()
    outsider_nick = f"out{unique()}"
    outsider = connect(outsider_nick)
    outsider.send(f"MODE {channel}")  # the key is for members only
    assert outsider.expect(command="324").params == (outsider_nick, channel, "+ntkl", "*", "10")


def test_mode_several_changes_in_one_line_keep_their_parameters_in_order(connect):
    channel, op, bob, _op_nick, bob_nick = pair(connect)
    op.send(f"MODE {channel} +vk-t+lb {bob_nick} key1 5 *!*@evil.example")
    change = bob.expect(command="MODE")
    assert change.params == (channel, "+vk-t+lb", bob_nick, "key1", "5", "*!*@evil.example")
    op.send(f"MODE {channel} -kl+m *")
    assert bob.expect(command="MODE").params == (channel, "-kl+m", "*")


def test_mode_unknown_letter_472_missing_nick_461_and_the_rest_still_applies(connect):
    channel, op, bob, op_nick, _ = pair(connect)
    op.send(f"MODE {channel} +zmo")
    assert op.expect(command="472").params == (op_nick, "z", "is unknown mode char to me")
    assert op.expect(command="461").params == (op_nick, "MODE", "Not enough parameters")
    assert bob.expect(command="MODE").params == (channel, "+m")
    op.expect(command="MODE", params=[channel, "+m"])
    op.send(f"MODE {channel} +k")  # Modern IRC: a type B or C mode without its parameter
    op.send(f"MODE {channel} +l")  # when set is ignored
    assert verbs(sync(op)) == []


def test_mode_changes_by_a_non_operator_get_482_but_list_queries_are_answered(connect):
    channel, op, bob, _, bob_nick = pair(connect)
    bob.send(f"MODE {channel} +i")
    assert bob.expect(command="482").params == (bob_nick, channel, "You're not channel operator")
    bob.send(f"MODE {channel} +b")
    assert bob.expect(command="368").params == (bob_nick, channel, "End of channel ban list")
    assert "MODE" not in verbs(sync(op))


def test_mode_more_parameter_changes_than_modes_allows_are_refused(connect):
    channel, op, bob, _op_nick, _ = pair(connect)
    op.send(f"MODE {channel} +bbbbb a b c d e")
    assert op.expect(command="400").params[1] == "MODE"
    assert bob.expect(command="MODE").params == (
        channel, "+bbbb", "a!*@*", "b!*@*", "c!*@*", "d!*@*")


@pytest.mark.parametrize("key", [":with spaces", ":", "x" * 33, "a,b", "::lead"])
def test_mode_key_invalid_gets_696_and_is_not_set(connect, key):
    channel, op, bob, op_nick, _ = pair(connect)
    op.send(f"MODE {channel} +k {key}")
    refusal = op.expect(command="696")
    assert refusal.params[:3] == (op_nick, channel, "k")
    assert "MODE" not in verbs(sync(bob))
    op.send(f"MODE {channel}")
    assert op.expect(command="324").params[2] == "+nt"


def test_join_with_the_key_only_and_475_without(connect):
    channel, op, _bob, _, _ = pair(connect)
    op.send(f"MODE {channel} +k sesame")
    op.expect(command="MODE")
    nick = f"carol{unique()}"
    carol = connect(nick)
    carol.send(f"JOIN {channel}")
    assert carol.expect(command="475").params == (nick, channel, "Cannot join channel (+k)")
    carol.send(f"JOIN {channel} wrong")
    carol.expect(command="475")
    carol.send(f"JOIN #other{unique()},{channel} x,sesame")  # keys pair with channels in order
    carol.expect(command="JOIN", params=[channel])
    op.send(f"MODE {channel} -k *")
    assert op.expect(command="MODE").params == (channel, "-k", "*")


@pytest.mark.parametrize("value", ["abc", "0", "-3", "1000000", "٣"])
def test_mode_limit_invalid_is_not_applied_and_told_with_696(connect, value):
    channel, op, bob, op_nick, _ = pair(connect)
    op.send(f"MODE {channel} +l {value}")
    assert op.expect(command="696").params[:4] == (op_nick, channel, "l", value)
    assert "MODE" not in verbs(sync(bob))


def test_join_past_the_limit_is_471(connect):
    channel, op, _bob, _, _ = pair(connect)
    op.send(f"MODE {channel} +l 2")
    op.expect(command="MODE")
    nick = f"carol{unique()}"
    carol = connect(nick)
    carol.send(f"JOIN {channel}")
    assert carol.expect(command="471").params == (nick, channel, "Cannot join channel (+l)")
    op.send(f"MODE {channel} -l")
    assert op.expect(command="MODE").params == (channel, "-l")
    carol.send(f"JOIN {channel}")
    carol.expect(command="JOIN", params=[channel])


def test_invite_only_is_473_unless_an_invite_exception_matches(connect):
    channel, op, _bob, op_nick, _ = pair(connect)
    n = unique()
    carol_nick, dave_nick = f"carol{n}", f"dave{n}"
    op.send(f"MODE {channel} +iI {carol_nick}")
    op.expect(command="MODE")
    carol, dave = connect(carol_nick), connect(dave_nick)
    dave.send(f"JOIN {channel}")
    assert dave.expect(command="473").params == (dave_nick, channel, "Cannot join channel (+i)")
    carol.send(f"JOIN {channel}")
    carol.expect(command="JOIN", params=[channel])
    carol.send(f"MODE {channel} I")
    entry = carol.expect(command="346")
    setter = f"{op_nick}!{op_nick}@127.0.0.1"
    assert entry.params[:4] == (carol_nick, channel, f"{carol_nick}!*@*", setter)
    end = carol.expect(command="347", skip=False)
    assert end.params == (carol_nick, channel, "End of Channel Invite Exception List")


def test_ban_list_with_setter_and_time_and_its_end(connect):
    channel, op, bob, op_nick, bob_nick = pair(connect)
    op.send(f"MODE {channel} +bb nobody *@bad.example")
    op.expect(command="MODE")
    bob.send(f"MODE {channel} b")
    first, second = bob.expect(command="367"), bob.expect(command="367", skip=False)
    setter = f"{op_nick}!{op_nick}@127.0.0.1"
    assert first.params[:4] == (bob_nick, channel, "nobody!*@*", setter)
    assert second.params[:4] == (bob_nick, channel, "*!*@bad.example", setter)
    assert first.params[4].isdigit()
    bob.expect(command="368", params=[bob_nick, channel, "End of channel ban list"], skip=False)
    op.send(f"MODE {channel} -b NOBODY")  # casemapped: the same mask
    assert op.expect(command="MODE").params == (channel, "-b", "nobody!*@*")
    op.send(f"MODE {channel} +b *@BAD.example")  # there already: no change
    assert "MODE" not in verbs(sync(op))


def test_ban_by_glob_refuses_join_474_and_an_exception_lets_in(connect):
    channel, op, _bob, _, _ = pair(connect)
    n = unique()
    carol_nick, cary_nick = f"carol{n}", f"Cary{n}"
    op.send(f"MODE {channel} +b c?r*{n}!*@127.0.0.*")
    op.expect(command="MODE")
    carol, cary = connect(carol_nick), connect(cary_nick)
    carol.send(f"JOIN {channel}")
    assert carol.expect(command="474").params == (carol_nick, channel, "Cannot join channel (+b)")
    cary.send(f"JOIN {channel}")  # 'C' matches 'c' (casemapped)
    cary.expect(command="474")
    op.send(f"MODE {channel} +e {carol_nick}")
    op.expect(command="MODE", params=[channel, "+e", f"{carol_nick}!*@*"])
    carol.send(f"JOIN {channel}")
    carol.expect(command="JOIN", params=[channel])
    op.send(f"MODE {channel} e")
    assert op.expect(command="348").params[2] == f"{carol_nick}!*@*"
    op.expect(command="349", params=[None, channel, "End of channel exception list"])


def test_banned_member_cannot_speak_404_unless_voiced(connect):
    channel, op, bob, _, bob_nick = pair(connect)
    op.send(f"MODE {channel} +b {bob_nick}")
    op.expect(command="MODE")
    bob.send(f"PRIVMSG {channel} :can you hear me")
    assert bob.expect(command="404").params == (bob_nick, channel, "Cannot send to channel")
    op.send(f"MODE {channel} +v {bob_nick}")
    bob.expect(command="MODE")
    bob.send(f"PRIVMSG {channel} :now?")
    op.expect(command="PRIVMSG", params=[channel, "now?"])


def test_account_extban_matches_the_account_whatever_the_nick(server, connect):
    channel, op, _bob, _, _ = pair(connect)
    name = f"acct{unique()}"
    op.send(f"MODE {channel} +b $a:{name.upper()}")
    op.expect(command="MODE", params=[channel, "+b", f"$a:{name.upper()}"])
    member = logged_in(server, connect, name)
    member.send(f"NICK other{name}")
    member.expect(command="NICK")
    member.send(f"JOIN {channel}")
    member.expect(command="474")
    op.send(f"MODE {channel} +b $x:what")
    assert op.expect(command="696").params[2:4] == ("b", "$x:what")


def test_lists_are_full_at_maxlist_478(connect):
    channel, op, _bob, op_nick, _ = pair(connect)
    for start in range(0, 100, 4):
        masks = " ".join(f"m{i}" for i in range(start, start + 4))
        op.send(f"MODE {channel} +bbbb {masks}")
    sync(op)
    op.send(f"MODE {channel} +e one.more")
    assert op.expect(command="478").params == (op_nick, channel, "e", "Channel list is full")


def test_operators_and_founders_are_never_locked_out(server, connect):
    n = unique()
    founder = logged_in(server, connect, f"fnd{n}")
    channel = f"#f{n}"
    founder.send(f"JOIN {channel}")  # founds it
    founder.expect(command="366")
    founder.send(f"MODE {channel} +iklb key 1 *!*@*")
    founder.expect(command="MODE")
    root = oper(server, connect, f"root{n}")
    root.send(f"JOIN {channel}")
    root.expect(command="JOIN", params=[channel])
    founder.send(f"PART {channel}")
    founder.expect(command="PART")
    founder.send(f"JOIN {channel}")  # root holds it open: banned, +i, +k, full, yet founder
    founder.expect(command="JOIN", params=[channel])
    mode = founder.expect(command="MODE")
    assert mode.params == (channel, "+o", f"fnd{n}") and mode.source == SERVER


def test_an_oper_outside_the_channel_sets_modes_and_sees_them_applied(server, connect):
    channel, _op, bob, _, _ = pair(connect)
    root = oper(server, connect, f"root{unique()}")
    root.send(f"MODE {channel} +im")
    assert root.expect(command="MODE", params=[channel]).params == (channel, "+im")
    assert bob.expect(command="MODE").params == (channel, "+im")
