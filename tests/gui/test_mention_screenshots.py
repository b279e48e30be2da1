"""Mentions in a real window: the line that names you is highlighted in the log, a conversation
with an unread mention is marked in the sidebar (and the compact menu), in light and dark, with
screenshots under tests/screenshots/; the window reports its focus and comes up when asked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from app.models.log import EntryKind, LogEntry
from app.models.users import UserItem
from app.views.base import Conversation
from app.views.window import ChatWindow
from tests.app.views.realview import close_real_view, make_real_view
from tests.gui.driver import RecordingActions, pump, screenshot
from tests.gui.test_screenshots import check_shot

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]

CONVERSATIONS = [Conversation("#lobby"), Conversation("#dev", 3, mentioned=True),
                 Conversation("bob", 1, True), Conversation("#random", 14)]


def lobby() -> list[LogEntry]:
    today = datetime.now().replace(hour=11, minute=40, second=0, microsecond=0)

    def at(minutes: int, sender: str, text: str, kind: EntryKind = EntryKind.CHAT,
           **flags: bool) -> LogEntry:
        return LogEntry(today + timedelta(minutes=minutes), sender, "#lobby", text, kind,
                        **flags)

    return [
        at(0, "bob", "who is doing the release notes?"),
        at(1, "carol", "alice: can you take the release notes?", mention=True),
        at(2, "alice", "sure, after lunch", own=True),
        at(3, "dave", "pokes alice", EntryKind.ACTION, mention=True),
        at(4, "erin", "malice is not a mention, alicex neither"),
        at(5, "bob", "thanks Alice!", mention=True),
    ]


@pytest.fixture(params=["light", "dark"])
def full(request: pytest.FixtureRequest) -> Iterator[ChatWindow]:
    view = make_real_view("full", request.param)
    yield view
    close_real_view(view)


def fill(view: ChatWindow) -> None:
    view.bind(RecordingActions())
    view.set_identity("alice", "192.168.1.5:13333")
    view.set_status("connected", "#lobby")
    view.set_users([UserItem("alice"), UserItem("bob"), UserItem("carol"), UserItem("dave"),
                    UserItem("erin")])
    view.set_conversations(CONVERSATIONS, "#lobby")
    view.show_conversation(lobby())
    pump(view)


def test_gui_mentions_are_highlighted_and_marked_in_the_sidebar(full: ChatWindow) -> None:
    fill(full)
    assert [("mention" in full.tags_at_line(line)) for line in range(1, 7)] == [
        False, True, False, True, False, True]
    assert full.conversation_lines == ["#lobby", "#dev (@ 3)", "#random (14)", "@bob (1)"]
    row = full.conversation_list.row_of("#dev")
    assert "mention" in full.conversation_list.tree.item(row, "tags")
    check_shot(screenshot(full.root, f"mention-{full.theme}"), full.root)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_gui_compact_menu_marks_the_mentioned_conversation(theme: str) -> None:
    view = make_real_view("compact", theme)
    try:
        fill(view)
        assert "#dev (@ 3)" in view.conversation_menu.lines
        check_shot(screenshot(view.root, f"mention-compact-{theme}"), view.root)
    finally:
        close_real_view(view)


def test_gui_window_present_brings_it_up_with_the_focus(full: ChatWindow) -> None:
    fill(full)
    full.root.iconify()
    pump(full)
    full.present()
    pump(full)
    assert full.root.state() == "normal"
    assert full.has_focus()
    assert full.root.focus_displayof() is not None


def test_gui_account_menu_do_not_disturb_reports_and_follows(full: ChatWindow) -> None:
    actions = RecordingActions()
    full.bind(actions)
    menu = full.header.account_menu
    index = next(i for i in range(int(menu.index("end")) + 1)
                 if menu.type(i) == "checkbutton")
    assert menu.entrycget(index, "label") == "Do not disturb"
    menu.invoke(index)
    assert actions.calls[-1] == ("on_do_not_disturb", (True,))
    full.set_do_not_disturb(False)
    menu.invoke(index)
    assert actions.calls[-1] == ("on_do_not_disturb", (True,))
    full.set_do_not_disturb(True)
    menu.invoke(index)
    assert actions.calls[-1] == ("on_do_not_disturb", (False,))


def test_gui_sidebar_menu_sets_what_a_conversation_notifies_for(full: ChatWindow) -> None:
    actions = RecordingActions()
    full.bind(actions)
    full.set_conversations([Conversation("#lobby", notify="mentions"),
                            Conversation("bob", 1, True, notify="all")], "#lobby")
    pump(full)
    tree = full.conversation_list.tree
    row = full.conversation_list.row_of("bob")
    x, y, _, height = tree.bbox(row)
    menu = full.conversation_list.notify_menu
    full.root.after(200, menu.menu.unpost)
    tree.event_generate("<ButtonPress-3>", x=x + 20, y=y + height // 2)
    pump(full)
    assert menu.name == "bob" and menu.var.get() == "all"
    assert menu.labels() == ["Notify for all messages", "Notify for mentions only",
                             "Never notify"]
    menu.choose("never")
    assert actions.calls[-1] == ("on_notify_mode", ("bob", "never"))
