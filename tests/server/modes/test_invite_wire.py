"""INVITE at the wire: 341 and the INVITE to the invitee, one join past +i (and +b, +l) per
invite, `INVITE` alone listing one's invites (336, 337), the errors 401, 403, 442, 443, 461
and 482, and invite-notify for the channel's operators."""

from __future__ import annotations

from tests.server.modewire import (
    PASSWORD,
    Connect,
    in_channel,
    logged_in,
    sync,
    unique,
    verbs,
)


def invite_only(connect: Connect) -> tuple:
    """#i<n> under +i with its operator op<n> and a member bob<n>, and carol<n> outside."""
    n = unique()
    channel, op_nick, bob_nick, carol_nick = f"#i{n}", f"op{n}", f"bob{n}", f"carol{n}"
    op, bob = in_channel(connect, channel, op_nick, bob_nick)
    op.send(f"MODE {channel} +i")
    bob.expect(command="MODE", params=[channel, "+i"])
    return channel, op, bob, connect(carol_nick), op_nick, bob_nick, carol_nick


def test_invite_lets_the_invitee_join_once(connect):
    channel, op, _bob, carol, op_nick, _, carol_nick = invite_only(connect)
    op.send(f"INVITE {carol_nick} {channel}")
    assert op.expect(command="341").params == (op_nick, carol_nick, channel)
    invite = carol.expect(command="INVITE")
    assert invite.params == (carol_nick, channel) and invite.source.startswith(f"{op_nick}!")
    carol.send(f"JOIN {channel}")
    carol.expect(command="JOIN", params=[channel])
    carol.send(f"PART {channel}")
    carol.expect(command="PART")
    carol.send(f"JOIN {channel}")  # the invite is used up
    carol.expect(command="473", params=[carol_nick, channel, "Cannot join channel (+i)"])


def test_invite_gets_past_a_ban_and_the_limit_but_not_the_key(connect):
    channel, op, _bob, carol, _, _, carol_nick = invite_only(connect)
    op.send(f"MODE {channel} +bl {carol_nick} 2")
    op.expect(command="MODE")
    op.send(f"INVITE {carol_nick} {channel}")
    op.expect(command="341")
    op.send(f"MODE {channel} +k sesame")
    op.expect(command="MODE")
    carol.send(f"JOIN {channel}")
    carol.expect(command="475")
    carol.send(f"JOIN {channel} sesame")
    carol.expect(command="JOIN", params=[channel])


def test_invite_alone_lists_pending_invites_and_ends_with_337(connect):
    channel, op, _bob, carol, _, _, carol_nick = invite_only(connect)
    carol.send("INVITE")
    assert carol.expect(command="337").params == (carol_nick, "End of /INVITE list")
    op.send(f"INVITE {carol_nick} {channel}")
    carol.expect(command="INVITE")
    carol.send("INVITE")
    assert carol.expect(command="336").params == (carol_nick, channel)
    carol.expect(command="337", skip=False)


def test_invite_errors(connect):
    channel, op, bob, carol, op_nick, bob_nick, carol_nick = invite_only(connect)
    bob.send(f"INVITE {carol_nick} {channel}")  # +i: operators only
    assert bob.expect(command="482").params == (bob_nick, channel, "You're not channel operator")
    carol.send(f"INVITE {bob_nick} {channel}")
    assert carol.expect(command="442").params == (carol_nick, channel,
                                                  "You're not on that channel")
    op.send(f"INVITE {bob_nick} {channel}")
    assert op.expect(command="443").params == (op_nick, bob_nick, channel,
                                               "is already on channel")
    op.send(f"INVITE ghost{unique()} {channel}")
    op.expect(command="401")
    op.send(f"INVITE {carol_nick} #nowhere{unique()}")
    op.expect(command="403")
    op.send(f"INVITE {carol_nick}")
    op.expect(command="461", params=[op_nick, "INVITE", "Not enough parameters"])
    assert "INVITE" not in verbs(sync(carol))


def test_invite_without_plus_i_any_member_may_invite(connect):
    n = unique()
    channel = f"#o{n}"
    _op, bob = in_channel(connect, channel, f"op{n}", f"bob{n}")
    carol = connect(f"carol{n}")
    bob.send(f"INVITE carol{n} {channel}")
    bob.expect(command="341")
    carol.expect(command="INVITE", params=[f"carol{n}", channel])


def test_invite_notify_tells_the_operators_that_asked_for_it(connect):
    n = unique()
    channel, watcher_nick = f"#w{n}", f"watch{n}"
    op, bob = in_channel(connect, channel, f"op{n}", f"bob{n}")
    watcher = connect()
    watcher.send("CAP LS 302")
    watcher.send("CAP REQ invite-notify")
    watcher.expect(command="CAP", params=["*", "ACK", "invite-notify"])
    watcher.send("CAP END")
    watcher.register(watcher_nick)
    watcher.send(f"JOIN {channel}")
    watcher.expect(command="366", params=[watcher_nick, channel])
    op.send(f"MODE {channel} +o {watcher_nick}")
    watcher.expect(command="MODE")
    connect(f"carol{n}")
    bob.send(f"INVITE carol{n} {channel}")
    notified = watcher.expect(command="INVITE")
    assert notified.params == (f"carol{n}", channel)
    assert notified.source.startswith(f"bob{n}!")
    assert "INVITE" not in verbs(sync(op))  # an operator without invite-notify


def test_invite_stays_when_the_first_device_of_the_invitee_leaves(server, connect):
    n = unique()
    channel, name = f"#d{n}", f"dev{n}"
    op, _bob = in_channel(connect, channel, f"op{n}", f"bob{n}")
    op.send(f"MODE {channel} +i")
    op.expect(command="MODE")
    first = logged_in(server, connect, name)
    second = connect()
    second.log_in(name, name, PASSWORD)
    second.expect(command="366")
    op.send(f"INVITE {name} {channel}")
    second.expect(command="INVITE", params=[name, channel])
    first.send("QUIT :this device goes")
    first.expect_closed()
    second.send("INVITE")
    assert second.expect(command="336").params == (name, channel)
    second.send(f"JOIN {channel}")
    second.expect(command="JOIN", params=[channel])
