"""The count of connections per enabled capability (server.capholders) agrees with the
connections themselves after CAP LS 302, REQ and -REQ, devices and leaving; a capability
enabled after registration is seen by the next JOIN (extended-join) and AWAY on JOIN."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import server
from server.capholders import CapHolders
from tests.server.fakes import Harness, find
from tests.server.test_caps import joined


def recount(h: Harness) -> dict[str, int]:
    return dict(Counter(cap for client in h.state.clients for cap in client.caps))


def test_capholders_counts_each_change_once():
    holders = CapHolders()
    holders.changed(set(), {"a", "b"})
    holders.changed(set(), {"a"})
    holders.changed({"a", "b"}, {"b", "c"})
    assert holders.counts() == {"a": 1, "b": 1, "c": 1}
    holders.changed({"a"}, set())
    assert not holders.holds("a") and holders.holds("c")


def test_capholders_follow_requests_devices_and_leaving():
    h = Harness()
    alice = joined(h, "alice", "extended-join", "away-notify")
    bob = joined(h, "bob")
    h.send(bob, "CAP LS 302", "CAP REQ :extended-join")
    first = h.log_in("carol", "away-notify")
    second = h.log_in("carol", "extended-join")  # a device of carol
    assert h.state.cap_holders.counts() == recount(h)
    h.send(alice, "CAP REQ :-away-notify")
    h.send(bob, "CAP REQ :extended-join")  # again: nothing changes
    assert h.state.cap_holders.counts() == recount(h)
    for client in (first, alice, bob, second):
        h.send(client, "QUIT")
        assert h.state.cap_holders.counts() == recount(h)
    assert recount(h) == {}


def test_capholders_a_capability_enabled_after_registration_counts_at_the_next_join():
    h = Harness()
    alice, bob = joined(h, "alice"), joined(h, "bob")
    h.send(bob, "AWAY :out")
    h.send(alice, "JOIN #x")
    h.send(alice, "CAP REQ :extended-join away-notify")  # the only connection with them
    h.send(bob, "JOIN #x")
    seen = h.peek(alice)
    assert find(seen, "JOIN").params == ("#x", "*", "R")
    assert find(seen, "AWAY").params == ("out",)


def test_capholders_capabilities_change_only_in_cap_negotiation():
    """Only server.commands.capabilities changes a connection's caps (and tells the count)."""
    changes = []
    for path in sorted(Path(server.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                if isinstance(owner, ast.Attribute) and owner.attr == "caps":
                    if node.func.attr in ("add", "discard", "remove", "update", "clear", "pop"):
                        changes.append(f"{path.name}:{node.lineno}")
            targets = node.targets if isinstance(node, ast.Assign) else []
            changes += [f"{path.name}:{node.lineno}" for target in targets
                        if isinstance(target, ast.Attribute) and target.attr == "caps"]
    assert changes and all(change.startswith("capabilities.py:") for change in changes), changes
