"""The channel's cached NAMES lines (server.namescache): extended as members join, and right
after everything that changes them (nick, +o/+v, part, kick, quit, a promoted device), in every
variant (multi-prefix, userhost-in-names); NAMES from outside still leaves out +i members."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import server
from server.commands.base import fit_lines
from server.namescache import NamesCache, add_fitted
from tests.server.fakes import Harness
from tests.server.test_caps import joined

VARIANTS = {
    "plain": (),
    "multi-prefix": ("multi-prefix",),
    "userhost-in-names": ("userhost-in-names",),
    "both": ("multi-prefix", "userhost-in-names"),
}


def names(h: Harness, client, channel: str = "#x") -> list[str]:
    """The entries of the 353 lines client gets for NAMES channel, in order."""
    replies = h.send(client, f"NAMES {channel}")
    assert replies[-1].command == "366", replies
    return [entry for reply in replies if reply.command == "353"
            for entry in reply.params[-1].split()]


def entry(caps: tuple[str, ...], prefixes: str, nick: str) -> str:
    """What a viewer with caps sees of nick (user nick, host 127.0.0.1, as joined() makes)."""
    shown = prefixes if "multi-prefix" in caps else prefixes[:1]
    return shown + (f"{nick}!{nick}@127.0.0.1" if "userhost-in-names" in caps else nick)


@pytest.fixture(params=list(VARIANTS))
def caps(request) -> tuple[str, ...]:
    return VARIANTS[request.param]


def channel_of(h: Harness, caps: tuple[str, ...]):
    """#x with alice (its op, with caps), bob and carol; alice's NAMES has filled the cache."""
    alice, bob, carol = joined(h, "alice", *caps), joined(h, "bob"), joined(h, "carol")
    for client in (alice, bob, carol):
        h.send(client, "JOIN #x")
    assert names(h, alice) == [entry(caps, "@", "alice"), entry(caps, "", "bob"),
                               entry(caps, "", "carol")]
    assert h.state.find_channel("#x").names.kept() != []
    return alice, bob, carol


def test_names_cache_fits_lines_as_fit_lines_does():
    items = [f"{'n' * (k % 37 + 1)}{k}" for k in range(400)] + ["x" * 450, "y", "z" * 399]
    lines: list[str] = []
    for item in items:
        add_fitted(lines, item)
    assert lines == fit_lines(items)
    assert len(lines) > 20


def test_names_cache_builds_once_then_extends_a_copy():
    cache, built = NamesCache(), []

    def entries() -> list[str]:
        built.append(1)
        return ["@alice"]

    first = cache.lines((False, False), entries)
    cache.joined("", "bob", "bob!b@h")
    assert cache.lines((False, False), entries) == ["@alice bob"]
    assert first == ["@alice"] and built == [1]  # the list handed out earlier is unchanged
    cache.clear()
    assert cache.kept() == []
    assert cache.lines((False, False), entries) == ["@alice"] and built == [1, 1]


def test_names_cache_a_join_extends_every_kept_variant(caps):
    h = Harness()
    alice, _, _ = channel_of(h, caps)
    channel = h.state.find_channel("#x")
    alices = ("multi-prefix" in caps, "userhost-in-names" in caps)
    assert alices in channel.names.kept()
    dave = joined(h, "dave", "multi-prefix", "userhost-in-names")
    h.send(dave, "JOIN #x")  # its implicit NAMES builds its variant when it is not kept
    assert {alices, (True, True)} <= set(channel.names.kept())  # alice's was extended
    assert names(h, alice)[-1] == entry(caps, "", "dave")
    assert names(h, dave)[-1] == "dave!dave@127.0.0.1"


def test_names_cache_after_a_nick_change(caps):
    h = Harness()
    alice, bob, _ = channel_of(h, caps)
    h.send(bob, "NICK bobby")
    assert names(h, alice)[1] == entry(caps, "", "bobby").replace("bobby!bobby@", "bobby!bob@")


def test_names_cache_after_mode_changes(caps):
    h = Harness()
    alice, _, _ = channel_of(h, caps)
    h.send(alice, "MODE #x +v carol")
    assert names(h, alice)[2] == entry(caps, "+", "carol")
    h.send(alice, "MODE #x +o carol")
    assert names(h, alice)[2] == entry(caps, "@+", "carol")
    h.send(alice, "MODE #x -o carol")
    assert names(h, alice)[2] == entry(caps, "+", "carol")


def test_names_cache_after_part_kick_and_quit(caps):
    h = Harness()
    alice, bob, carol = channel_of(h, caps)
    dave = joined(h, "dave")
    h.send(dave, "JOIN #x")
    h.send(carol, "PART #x")
    assert names(h, alice) == [entry(caps, "@", "alice"), entry(caps, "", "bob"),
                               entry(caps, "", "dave")]
    h.send(alice, "KICK #x dave")
    assert names(h, alice) == [entry(caps, "@", "alice"), entry(caps, "", "bob")]
    h.send(bob, "QUIT :bye")
    assert names(h, alice) == [entry(caps, "@", "alice")]


def test_names_cache_an_away_change_leaves_the_entries(caps):
    h = Harness()
    alice, bob, _ = channel_of(h, caps)
    h.send(bob, "AWAY :lunch")
    assert names(h, alice)[1] == entry(caps, "", "bob")
    h.send(bob, "AWAY")
    assert names(h, alice)[1] == entry(caps, "", "bob")


def test_names_cache_outside_leaves_out_invisible_members(caps):
    h = Harness()
    alice, bob, _ = channel_of(h, caps)
    outsider = joined(h, "olga", *caps)
    h.send(bob, "MODE bob +i")
    assert names(h, outsider) == [entry(caps, "@", "alice"), entry(caps, "", "carol")]
    assert names(h, alice) == [entry(caps, "@", "alice"), entry(caps, "", "bob"),
                               entry(caps, "", "carol")]
    h.send(bob, "MODE bob -i")
    assert len(names(h, outsider)) == 3


def test_names_cache_a_promoted_device_keeps_its_place_and_modes():
    h = Harness()
    first = h.log_in("bob", "multi-prefix")
    second = h.log_in("bob", "multi-prefix")
    alice = joined(h, "alice", "multi-prefix")
    h.send(first, "JOIN #x")
    h.send(alice, "JOIN #x")
    h.send(first, "MODE #x +v bob")
    assert names(h, alice) == ["@+bob", "alice"]
    h.send(first, "QUIT :switching")  # second becomes the identity
    assert names(h, alice) == ["@+bob", "alice"]
    h.send(second, "MODE #x -o bob")
    assert names(h, alice) == ["+bob", "alice"]


def test_names_cache_members_change_only_where_the_cache_hears_of_it():
    """Membership modes are written only in server.state (join, Channel.set_member_modes),
    which keeps the cache right; anywhere else a write would leave stale NAMES."""
    writes = []
    for path in sorted(Path(server.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else []
            writes += [f"{path.name}:{node.lineno}" for target in targets
                       if isinstance(target, ast.Subscript)
                       and isinstance(target.value, ast.Attribute)
                       and target.value.attr == "members"]
    assert writes and all(write.startswith("state.py:") for write in writes), writes


def test_names_cache_a_storm_of_joins_gives_each_newcomer_every_member_in_full_lines():
    h = Harness()
    kinds = list(VARIANTS.values())
    members: list[str] = []
    for index in range(90):  # several 353 lines in every variant, each extended as they join
        caps = kinds[index % len(kinds)]
        nick = f"member{index:02d}"
        client = joined(h, nick, *caps)
        replies = h.send(client, "JOIN #storm")
        members.append(nick)
        lines = [reply.params[-1] for reply in replies if reply.command == "353"]
        expected = [entry(caps, "@" if n == "member00" else "", n) for n in members]
        assert " ".join(lines).split() == expected
        assert lines == fit_lines(expected)
