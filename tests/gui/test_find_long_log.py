"""Ctrl+F over a long conversation in the real window (under Xvfb): the lines painted in chunks
after the first paint are searched once the painting ends, and lines that come in later are
searched on their own (the older text is not searched again)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.models.log import EntryKind, LogEntry
from app.views.logpane import FILL_CHUNK_LINES
from tests.app.views.realview import close_real_view, make_real_view
from tests.gui.driver import RecordingActions, press, pump

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]
START = datetime(2026, 11, 30, 9, 0)


def lines(first: int, count: int) -> list[LogEntry]:
    """count chat lines; every 500th says 'needle'."""
    return [LogEntry(START + timedelta(seconds=n), "bob", "#lobby",
                     f"line {n}" + (" needle" if n % 500 == 0 else ""), EntryKind.CHAT)
            for n in range(first, first + count)]


def test_gui_find_covers_a_conversation_painted_in_chunks_and_lines_after_it() -> None:
    view = make_real_view("full", "light")
    try:
        view.bind(RecordingActions())
        bar = view.log_tools.find_bar
        press(view.input, "<Control-f>")
        bar.entry.insert(0, "NEEDLE")
        total = 4 * FILL_CHUNK_LINES + 100
        view.show_conversation(lines(0, total))
        for _ in range(200):  # until the last chunk is painted
            pump(view, 1)
            if int(view.log_text.index("end-1c").split(".")[0]) > total:
                break
        pump(view)
        expected = len(range(0, total, 500))
        assert len(bar.matches) == expected
        assert bar.count_label.cget("text") == f"{expected} of {expected}"
        scanned = view.log_text.index("findscanned")
        view.show_entries(lines(total, 501))  # one more needle among them
        pump(view)
        assert len(bar.matches) == expected + 1
        assert view.log_text.compare(view.log_text.index("findscanned"), ">", scanned)
    finally:
        close_real_view(view)
