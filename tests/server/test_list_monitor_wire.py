"""LIST with ELIST filters, and MONITOR with extended-monitor, at the wire (one shared server)."""

from __future__ import annotations

from server.tcp import ServerHandle
from tests.server.ircclient import RawClient


def listed(raw: RawClient, line: str) -> list[tuple[str, ...]]:
    """The (channel, count, topic) of each 322 a LIST gets; it starts with 321, ends with 323."""
    raw.send(line)
    replies = raw.collect_until("323")
    assert replies[0].command == "321" and replies[-1].params[1] == "End of /LIST", replies
    return [m.params[1:] for m in replies if m.command == "322"]


def age(server: ServerHandle, channel: str, created_minutes: float, topic_minutes: float) -> None:
    """Make channel look created and its topic set that many minutes ago."""
    with server.state.lock:
        found = server.state.find_channel(channel)
        assert found is not None
        now = server.state.wall_clock()
        found.created_at, found.topic_at = now - created_minutes * 60, now - topic_minutes * 60


def join(raw: RawClient, channel: str, topic: str = "") -> None:
    raw.send(f"JOIN {channel}")
    raw.expect(command="366")
    if topic:
        raw.send(f"TOPIC {channel} :{topic}")
        raw.expect(command="TOPIC")


def test_list_filters_by_users_times_and_masks(client, shared_server):
    alice, bob = client("lsa"), client("lsb")
    join(alice, "#lsone", "one topic")
    join(alice, "#lstwo", "two topic")
    join(bob, "#lstwo")
    join(alice, "#lsthree")
    age(shared_server, "#lsone", 120, 90)
    age(shared_server, "#lstwo", 5, 2)
    names = lambda line: sorted(row[0] for row in listed(bob, line))  # noqa: E731
    assert names("LIST #lsone,#LSTWO") == ["#lsone", "#lstwo"]
    assert listed(bob, "LIST #lstwo") == [("#lstwo", "2", "two topic")]
    assert names("LIST #ls*") == ["#lsone", "#lsthree", "#lstwo"]
    assert names("LIST #ls*,!*two") == ["#lsone", "#lsthree"]
    assert "#lstwo" in names("LIST >1") and "#lsone" not in names("LIST >1")
    assert "#lsone" in names("LIST <2") and "#lstwo" not in names("LIST <2")
    assert names("LIST #ls* C>60") == ["#lsone"]  # created more than an hour ago
    assert names("LIST #ls*,C<60") == ["#lsthree", "#lstwo"]
    assert names("LIST #ls*,T<10") == ["#lstwo"]  # #lsthree has no topic: no topic time
    assert names("LIST #ls*,T>10,C>100") == ["#lsone"]


def test_list_hides_secret_channels_and_refuses_bad_conditions(client):
    alice, bob = client("lha"), client("lhb")
    join(alice, "#lhsecret")
    alice.send("MODE #lhsecret +s")
    alice.expect(command="MODE")
    assert listed(bob, "LIST #lhsecret") == []
    assert "#lhsecret" not in {row[0] for row in listed(bob, "LIST")}
    assert listed(alice, "LIST #lhsecret") == [("#lhsecret", "1", "")]
    bob.send("LIST >many")
    error = bob.expect(command="400")
    assert error.params[1] == "LIST" and ">many" in error.params[2]
    assert bob.expect(command="323", skip=False).params[1] == "End of /LIST"


def test_monitor_add_list_status_remove_and_clear(client):
    watcher = client("mwa")
    client("mwb")
    watcher.send("MONITOR + mwb,MWghost")
    assert watcher.expect(command="730").params == ("mwa", "mwb!mwb@127.0.0.1")
    assert watcher.expect(command="731").params == ("mwa", "MWghost")
    watcher.send("MONITOR + mwb")  # already there: not added again, its status said again
    assert watcher.expect(command="730", skip=False).params[1] == "mwb!mwb@127.0.0.1"
    watcher.send("MONITOR L")
    assert [m.params[1:] for m in watcher.collect_until("733")] == [
        ("mwb,MWghost",), ("End of MONITOR list",)]
    watcher.send("MONITOR - mwghost")
    watcher.send("MONITOR S")
    assert watcher.expect(command="730", skip=False).params[1] == "mwb!mwb@127.0.0.1"
    watcher.send("MONITOR C")
    watcher.send("MONITOR L")
    assert watcher.expect(command="733", skip=False).params[1] == "End of MONITOR list"


def test_monitor_hears_nicks_come_change_and_go(client, shared_server):
    watcher = client("mna")
    watcher.send("MONITOR + mnb,mnc")
    assert watcher.expect(command="731").params[1] == "mnb,mnc"
    other = client("mnb")
    assert watcher.expect(command="730").params[1] == "mnb!mnb@127.0.0.1"
    other.send("NICK mnc")
    assert watcher.expect(command="731").params[1] == "mnb"
    assert watcher.expect(command="730").params[1] == "mnc!mnb@127.0.0.1"
    other.send("QUIT")
    assert watcher.expect(command="731").params[1] == "mnc"


def test_monitor_errors_invalid_nicks_and_a_full_list(client, shared_server):
    watcher = client("mea")
    watcher.send("MONITOR")
    assert watcher.expect(command="461").params[1] == "MONITOR"
    watcher.send("MONITOR +")
    assert watcher.expect(command="461").params[1] == "MONITOR"
    watcher.send("MONITOR X")
    assert watcher.expect(command="400").params[1:3] == ("MONITOR", "X")
    watcher.send("MONITOR + #chan,good")
    assert watcher.expect(command="400").params[1:3] == ("MONITOR", "+")
    assert watcher.expect(command="731").params[1] == "good"
    limit = shared_server.state.monitors.limit
    watcher.send("MONITOR C")
    many = [f"mx{i}" for i in range(limit + 2)]
    for start in range(0, len(many), 40):
        watcher.send(f"MONITOR + {','.join(many[start:start + 40])}")
    full = watcher.expect(command="734")
    assert full.params[1:] == (str(limit), f"mx{limit},mx{limit + 1}", "Monitor list is full.")
    watcher.send("MONITOR L")
    listed_nicks = [n for m in watcher.collect_until("733") if m.command == "732"
                    for n in m.params[1].split(",")]
    assert listed_nicks == many[:limit]


def test_monitor_list_is_per_connection_and_goes_with_it(client, shared_server):
    watcher = client("mpa")
    watcher.send("MONITOR + mpb")
    watcher.expect(command="731")
    watcher.send("QUIT")
    watcher.expect_closed()
    with shared_server.state.lock:
        assert shared_server.state.monitors.watchers("mpb") == set()


def test_extended_monitor_away_account_and_setname_to_those_with_the_caps(client, shared_server):
    caps = "extended-monitor away-notify setname account-notify"
    watcher = client("xma", caps=caps)
    plain = client("xmb", caps="away-notify setname")  # monitors without extended-monitor
    target = client("xmc", caps="setname")
    for raw in (watcher, plain):
        raw.send("MONITOR + xmc")
        raw.expect(command="730")
    target.send("AWAY :brb")
    assert watcher.expect(command="AWAY").params == ("brb",)
    target.send("SETNAME :New Name")
    assert watcher.expect(command="SETNAME").params == ("New Name",)
    target.expect(command="SETNAME")  # its own, with setname
    plain.send("PING :nothing-before-this")
    assert plain.expect(command="PONG", skip=False).params[1] == "nothing-before-this"
