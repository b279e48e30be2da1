"""What only the real windows do: a read-only bounded log that follows the newest line, unread
counts in the title, themes, layout, and errors shown rather than lost."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from Xlib import X
from Xlib.display import Display

from app.models.log import EntryKind, LogEntry
from app.models.users import UserItem
from app.views.base import Conversation
from app.views.logline import MARKER_TEXT
from app.views.logpane import MAX_LOG_LINES
from app.views.window import ChatWindow
from tests.app.views.realview import close_real_view, make_real_view
from tests.gui.driver import RecordingActions, click, press, pump, when_dialog

pytestmark = pytest.mark.gui
T0 = datetime(2026, 11, 24, 9, 41)


def chat(n: int, sender: str = "bob", **flags: bool) -> LogEntry:
    return LogEntry(T0, sender, "#lobby", f"message {n}", **flags)


@pytest.fixture
def full() -> Iterator[ChatWindow]:
    view = make_real_view("full")
    view.bind(RecordingActions())
    pump(view)
    yield view
    close_real_view(view)


def test_window_log_cannot_be_typed_into_but_can_be_copied(full: ChatWindow) -> None:
    full.show_entries([chat(1)])
    press(full.log_text, "<KeyPress-x>")
    full.log_text.event_generate("<<Paste>>")
    assert full.log_lines == ["09:41  <bob> message 1"]
    full.log_text.tag_add("sel", "1.7", "1.12")
    full.log_text.event_generate("<<Copy>>")
    assert full.root.clipboard_get() == "<bob>"


def test_window_log_keeps_only_the_newest_lines(full: ChatWindow) -> None:
    total = MAX_LOG_LINES + 1200
    for start in range(0, total, 1000):
        full.show_entries([chat(n) for n in range(start, min(start + 1000, total))])
    lines = full.log_lines
    assert len(lines) == MAX_LOG_LINES
    assert lines[0].endswith(f"message {total - MAX_LOG_LINES}")
    assert lines[-1].endswith(f"message {total - 1}")


def test_window_log_one_batch_larger_than_the_limit_keeps_its_tail(full: ChatWindow) -> None:
    full.show_entries([chat(n) for n in range(MAX_LOG_LINES + 10)])
    assert len(full.log_lines) == MAX_LOG_LINES
    assert full.log_lines[0].endswith("message 10")


def test_window_log_follows_newest_unless_scrolled_up(full: ChatWindow) -> None:
    full.show_entries([chat(n) for n in range(200)])
    pump(full)
    assert full.log_text.yview()[1] == 1.0
    full.log_text.yview_moveto(0)
    pump(full)
    assert not full.newer_shown
    full.show_entries([chat(n) for n in range(200, 210)])
    pump(full)
    assert full.log_text.yview()[0] == 0.0, "jumped to the end while the user read old lines"
    assert full.newer_shown
    full.log_text.yview_moveto(1.0)
    pump(full)
    assert not full.newer_shown
    full.show_entries([chat(n) for n in range(210, 220)])
    pump(full)
    assert full.log_text.yview()[1] == 1.0 and not full.newer_shown


def test_window_new_messages_button_scrolls_to_the_newest(full: ChatWindow) -> None:
    full.show_entries([chat(n) for n in range(200)])
    pump(full)
    full.log_text.yview_moveto(0)
    pump(full)
    full.show_entries([chat(200)])
    pump(full)
    assert full.newer_shown
    full.newer_button.invoke()
    pump(full)
    assert full.log_text.yview()[1] == 1.0 and not full.newer_shown


def test_window_lines_carry_kind_own_and_private_tags(full: ChatWindow) -> None:
    full.show_entries([
        chat(1, "alice", own=True),
        LogEntry(T0, "bob", "alice", "psst", private=True),
        LogEntry(T0, "", "", "No such nick", EntryKind.ERROR),
        LogEntry(T0, "", "#lobby", "carol joined", EntryKind.SYSTEM),
    ])
    assert "own" in full.tags_at_line(1)
    assert {"private", "pmlabel"} <= full.tags_at_line(2)
    assert "error" in full.tags_at_line(3)
    assert "system" in full.tags_at_line(4)
    assert full.log_text.tag_cget("error", "foreground") != full.log_text.tag_cget(
        "system", "foreground")


def test_window_theme_switch_recolours_log_and_widgets(full: ChatWindow) -> None:
    full.show_entries([chat(1)])
    light = (full.ttk_theme, str(full.log_text.cget("background")),
             str(full.log_text.tag_cget("nick0", "foreground")))
    full.set_theme("dark")
    dark = (full.ttk_theme, str(full.log_text.cget("background")),
            str(full.log_text.tag_cget("nick0", "foreground")))
    assert light[0] == "pydata-light" and dark[0] == "pydata-dark"
    assert light[1] != dark[1] and light[2] != dark[2]
    assert full.theme_var.get() is True


def test_window_starts_in_the_theme_it_was_given() -> None:
    view = make_real_view("compact", "dark")
    try:
        assert view.ttk_theme == "pydata-dark" and view.theme_var.get() is True
    finally:
        close_real_view(view)


def test_window_rejects_an_unknown_theme() -> None:
    with pytest.raises(ValueError, match="unknown theme 'blue'"):
        ChatWindow("blue")


def test_window_user_pane_keeps_its_width_while_the_log_grows(full: ChatWindow) -> None:
    full.set_users([UserItem("carol", "@"), UserItem("bob")])
    sizes = []
    for geometry in ("700x450", "1200x800"):
        full.root.geometry(geometry)
        pump(full, 6)
        sizes.append((full.log.winfo_width(), full.user_list.master.winfo_width()))
    assert sizes[1][0] > sizes[0][0] + 400
    assert sizes[0][1] == sizes[1][1]
    assert tuple(full.root.minsize()) == full.min_size


def test_window_user_pane_colours_ops(full: ChatWindow) -> None:
    full.set_users([UserItem("carol", "@"), UserItem("bob")])
    op = full.user_list.itemcget(0, "foreground")
    plain = full.user_list.itemcget(1, "foreground")
    assert op and op != plain


def test_window_compact_has_no_user_pane() -> None:
    view = make_real_view("compact")
    try:
        assert not hasattr(view, "user_list")
        view.set_users([UserItem("carol", "@"), UserItem("bob")])
        assert view.users_heading_text == "· 2 here" and view.user_lines == []
        assert view.min_size[0] < ChatWindow.min_size[0]
    finally:
        close_real_view(view)


def test_window_callback_error_is_shown_in_the_log(full: ChatWindow) -> None:
    def broken() -> None:
        raise RuntimeError("boom")

    full.schedule(0, broken)
    pump(full)
    assert full.log_lines[-1].endswith("! internal error: RuntimeError: boom")
    assert [str(e) for e in full.callback_errors] == ["boom"]
    full.callback_errors.clear()


def test_window_counts_unread_messages_while_unfocused(full: ChatWindow) -> None:
    full.set_identity("alice", "127.0.0.1:13333")
    full.input.focus_force()
    pump(full)
    display = Display()
    try:
        display.set_input_focus(X.NONE, X.RevertToNone, X.CurrentTime)
        display.sync()
        for _ in range(100):  # bounded: until Tk has seen the FocusOut
            pump(full, 1)
            if full.root.focus_displayof() is None:
                break
        pump(full)
        full.show_entries([chat(1), chat(2, "alice", own=True),
                           LogEntry(T0, "", "#lobby", "dave joined", EntryKind.SYSTEM), chat(3)])
        assert full.title == "(2) LocalChat — alice @ 127.0.0.1:13333"
    finally:
        display.close()
    full.input.focus_force()
    for _ in range(100):
        pump(full, 1)
        if full.unread == 0:
            break
    assert full.title == "LocalChat — alice @ 127.0.0.1:13333"


def test_window_send_keeps_text_until_cleared(full: ChatWindow) -> None:
    full.input.insert(0, "hello")
    full.send_button.invoke()
    assert full.input_text == "hello"
    full.clear_input()
    assert full.input_text == ""


def test_window_last_log_lines_reads_only_the_newest(full: ChatWindow) -> None:
    assert full.last_log_lines(3) == []
    full.show_entries([chat(n) for n in range(10)])
    assert full.last_log_lines(2) == ["09:41  <bob> message 8", "09:41  <bob> message 9"]
    assert full.last_log_lines(50) == full.log_lines


def test_window_log_shows_text_outside_the_basic_plane(full: ChatWindow) -> None:
    full.show_entries([LogEntry(T0, "bob", "#lobby", "party 🎉 ok"),
                       LogEntry(T0, "bøb", "#lobby", "naïve café")])
    assert full.log_lines == ["09:41  <bob> party 🎉 ok", "09:41  <bøb> naïve café"]


def test_window_up_and_down_recall_sent_lines(full: ChatWindow) -> None:
    for line in ("first", "second"):
        full.input.insert(0, line)
        press(full.input, "<Return>")
        full.clear_input()
    full.input.insert(0, "draft")
    press(full.input, "<Up>")
    assert full.input_text == "second"
    press(full.input, "<Up>")
    assert full.input_text == "first"
    press(full.input, "<Down>")
    press(full.input, "<Down>")
    assert full.input_text == "draft"


def test_window_tab_completes_nicks_in_the_channel(full: ChatWindow) -> None:
    full.set_users([UserItem("carol", "@"), UserItem("Caroline"), UserItem("bob")])
    full.input.insert(0, "car")
    press(full.input, "<Tab>")
    assert full.input_text == "carol: "
    press(full.input, "<Tab>")
    assert full.input_text == "Caroline: "
    assert full.root.focus_get() is full.input


@pytest.mark.timeout(60)
def test_window_enter_on_the_focused_cancel_button_cancels(full: ChatWindow) -> None:
    failures: list[str] = []
    when_dialog(full, lambda dialog: press(dialog.cancel_button, "<Return>"), failures)
    assert full.confirm_exit() is False
    assert failures == []


def test_window_double_click_on_a_user_starts_a_private_message(full: ChatWindow) -> None:
    full.set_users([UserItem("carol", "@"), UserItem("bob")])
    pump(full)
    x, y, _, height = full.user_list.bbox(1)
    for _ in range(2):  # a double click, as the mouse sends it
        for kind in ("<ButtonPress-1>", "<ButtonRelease-1>"):
            full.user_list.event_generate(kind, x=x + 2, y=y + height // 2, when="now")
    pump(full)
    assert full.input_text == "/msg bob "
    assert full.input.index("insert") == len("/msg bob ")


# --- conversations ---

CONVERSATIONS = [Conversation("#lobby", 0), Conversation("#dev", 3), Conversation("bob", 2, True)]


def line_visible(view: ChatWindow, line: int) -> bool:
    return view.log_text.dlineinfo(f"{line}.0") is not None


def test_window_title_counts_the_unread_in_other_conversations(full: ChatWindow) -> None:
    full.set_identity("alice", "127.0.0.1:13333")
    full.set_conversations(CONVERSATIONS, "#lobby")
    assert full.title == "(5) LocalChat — alice @ 127.0.0.1:13333"
    full.set_conversations([Conversation("#lobby"), Conversation("#dev"),
                            Conversation("bob", 2, True)], "bob")
    assert full.title == "LocalChat — alice @ 127.0.0.1:13333"


def test_window_sidebar_has_sections_bold_unread_rows_and_the_highlight(full: ChatWindow) -> None:
    full.set_conversations(CONVERSATIONS, "#dev")
    tree = full.conversation_list.tree
    rows = [(tree.item(iid, "text").strip(), tuple(tree.item(iid, "values")),
             tuple(tree.item(iid, "tags"))) for iid in tree.get_children()]
    assert rows == [("CHANNELS", (), ("section",)), ("#lobby", ("",), ("channel",)),
                    ("#dev", ("3",), ("channel", "unread")),
                    ("PRIVATE CHATS", (), ("section",)),
                    ("bob", ("2",), ("private", "unread"))]
    assert tree.item(tree.selection()[0], "text").strip() == "#dev"
    assert tree.tag_configure("unread", "font") != tree.tag_configure("channel", "font")


def test_window_sidebar_click_on_a_section_heading_switches_nothing(full: ChatWindow) -> None:
    actions = RecordingActions()
    full.bind(actions)
    full.set_conversations(CONVERSATIONS, "#lobby")
    pump(full)
    tree = full.conversation_list.tree
    heading = tree.get_children()[0]
    x, y, width, height = tree.bbox(heading)
    click(tree, x + width // 2, y + height // 2)
    assert actions.calls == []
    assert full.current_conversation == "#lobby"


def test_window_sidebar_scrolls_only_when_the_list_is_too_long(full: ChatWindow) -> None:
    full.set_conversations(CONVERSATIONS, "#lobby")
    pump(full, 6)
    assert not full.conversation_list.scrollbar_shown
    many = [Conversation(f"#room{n}", n % 4) for n in range(40)]
    full.set_conversations(many, "#room39")
    pump(full, 6)
    assert full.conversation_list.scrollbar_shown
    tree = full.conversation_list.tree
    assert tree.bbox(full.conversation_list.row_of("#room39")), "the current one is scrolled to"
    full.set_conversations(CONVERSATIONS, "#lobby")
    pump(full, 6)
    assert not full.conversation_list.scrollbar_shown


def test_window_sidebar_follows_the_theme(full: ChatWindow) -> None:
    full.set_conversations(CONVERSATIONS, "#lobby")
    style = full.root.style
    light = style.lookup("Conversations.Treeview", "fieldbackground")
    full.set_theme("dark")
    assert style.lookup("Conversations.Treeview", "fieldbackground") != light
    assert full.conversation_lines == ["#lobby", "#dev (3)", "@bob (2)"]
    assert full.current_conversation == "#lobby"


def test_window_show_conversation_scrolls_to_the_marker(full: ChatWindow) -> None:
    full.show_conversation([chat(n) for n in range(300)], 40)
    pump(full)
    assert full.marker_line == 41
    assert full.log_lines[40] == MARKER_TEXT
    assert "marker" in full.tags_at_line(41)
    assert line_visible(full, 41) and line_visible(full, 38)
    assert not line_visible(full, 300), "the end is further down"
    assert full.newer_shown
    full.show_conversation([chat(n) for n in range(300)])
    pump(full)
    assert full.marker_line == 0 and line_visible(full, 300) and not full.newer_shown


def fill_in(view: ChatWindow) -> None:
    """Run the Tk loop until the conversation shown is all in the log (bounded)."""
    for _ in range(1000):
        if not view.filling:
            break
        view.root.update()
    assert not view.filling


def test_window_show_conversation_fills_in_older_lines_keeping_the_marker_in_view(
        full: ChatWindow) -> None:
    entries = [chat(n) for n in range(MAX_LOG_LINES)]
    full.show_conversation(entries, 3000)
    assert full.filling and len(full.log_lines) < 1000, "the first paint is small"
    assert full.log_lines[full.marker_line - 1] == MARKER_TEXT
    fill_in(full)
    lines = full.log_lines
    # the marker takes a line, so the oldest entry (message 0) does not fit
    assert len(lines) == MAX_LOG_LINES and full.marker_line == 3000
    assert lines[2999] == MARKER_TEXT and lines[0].endswith("message 1")
    assert lines[3000].endswith("message 3000")
    assert lines[-1].endswith(f"message {MAX_LOG_LINES - 1}")
    assert line_visible(full, 3000) and not line_visible(full, 100)


def test_window_lines_arriving_while_filling_in_go_after_the_conversation(
        full: ChatWindow) -> None:
    pending = chat(10, "alice", own=True, pending=True)
    entries = [chat(n) for n in range(10)] + [pending] + [chat(n) for n in range(11, 2000)]
    full.show_conversation(entries, 1990)
    full.show_entries([chat(5000, "carol")])
    full.update_entry(pending, chat(10, "alice", own=True))
    fill_in(full)
    lines = full.log_lines
    assert len(lines) == 2002 and lines[-1] == "09:41  <carol> message 5000"
    assert lines[10] == "09:41  <alice> message 10" and lines[1990] == MARKER_TEXT
    assert lines[-2].endswith("message 1999")


def test_window_a_new_conversation_stops_the_old_one_filling_in(full: ChatWindow) -> None:
    full.show_conversation([chat(n) for n in range(3000)], 100)
    assert full.filling
    full.show_conversation([chat(n, "dave") for n in range(5)])
    fill_in(full)
    pump(full, 10)
    assert len(full.log_lines) == 5 and all("<dave>" in line for line in full.log_lines)


def test_window_show_conversation_keeps_only_the_newest_lines(full: ChatWindow) -> None:
    full.show_conversation([chat(n) for n in range(MAX_LOG_LINES + 100)], 150)
    fill_in(full)
    lines = full.log_lines
    assert len(lines) == MAX_LOG_LINES
    assert lines[-1].endswith(f"message {MAX_LOG_LINES + 99}")
    assert lines[lines.index(MARKER_TEXT) + 1].endswith("message 150")
    full.show_conversation([chat(n) for n in range(MAX_LOG_LINES + 100)], 20)
    fill_in(full)
    assert full.log_lines[0] == MARKER_TEXT and full.marker_line == 1
    assert len(full.log_lines) == MAX_LOG_LINES


def test_window_update_entry_of_a_trimmed_line_does_nothing(full: ChatWindow) -> None:
    pending = chat(0, "alice", own=True, pending=True)
    full.show_entries([pending])
    full.show_entries([chat(n) for n in range(1, MAX_LOG_LINES + 1)])
    before = full.last_log_lines(3)
    full.update_entry(pending, chat(0, "alice", own=True))
    assert full.last_log_lines(3) == before and len(full.log_lines) == MAX_LOG_LINES
    assert "message 0" not in full.log_lines[0]


def test_window_pending_line_is_dimmed_until_delivered(full: ChatWindow) -> None:
    pending = chat(1, "alice", own=True, pending=True)
    full.show_entries([chat(0), pending, chat(2)])
    assert {"pending", "pendingmark", "own"} <= full.tags_at_line(2)
    assert full.log_text.tag_cget("pending", "foreground") != ""
    full.update_entry(pending, chat(1, "alice", own=True))
    assert "pending" not in full.tags_at_line(2) and "own" in full.tags_at_line(2)
    assert full.log_lines == ["09:41  <bob> message 0", "09:41  <alice> message 1",
                              "09:41  <bob> message 2"]


def test_window_update_entry_keeps_following_the_newest(full: ChatWindow) -> None:
    pending = chat(999, "alice", own=True, pending=True)
    full.show_entries([chat(n) for n in range(200)] + [pending])
    pump(full)
    full.update_entry(pending, chat(999, "alice", own=True))
    pump(full)
    assert full.log_text.yview()[1] == 1.0 and not full.newer_shown


def test_window_compact_menu_lists_conversations_and_counts_unread_elsewhere() -> None:
    view = make_real_view("compact")
    try:
        view.set_conversations(CONVERSATIONS, "#lobby")
        pump(view)
        menu = view.conversation_menu
        assert view.conversation_lines == ["#lobby", "#dev (3)", "@bob (2)"]
        assert str(menu.button.cget("text")) == "#lobby"
        assert menu.badge_text == "5 unread elsewhere"
        view.set_conversations([Conversation("#lobby"), Conversation("bob", 0, True)], "bob")
        pump(view)
        assert str(menu.button.cget("text")) == "@bob" and menu.badge_text == ""
        assert view.current_conversation == "bob"
    finally:
        close_real_view(view)
