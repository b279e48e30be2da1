"""NAMES from outside a channel leaves out its invisible (+i) members, as Modern IRC says; its
members see everyone."""

from __future__ import annotations

from tests.server.fakes import Harness
from tests.server.test_caps import joined


def names(h: Harness, client, channel: str) -> list[str]:
    replies = h.send(client, f"NAMES {channel}")
    assert replies[-1].command == "366"
    return [nick.lstrip("@+") for reply in replies if reply.command == "353"
            for nick in reply.params[-1].split()]


def test_names_from_outside_leaves_out_invisible_members():
    h = Harness()
    alice, bob, carol = joined(h, "alice"), joined(h, "bob"), joined(h, "carol")
    h.send(alice, "MODE alice +i", "JOIN #dev")
    h.send(carol, "JOIN #dev")
    assert sorted(names(h, bob, "#dev")) == ["carol"]
    assert sorted(names(h, carol, "#dev")) == ["alice", "carol"]
    h.send(alice, "MODE alice -i")
    assert sorted(names(h, bob, "#dev")) == ["alice", "carol"]
