"""Moving between conversations: picks and steps in the list's order, without a window."""

from __future__ import annotations

from app.views.base import Conversation
from app.views.switcher import Switcher

CONVERSATIONS = [Conversation("bob", 2, private=True), Conversation("#lobby", 1),
                 Conversation("#dev", 4)]


def switcher_with(asked: list[str], current: str = "#lobby") -> Switcher:
    switcher = Switcher()
    switcher.on_switch = asked.append
    switcher.show(CONVERSATIONS, current)
    return switcher


def test_switcher_show_returns_the_unread_elsewhere() -> None:
    assert Switcher().show(CONVERSATIONS, "#lobby") == 6
    assert Switcher().show(CONVERSATIONS, "") == 7


def test_switcher_steps_in_the_list_order_and_wraps() -> None:
    asked: list[str] = []
    switcher = switcher_with(asked)
    assert [c.name for c in switcher.listed] == ["#lobby", "#dev", "bob"]
    assert switcher.step(1) == "break"
    switcher.step(-1)
    switcher_with(asked, "bob").step(1)
    assert asked == ["#dev", "bob", "#lobby"]


def test_switcher_pick_asks_only_for_another_conversation() -> None:
    asked: list[str] = []
    switcher = switcher_with(asked)
    switcher.pick("#lobby")
    switcher.pick("bob")
    assert asked == ["bob"]


def test_switcher_asks_nothing_before_it_is_bound() -> None:
    switcher = Switcher()
    switcher.show(CONVERSATIONS, "#lobby")
    switcher.pick("bob")
    assert switcher.step(1) == "break"
