"""UserList tests: sorting ops, voiced, others; casefolded keys; NAMES entries; prefix changes."""

from app.models.users import UserItem, UserList


def test_userlist_sorts_ops_then_voiced_then_others_case_insensitively():
    users = UserList()
    for nick, prefix in [("zed", ""), ("Bob", "+"), ("amy", "@"), ("Carl", ""), ("al", "+"),
                         ("Zoe", "@")]:
        users.add(nick, prefix)
    assert users.nicks() == ["amy", "Zoe", "al", "Bob", "Carl", "zed"]
    assert users.items()[0] == UserItem("amy", "@")


def test_userlist_keys_nicks_by_rfc1459_casefolding():
    users = UserList("rfc1459")
    users.add("Nick[away]")
    assert "nick{AWAY}" in users
    assert users.remove("NICK{away}")
    assert len(users) == 0


def test_userlist_ascii_casemapping_keeps_brackets_distinct():
    users = UserList("ascii")
    users.add("a[b]")
    assert "a{b}" not in users
    assert "A[B]" in users


def test_userlist_add_entry_reads_prefixes_and_userhost():
    users = UserList()
    for entry in ["@+alice", "+bob", "carol!c@host", "@dave!d@h"]:
        users.add_entry(entry)
    assert [(u.nick, u.prefix) for u in users.items()] == [
        ("alice", "@"), ("dave", "@"), ("bob", "+"), ("carol", "")]


def test_userlist_set_prefix_keeps_next_highest_when_op_removed():
    users = UserList()
    users.add_entry("@+alice")
    assert users.set_prefix("alice", "@", False)
    assert users.items() == [UserItem("alice", "+")]
    assert not users.set_prefix("nobody", "@", True)


def test_userlist_rename_keeps_prefix_and_reports_unknown():
    users = UserList()
    users.add("bob", "@")
    assert users.rename("BOB", "robert")
    assert users.items() == [UserItem("robert", "@")]
    assert "bob" not in users
    assert not users.rename("ghost", "x")


def test_userlist_ignores_prefixes_the_server_does_not_use():
    users = UserList(prefixes="@+")
    users.add("amy", "%")
    assert users.items() == [UserItem("amy", "")]
