"""Modern messaging in the real window (under Xvfb): the log's menu offers Reply, React and
Delete only where allowed, the reply bar, a reaction chip click, a multiline message, a reply's
quote and a deleted message on their lines; screenshots in light and dark."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from app.models.log import EntryKind, LogEntry
from app.models.users import UserItem
from app.views.base import Conversation, MessageActions
from app.views.window import ChatWindow
from tests.app.views.realview import close_real_view, make_real_view
from tests.gui.driver import RecordingActions, click, press, pump, screenshot
from tests.gui.test_screenshots import check_shot

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]
NOW = datetime.now().replace(hour=9, minute=30, second=0, microsecond=0)


def at(minutes: int, sender: str, text: str, msgid: str, **more: object) -> LogEntry:
    return LogEntry(NOW + timedelta(minutes=minutes), sender, "#lobby", text, EntryKind.CHAT,
                    msgid=msgid, **more)  # type: ignore[arg-type]


ENTRIES = [
    at(0, "bob", "the deploy is at 3pm, anyone around?", "m1",
       reactions=(("✔", ("carol", "alice")), ("★", ("dave",)))),
    at(1, "carol", "here's the checklist:\n1. freeze main\n2. tag the release\n3. watch the "
       "dashboards", "m2"),
    at(2, "alice", "I'll be there", "m3", own=True, reply_to="m1",
       quote="bob: the deploy is at 3pm, anyone around?"),
    at(3, "dave", "", "m4", deleted=True),
    at(4, "erin", "can someone share the runbook?", "m5", reply_to="gone",
       quote="(message not loaded)"),
]


@pytest.fixture(params=["light", "dark"])
def view(request: pytest.FixtureRequest) -> Iterator[ChatWindow]:
    window = make_real_view("full", request.param)
    yield window
    close_real_view(window)


def fill(view: ChatWindow) -> RecordingActions:
    actions = RecordingActions()
    view.bind(actions)
    view.set_identity("alice", "192.168.1.5:13333")
    view.set_status("connected", "#lobby")
    view.set_users([UserItem("alice"), UserItem("bob"), UserItem("carol"), UserItem("dave"),
                    UserItem("erin")])
    view.set_conversations([Conversation("#lobby")], "#lobby")
    view.show_conversation(ENTRIES)
    view.set_message_actions(MessageActions(reply=True, react=True, delete="own"))
    pump(view)
    return actions


def line_of(view: ChatWindow, needle: str) -> tuple[int, int]:
    """The screen position (in the log Text) of needle's first character."""
    text = view.log_text
    index = text.search(needle, "1.0", "end")
    assert index, f"{needle!r} is not in the log"
    text.see(index)
    text.update()
    x, y, width, height = text.bbox(index)
    return x + width // 2 + 1, y + height // 2


def menu_on(view: ChatWindow, needle: str) -> list[str]:
    """Open the log's menu over needle; its labels."""
    x, y = line_of(view, needle)
    text = view.log_text
    text.event_generate("<Button-3>", x=x, y=y, rootx=text.winfo_rootx() + x,
                        rooty=text.winfo_rooty() + y, when="now")
    pump(view)
    messages = view.log_tools.messages
    labels = messages.labels()
    view.root.tk.call("tk::MenuUnpost", str(view.log_tools.log_menu.menu))
    pump(view)
    return labels


def test_gui_message_lines_menu_chips_and_reply_bar(view: ChatWindow) -> None:
    actions = fill(view)
    lines = view.log_lines
    assert lines[0].endswith("<bob> the deploy is at 3pm, anyone around?")
    assert lines[1].strip() == "✔ 2 carol, alice    ★ 1 dave"
    assert lines[2].endswith("<carol> here's the checklist:") and lines[3] == "1. freeze main"
    assert lines[6] == "\u21aa bob: the deploy is at 3pm, anyone around?"
    assert lines[8].endswith("<dave> message deleted")
    assert lines[9] == "\u21aa (message not loaded)"
    assert "chip" in view.tags_at_line(2) and "cont" in view.tags_at_line(4)
    assert "deleted" in view.tags_at_line(9) and "quote" in view.tags_at_line(7)

    assert menu_on(view, "the deploy") == ["Copy", "Copy link", "Select all", "Reply", "React"]
    assert menu_on(view, "freeze main") == ["Copy", "Copy link", "Select all", "Reply", "React"]
    assert menu_on(view, "I'll be there")[-1] == "Delete"  # our own
    assert menu_on(view, "message deleted") == ["Copy", "Copy link", "Select all"]
    view.log_tools.messages.entry = ENTRIES[1]
    view.log_tools.messages.reply()
    assert actions.calls[-1] == ("on_reply", (ENTRIES[1],))

    x, y = line_of(view, "1 dave")
    view.log_text.event_generate("<Motion>", x=x, y=y, when="now")  # the mouse comes first
    pump(view)
    assert str(view.log_text.cget("cursor")) == "hand2"
    click(view.log_text, x, y)
    assert actions.calls[-1] == ("on_react", (ENTRIES[0], "★"))

    view.set_reply("Replying to carol: here's the checklist:…")
    pump(view)
    bar = view.log_tools.messages.reply_bar
    assert bar.text == "Replying to carol: here's the checklist:…"
    check_shot(screenshot(view.root, f"messaging-{view.theme}"), view.root)
    bar.cancel_button.invoke()
    assert actions.calls[-1] == ("on_cancel_reply", ())
    view.set_reply("")
    pump(view)
    assert bar.text == ""

    press(view.input, "<Control-r>")
    assert actions.calls[-1] == ("on_reply", (None,))

    x, y = line_of(view, "\u21aa bob: the deploy")
    view.log_text.event_generate("<Motion>", x=x, y=y, when="now")
    click(view.log_text, x, y)  # the quote: its parent is shown, highlighted
    assert view.log_text.tag_ranges("revealed")
    assert str(view.log_text.tag_ranges("revealed")[0]).startswith("1.")
    assert not view.log_tools.messages.show_parent(view.log_text.search("(message not", "1.0"))


def test_gui_message_update_keeps_the_other_lines_and_nothing_is_offered_without_caps(
        view: ChatWindow) -> None:
    actions = fill(view)
    before = view.log_lines
    grown = replace(ENTRIES[2], reactions=(("❤", ("bob",)),))
    view.update_entry(ENTRIES[2], grown)
    view.update_entry(ENTRIES[0], replace(ENTRIES[0], reactions=()))
    pump(view)
    after = view.log_lines
    assert after[0] == before[0] and after[1:5] == before[2:6]
    assert after[6] == before[7] and after[7].strip() == "❤ 1 bob" and after[-1] == before[-1]
    view.set_message_actions(MessageActions())
    assert menu_on(view, "the deploy") == ["Copy", "Copy link", "Select all"]
    press(view.input, "<Control-r>")
    assert "on_reply" not in actions.names()


def test_gui_shift_enter_starts_a_new_line_of_the_same_message(view: ChatWindow) -> None:
    actions = fill(view)
    view.input.insert(0, "first")
    press(view.input, "<Shift-Return>")
    view.input.insert("end", "second")
    assert view.input.get() == "first\u21b5second"  # a line feed would be drawn as a box
    press(view.input, "<Return>")
    assert actions.calls[-1] == ("on_send", ("first\nsecond",))


def test_gui_a_pasted_text_keeps_its_lines_for_one_message(view: ChatWindow) -> None:
    actions = fill(view)
    view.input.delete(0, "end")
    view.root.clipboard_clear()
    view.root.clipboard_append("roses\r\nviolets")
    view.input.focus_force()
    view.input.event_generate("<<Paste>>")
    pump(view)
    assert view.input.get() == "roses\u21b5violets"
    press(view.input, "<Return>")
    assert actions.calls[-1] == ("on_send", ("roses\nviolets",))
