"""ChannelRoster tests: our channels, NAMES replies and MODE changes, as plain lists."""

from app.models.features import ServerFeatures
from app.models.roster import ChannelRoster


def roster_of(*tokens: str) -> tuple[ChannelRoster, ServerFeatures]:
    features = ServerFeatures()
    for token in tokens:
        features.apply(token)
    return ChannelRoster(features), features


def listed(roster: ChannelRoster, name: str) -> list[tuple[str, str]]:
    found = roster.get(name)
    assert found is not None
    return [(user.nick, user.prefix) for user in found.users.items()]


def test_roster_enter_keeps_join_order_and_finds_by_folded_name():
    roster, _ = roster_of()
    first = roster.enter("#Lobby")
    roster.enter("#dev")
    assert roster.enter("#LOBBY") is first
    assert roster.names() == ["#Lobby", "#dev"]
    assert roster.get("#lobby") is first and roster.get("#elsewhere") is None
    assert [channel.name for channel in roster] == ["#Lobby", "#dev"]


def test_roster_leave_forgets_the_channel():
    roster, _ = roster_of()
    roster.enter("#lobby")
    left = roster.leave("#LOBBY")
    assert left is not None and left.name == "#lobby"
    assert roster.names() == [] and roster.leave("#lobby") is None


def test_roster_names_replies_gather_until_the_end():
    roster, _ = roster_of("PREFIX=(ov)@+")
    roster.enter("#lobby")
    roster.add_names("#lobby", "@alice +bob")
    roster.add_names("#LOBBY", "carol")
    assert listed(roster, "#lobby") == []
    users = roster.end_names("#lobby")
    assert users.nicks() == ["alice", "bob", "carol"]
    assert listed(roster, "#lobby") == [("alice", "@"), ("bob", "+"), ("carol", "")]


def test_roster_names_for_a_channel_we_are_not_in_are_returned_only():
    roster, _ = roster_of()
    roster.add_names("#elsewhere", "dave")
    assert roster.end_names("#elsewhere").nicks() == ["dave"]
    assert roster.names() == [] and roster.end_names("#none").nicks() == []


def test_roster_apply_modes_moves_prefixes_and_skips_mode_arguments():
    roster, _ = roster_of("PREFIX=(ov)@+", "CHANMODES=b,k,l,imnt")
    found = roster.enter("#lobby")
    roster.add_names("#lobby", "alice bob")
    roster.end_names("#lobby")
    assert roster.apply_modes(found, "+bko-l+v", ["*!*@spam", "key", "alice", "bob"])
    assert listed(roster, "#lobby") == [("alice", "@"), ("bob", "+")]
    assert roster.apply_modes(found, "-o", ["alice"])
    assert not roster.apply_modes(found, "+nt", [])
    assert listed(roster, "#lobby") == [("bob", "+"), ("alice", "")]


def test_roster_rekey_follows_a_casemapping_change():
    roster, features = roster_of()
    roster.enter("#a[b]")
    assert roster.get("#A{B}") is not None
    features.apply("CASEMAPPING=ascii")
    roster.rekey()
    assert roster.get("#A{B}") is None and roster.get("#A[B]") is not None
