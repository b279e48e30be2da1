"""How the conversation lists order and word their items (no Tk needed)."""

from __future__ import annotations

from app.views.base import Conversation
from app.views.conversations import badge, kind, line, listed


def test_listed_puts_channels_first_keeping_each_group_in_order() -> None:
    given = [Conversation("bob", private=True), Conversation("#b"), Conversation("(server)"),
             Conversation("alice", private=True), Conversation("#a")]
    assert [c.name for c in listed(given)] == ["#b", "(server)", "#a", "bob", "alice"]
    assert listed([]) == []


def test_badge_shows_counts_and_caps_them() -> None:
    assert [badge(n) for n in (0, -2, 1, 42, 999, 1000)] == ["", "", "1", "42", "999", "999+"]


def test_line_marks_private_chats_and_unread() -> None:
    assert line(Conversation("#lobby")) == "#lobby"
    assert line(Conversation("#dev", 3)) == "#dev (3)"
    assert line(Conversation("bob", 2, True)) == "@bob (2)"
    assert line(Conversation("carol", 0, True)) == "@carol"
    assert line(Conversation("#flood", 5000)) == "#flood (999+)"


def test_kind_tells_channels_private_chats_and_the_server_apart() -> None:
    assert [kind(Conversation(name)) for name in ("#lobby", "&local", "(server)", "")] == [
        "channel", "channel", "server", "server"]
    assert kind(Conversation("#odd-but-private", private=True)) == "private"
