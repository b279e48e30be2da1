"""LUSERS' counts kept as things change (server.census) agree with counting every client, after
registering, +i/-i, OPER and -o, a second device, a promoted device, a quit and a KILL."""

from __future__ import annotations

from server.commands.base import is_operator
from tests.server.fakes import PASSWORD, Harness, commands
from tests.server.test_caps import joined
from tests.server.test_oper import oper_account


def recount(h: Harness) -> tuple[int, int, int, int]:
    """users, invisible, operators, unknown connections: counted over every client."""
    state = h.state
    users = [c for c in state.nicks.values() if c.registered and c.primary is None]
    return (len(users), sum("i" in c.modes for c in users), sum(map(is_operator, users)),
            sum(not c.registered for c in state.clients))


def lusers(h: Harness, client) -> dict[str, list[str]]:
    return {reply.command: list(reply.params) for reply in h.send(client, "LUSERS")}


def check(h: Harness, watcher) -> tuple[int, int, int, int]:
    """The census's counts, which must be recount()'s, and LUSERS shows them."""
    census, state = h.state.census, h.state
    kept = (len(census.users), len(census.invisible), len(census.opers),
            len(state.clients) - len(census.users) - state.device_count)
    assert kept == recount(h)
    users, invisible, opers, unknown = kept
    shown = lusers(h, watcher)
    assert shown["251"][-1] == f"There are {users - invisible} users and {invisible} invisible" \
        " on 1 servers"
    assert shown.get("252", ["", "0"])[1] == str(opers)
    assert shown.get("253", ["", "0"])[1] == str(unknown)
    return kept


def test_census_follows_registrations_modes_devices_and_leaving():
    h = Harness()
    oper_account(h)
    alice = joined(h, "alice")
    assert check(h, alice) == (1, 0, 0, 0)
    h.connect()  # not registered yet
    bob = joined(h, "bob")
    h.send(bob, "MODE bob +i")
    assert check(h, alice) == (2, 1, 0, 1)
    root = h.log_in("root")
    assert commands(h.send(root, f"OPER root :{PASSWORD}")) == ["381", "MODE"]
    second = h.log_in("root")  # a device: the same user
    assert check(h, alice) == (3, 1, 1, 1)
    h.send(root, "QUIT :moving")  # second is root now, still an operator
    assert check(h, alice) == (3, 1, 1, 1)
    h.send(second, "MODE root +i")
    assert check(h, alice) == (3, 2, 1, 1)
    h.send(second, "KILL bob :enough")
    assert check(h, alice) == (2, 1, 1, 1)
    h.send(second, "MODE root -o")
    assert check(h, alice) == (2, 1, 0, 1)
    h.send(second, "QUIT :done")
    assert check(h, alice) == (1, 0, 0, 1)
