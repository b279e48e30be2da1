"""The pure parts behind the queries: the WHOWAS store's bounds, LIST's ELIST query, the
MONITOR lists."""

from __future__ import annotations

import tracemalloc

import pytest

from server.elist import ChannelFacts, ElistError, parse_query
from server.monitor import Monitors
from server.whowas import WasUser, Whowas


def was(nick: str, at: float) -> WasUser:
    return WasUser(nick, "u", "h", "r", None, at)


def test_whowas_keeps_newest_first_and_a_bounded_number_per_nick():
    store = Whowas(per_nick=2, total=10)
    for at in (1, 2, 3):
        store.remember(was("Bob", at))
    assert [e.left_at for e in store.find("BOB")] == [3, 2]
    assert [e.left_at for e in store.find("bob", 1)] == [3]
    assert len(store) == 2 and store.find("nobody") == []


def test_whowas_forgets_the_oldest_of_all_past_its_total():
    store = Whowas(per_nick=5, total=3)
    for at, nick in enumerate(("a", "b", "a", "c", "d")):
        store.remember(was(nick, at))
    assert len(store) == 3
    assert [e.left_at for e in store.find("a")] == [2]
    assert store.find("b") == [] and len(store.find("d")) == 1
    with pytest.raises(ValueError):
        Whowas(per_nick=0)


def test_whowas_full_of_distinct_nicks_stays_small():
    """Churning clients with new nicks fill the store to its total, one nick per entry: each
    costs its entry and strings, not a deque of its own (~600 bytes more each)."""
    store = Whowas(total=2000)
    tracemalloc.start()
    try:
        for at in range(4000):
            nick = f"churner{at}g{at * 7}"
            store.remember(WasUser(nick, nick, "127.0.0.1", "soak", None, float(at)))
        size = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(store) == 2000
    assert size / 2000 < 700, f"{size / 2000:.0f} bytes per entry"


def facts(name: str, users: int = 1, created: float = 10, topic: float | None = None
          ) -> ChannelFacts:
    return ChannelFacts(name, users, created, topic)


def test_elist_query_conditions_masks_and_names():
    query = parse_query(("#a,#B", ">2,C<30"))
    assert query.names == ["#a", "#B"]
    assert query.wants(facts("#a", 3, 10)) and not query.wants(facts("#a", 2, 10))
    assert not query.wants(facts("#a", 3, 40))
    topics = parse_query(("T>5",))
    assert topics.wants(facts("#x", topic=6)) and not topics.wants(facts("#x", topic=None))
    masks = parse_query(("#a*,#b*,!*z",))
    assert [masks.wants(facts(n)) for n in ("#ax", "#bx", "#az", "#cx")] == [
        True, True, False, False]


@pytest.mark.parametrize("bad", [">", "<x", "C<", "T>1.5", "c>-1"])
def test_elist_query_refuses_conditions_without_a_whole_number(bad):
    with pytest.raises(ElistError):
        parse_query((bad,))


def test_monitors_both_directions_limit_and_clear():
    monitors: Monitors[str] = Monitors(limit=2)
    assert monitors.add("s1", "Bob") and monitors.add("s1", "BOB") and monitors.add("s1", "x")
    assert not monitors.add("s1", "y")  # full
    assert monitors.add("s2", "bob")
    assert monitors.watchers("bob") == {"s1", "s2"} and monitors.nicks("s1") == ["Bob", "x"]
    monitors.remove("s1", "bob")
    assert monitors.watchers("BOB") == {"s2"}
    monitors.clear("s2")
    assert monitors.watchers("bob") == set() and len(monitors) == 1
