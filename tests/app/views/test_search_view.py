"""The search window and message reveal in both real windows (no server): Ctrl+Shift+F opens
the window, Enter reports on_search, results show as rows, a pick reports on_search_pick, and
reveal_message scrolls to a message and highlights it (also one still filling in)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from app.models.cachesearch import Hit
from app.models.log import EntryKind, LogEntry
from app.views.window import ChatWindow
from tests.app.views.realview import close_real_view, make_real_view
from tests.gui.driver import RecordingActions, press, pump

pytestmark = pytest.mark.gui
T = datetime(2026, 3, 4, 5, 6, 7)


@pytest.fixture(params=["full", "compact"])
def view(request: pytest.FixtureRequest) -> Iterator[ChatWindow]:
    made = make_real_view(request.param)
    yield made
    close_real_view(made)


def entries(count: int) -> list[LogEntry]:
    return [LogEntry(T, "bob", "#lobby", f"line {n}", EntryKind.CHAT, msgid=f"m{n}")
            for n in range(count)]


def test_search_view_window_reports_search_and_pick(view: ChatWindow) -> None:
    actions = RecordingActions()
    view.bind(actions)
    press(view.input, "<Control-Shift-F>")
    window = view.log_tools.search_window
    assert window is not None and window.open
    window.entry.insert(0, "pizza")
    press(window.entry, "<Return>")
    assert actions.calls == [("on_search", ("pizza",))]
    hit = Hit("bob", T, "bob", "pizza \x02tonight\x02", "m1", True)
    view.show_search_results([hit, Hit("#lobby", T, "carol", "no pizza", "m2", False)], "2 found")
    conversation, when, nick, text = window.rows[0]
    assert (conversation, nick, text) == ("@bob", "bob", "pizza tonight")  # formatting dropped
    assert when.endswith("05:06")
    assert window.rows[1][0] == "#lobby" and window.note.cget("text") == "2 found"
    window.tree.selection_set("0")
    press(window.tree, "<Return>")
    assert actions.calls[-1] == ("on_search_pick", (hit,))
    press(view.log_text, "<Control-Shift-F>")  # again: the same window, raised
    assert view.log_tools.search_window is window
    press(window.entry, "<Escape>")
    assert not window.open and not view.closed
    view.show_search_results([hit], "closed: nothing happens")


def test_search_view_reveal_scrolls_and_highlights(view: ChatWindow) -> None:
    view.show_conversation(entries(3000))
    assert view.filling
    assert not view.reveal_message("m5")  # not painted yet: looked for again while filling
    for _ in range(200):
        pump(view, 1)
        if view.log_text.tag_ranges("revealed"):
            break
    first, last = view.log_text.tag_ranges("revealed")
    assert view.log_text.get(first, last).endswith("line 5")
    assert view.reveal_message("m2999")
    assert not view.reveal_message("nope")


def test_search_view_find_bar_in_both_windows(view: ChatWindow) -> None:
    view.bind(RecordingActions())
    view.show_conversation(entries(30))
    press(view.log_text, "<Control-f>")
    bar = view.log_tools.find_bar
    assert bar.shown
    bar.entry.insert(0, "line 2")  # line 2, line 20..29
    pump(view)
    assert len(bar.matches) == 11 and bar.current == 10
    press(bar.entry, "<Return>")
    assert bar.current == 0
    view.show_entries([LogEntry(T, "bob", "#lobby", "line 2 again", EntryKind.CHAT)])
    assert len(bar.matches) == 12 and bar.current == 0
    bar.query.set("nothing like it")
    assert bar.matches == [] and bar.count_label.cget("text") == "No matches"
    press(bar.entry, "<Return>")  # nothing to go to: no error
    press(bar.entry, "<Escape>")
    assert not bar.shown and not view.closed
