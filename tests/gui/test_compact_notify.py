"""The compact window (no sidebar) reaches what a conversation notifies for: a Notifications
submenu in the header's conversation menu, and a right-click on the conversation's name; both go
through the controller's on_notify_mode, like the sidebar's menu."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.views.base import Conversation
from app.views.conversations import NOTIFY_LABEL, ConversationMenu
from app.views.window import CompactWindow
from server.tcp import ServerHandle
from tests.app.views.realview import close_real_view, make_real_view
from tests.gui.driver import RecordingActions, press, pump, screenshot
from tests.gui.live import close_chat, open_chat, wait_until

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]


@pytest.fixture
def compact() -> Iterator[CompactWindow]:
    view = make_real_view("compact")
    assert isinstance(view, CompactWindow)
    yield view
    close_real_view(view)


def submenu_of(menu: ConversationMenu) -> tuple[str, str, list[str]]:
    """The Notifications entry's label, which conversation its submenu is about, what it ticks
    and its choices."""
    index = menu.notify_entry
    assert index >= 0, "no Notifications submenu"
    assert str(menu.menu.entrycget(index, "menu")) == str(menu.notify_submenu.menu)
    return (str(menu.menu.entrycget(index, "label")), menu.notify_submenu.name,
            [str(menu.notify_submenu.var.get()), *menu.notify_submenu.labels()])


def test_gui_compact_menu_offers_notifications_for_the_conversation_shown(
        compact: CompactWindow) -> None:
    actions = RecordingActions()
    compact.bind(actions)
    compact.set_conversations([Conversation("#lobby", notify="mentions"),
                               Conversation("bob", 1, True, notify="all")], "bob")
    pump(compact)
    menu = compact.conversation_menu
    assert submenu_of(menu) == (NOTIFY_LABEL, "bob", [
        "all", "Notify for all messages", "Notify for mentions only", "Never notify"])
    assert menu.lines == ["#lobby", "@bob (1)"]  # the submenu is not a conversation
    menu.notify_submenu.choose("never")
    assert actions.calls[-1] == ("on_notify_mode", ("bob", "never"))
    compact.set_conversations([Conversation("#lobby", notify="mentions"),
                               Conversation("bob", 1, True, notify="never")], "#lobby")
    assert submenu_of(menu)[1:] == ("#lobby", ["mentions", *menu.notify_submenu.labels()])


def test_gui_compact_right_click_on_the_conversation_name_offers_the_same_choices(
        compact: CompactWindow) -> None:
    actions = RecordingActions()
    compact.bind(actions)
    compact.set_conversations([Conversation("#lobby", notify="mentions")], "#lobby")
    pump(compact)
    menu = compact.conversation_menu
    compact.root.after(200, menu.notify_menu.menu.unpost)
    menu.button.event_generate("<Button-3>", x=10, y=10)
    pump(compact)
    assert (menu.notify_menu.name, menu.notify_menu.var.get()) == ("#lobby", "mentions")
    menu.notify_menu.choose("all")
    assert actions.calls[-1] == ("on_notify_mode", ("#lobby", "all"))
    compact.set_conversations([Conversation("#lobby", notify="never")], "#lobby")
    compact.root.after(200, menu.notify_menu.menu.unpost)
    press(menu.button, "<Shift-F10>")  # the keyboard's way, under the button
    pump(compact)
    assert menu.notify_menu.var.get() == "never"


def test_gui_compact_no_submenu_where_a_conversation_cannot_notify(
        compact: CompactWindow) -> None:
    actions = RecordingActions()
    compact.bind(actions)
    compact.set_conversations([Conversation("server")], "server")  # its notify is ''
    pump(compact)
    menu = compact.conversation_menu
    assert menu.notify_entry == -1
    menu.button.event_generate("<Button-3>", x=10, y=10)
    pump(compact)
    assert menu.notify_menu.name == "" and actions.calls == []


def test_gui_compact_choice_is_remembered_and_shown_like_notify(
        server: ServerHandle, tmp_path: Path) -> None:
    chat = open_chat(server, tmp_path, "compact")
    try:
        view = chat.view
        assert isinstance(view, CompactWindow)
        menu = view.conversation_menu
        wait_until(view, lambda: menu.notify_submenu.name == "#lobby", "#lobby shown")
        assert menu.notify_submenu.var.get() == "mentions"  # a channel's default
        menu.notify_submenu.choose("never")
        chat.wait_for_log("#lobby notifies for nothing (never)")
        wait_until(view, lambda: menu.notify_submenu.var.get() == "never", "the new mode ticked")
        saved = json.loads((tmp_path / "config" / "settings.json").read_text())
        assert saved["notify"] == {"#lobby": "never"}
        chat.controller.on_send("/notify")
        chat.wait_for_log("#lobby notifies for nothing (never)")
        view.root.after(300, menu.menu.unpost)
        menu.menu.post(menu.button.winfo_rootx(),
                       menu.button.winfo_rooty() + menu.button.winfo_height())
        menu.menu.activate(menu.notify_entry)
        menu.menu.tk.call(menu.menu, "postcascade", menu.notify_entry)
        pump(view)
        screenshot(view.root, "compact-notify-menu")
    finally:
        close_chat(chat)
