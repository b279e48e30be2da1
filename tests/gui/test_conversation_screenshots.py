"""Screenshots of the windows with several conversations: the sidebar (or the compact menu) with
unread counts, history replayed from yesterday, the new-messages marker and a message still being
sent, in light and dark; saved under tests/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from app.models.log import EntryKind, LogEntry
from app.models.users import UserItem
from app.views.base import Conversation
from app.views.logline import MARKER_TEXT, PENDING_MARK
from app.views.window import ChatWindow
from tests.app.views.realview import close_real_view, make_real_view
from tests.gui.driver import RecordingActions, pump, screenshot
from tests.gui.test_screenshots import check_shot

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]

CONVERSATIONS = [Conversation("#lobby"), Conversation("#dev", 3), Conversation("bob", 2, True),
                 Conversation("#random", 14), Conversation("carol", 0, True)]


def lobby_entries() -> tuple[list[LogEntry], int]:
    """A realistic #lobby: yesterday's lines replayed from history, then today's unread ones,
    ending with our own message still being sent; and the index of the first unread."""
    now = datetime.now().replace(second=0, microsecond=0)
    yesterday = now.replace(hour=17, minute=2) - timedelta(days=1)
    today = now.replace(hour=9, minute=12)

    def at(base: datetime, minutes: int, sender: str, text: str,
           kind: EntryKind = EntryKind.CHAT, **flags: bool) -> LogEntry:
        return LogEntry(base + timedelta(minutes=minutes), sender, "#lobby", text, kind, **flags)

    old = [
        at(yesterday, 0, "bob", "is the build green again?", replayed=True),
        at(yesterday, 1, "carol", "yes, fixed the flaky test", replayed=True),
        at(yesterday, 3, "dave", "heads off", EntryKind.ACTION, replayed=True),
        at(yesterday, 4, "", "dave left #lobby", EntryKind.SYSTEM, replayed=True),
        at(today, 0, "", "You joined #lobby", EntryKind.SYSTEM),
        at(today, 1, "alice", "morning all!", own=True),
    ]
    new = [
        at(today, 6, "bob", "morning! coffee in 5?"),
        at(today, 7, "carol", "count me in"),
        at(today, 8, "erin", "pizza or sushi for lunch today?"),
        at(today, 9, "alice", "sushi, definitely", own=True, pending=True),
    ]
    return old + new, len(old)


@pytest.fixture(params=["light", "dark"])
def full(request: pytest.FixtureRequest) -> Iterator[ChatWindow]:
    view = make_real_view("full", request.param)
    yield view
    close_real_view(view)


def fill(view: ChatWindow) -> None:
    view.bind(RecordingActions())
    view.set_identity("alice", "192.168.1.5:13333")
    view.set_status("connected", "#lobby")
    view.set_users([UserItem("alice", "@"), UserItem("bob"), UserItem("carol"),
                    UserItem("erin", away=True)])
    view.set_conversations(CONVERSATIONS, "#lobby")
    entries, first_unread = lobby_entries()
    view.show_conversation(entries, first_unread)
    view.input.insert(0, "see you at noon")
    view.input.focus_force()
    pump(view)


def test_gui_screenshot_of_conversations_in_the_full_window(full: ChatWindow) -> None:
    fill(full)
    assert full.conversation_lines == ["#lobby", "#dev (3)", "#random (14)", "@bob (2)",
                                       "@carol"]
    assert full.current_conversation == "#lobby"
    assert MARKER_TEXT in full.log_lines and full.log_lines[-1].endswith(PENDING_MARK)
    assert full.title.startswith("(19) LocalChat")
    check_shot(screenshot(full.root, f"conversations-{full.theme}"), full.root)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_gui_screenshot_of_conversations_in_the_compact_window(theme: str) -> None:
    view = make_real_view("compact", theme)
    try:
        fill(view)
        assert view.conversation_menu.badge_text == "19 unread elsewhere"
        check_shot(screenshot(view.root, f"conversations-compact-{theme}"), view.root)
        button, menu = view.conversation_menu.button, view.conversation_menu.menu
        menu.post(button.winfo_rootx(), button.winfo_rooty() + button.winfo_height())
        try:
            pump(view)
            check_shot(screenshot(view.root, f"conversations-compact-menu-{theme}"), view.root)
        finally:
            menu.unpost()
    finally:
        close_real_view(view)
