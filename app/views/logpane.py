"""The log pane: a read-only Text with the newest MAX_LOG_LINES lines of one conversation.

A conversation opens with FIRST_PAINT_LINES at once and the rest in chunks; a 'new messages'
marker may stand before its first unread line, and a button offers newer lines below the view.
An entry may take several Text lines (logline.line_count: a reply's quote, a multiline message,
reaction chips); only those entries cost a count when lines are found, everything else is one.
"""

from __future__ import annotations

import itertools
import tkinter
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import ttkbootstrap as ttk

from app.models.log import LogEntry
from app.views.base import Scheduled
from app.views.logline import insert_args, line_count
from app.views.logstyle import LogStyle
from app.views.scheduler import Scheduler

MAX_LOG_LINES = 5000
"""The log keeps the newest lines; older ones are dropped past this many."""

MARKER_CONTEXT_LINES = 3
"""Lines of older context shown above the 'new messages' marker when a conversation opens."""
FIRST_PAINT_LINES = 300
"""Lines a conversation shows at once when it opens (from 100 above its marker, else its newest);
the rest follow FILL_CHUNK_LINES at a time while the window stays responsive."""
FIRST_PAINT_CONTEXT = 100
FILL_CHUNK_LINES = 250


class LogPane:
    """The log Text with its scrollbar, what it shows line by line, and the 'New messages'
    button (made in the same master, placed over the log's bottom edge)."""

    def __init__(self, master: tkinter.Misc, scheduler: Scheduler) -> None:
        self.scheduler = scheduler
        self.widget = ttk.ScrolledText(master, padding=0, wrap="word", height=10, width=40,
                                       relief="flat", borderwidth=0, padx=10, pady=8,
                                       spacing1=2, spacing3=2, undo=False, cursor="arrow",
                                       font="TkTextFont", highlightthickness=1)
        self.text: tkinter.Text = self.widget.text
        self.text.configure(state="disabled")
        self.text.bind("<1>", lambda _event: self.text.focus_set(), add="+")
        self._scrollbar_command = str(self.text.cget("yscrollcommand"))
        self.text.configure(yscrollcommand=self._on_scrolled)
        self.newer_button = ttk.Button(master, text="↓  New messages", bootstyle="primary",
                                       command=self.scroll_to_newest)
        self._style = LogStyle(self.text)
        self._lines: deque[LogEntry | None] = deque()  # what the log shows; None: the marker
        self._older: list[LogEntry] = []  # still to go above the log's first line
        self._later: list[LogEntry] = []  # still to go after line _later_at
        self._later_at = 0
        self._extra = 0  # Text lines beyond one per item of _lines (entries of several lines)
        self._filling: Scheduled | None = None
        """The next chunk of a conversation still to paint; cancelled when another is shown."""
        self.on_filled: Callable[[], None] = lambda: None
        """Runs when the last chunk of a conversation is painted."""

    def apply_theme(self, colours: Any, theme: str) -> None:
        """Colour the log for theme ('light' or 'dark')."""
        self._style.apply(colours, theme)

    # -- what goes in ------------------------------------------------------------------------

    def show_entries(self, entries: Sequence[LogEntry]) -> Sequence[LogEntry]:
        """Append entries (the newest MAX_LOG_LINES of them) in one insert, trim the oldest
        lines, follow the newest unless the user scrolled up; return the entries appended."""
        entries = entries[-MAX_LOG_LINES:]
        following = self._following()
        self._write(lambda: self._append(entries))
        room = MAX_LOG_LINES - len(self._lines) - len(self._later)
        self._older = self._older[len(self._older) - max(0, room):]
        if following:
            self._to_end()
        else:
            self._place_newer()
        return entries

    def show_conversation(self, entries: Sequence[LogEntry], first_unread: int = -1) -> None:
        """Replace the log with entries (the newest MAX_LOG_LINES), with the 'new messages'
        marker before entries[first_unread]; show the marker, else the end. FIRST_PAINT_LINES
        around the marker (or the newest) appear at once, the rest in chunks."""
        entries, marker = _bounded(entries, first_unread)
        start, end = _first_paint(len(entries), marker)
        shown, marker = entries[start:end], (marker - start if marker >= 0 else -1)
        self._older, self._later, self._later_at = entries[:start], entries[end:], len(shown)
        if self._filling is not None:
            self._filling.cancel()
            self._filling = None
        self._write(lambda: self._replace(shown, marker))
        self._lines = deque(shown)
        if marker >= 0:
            self._lines.insert(marker, None)
            self._later_at += 1
            self.text.yview(f"{max(1, marker + 1 - MARKER_CONTEXT_LINES)}.0")
            self.scheduler.schedule(0, self._show_newer_if_below)
        else:
            self.scroll_to_newest()
        if self._older or self._later:
            self._filling = self.scheduler.schedule(0, self._fill)

    def update_entry(self, old: LogEntry, new: LogEntry) -> None:
        """Replace the line showing old (the same object) with new; nothing when old is not
        shown (never shown, or trimmed off the top)."""
        for waiting in (self._older, self._later):
            for position, entry in enumerate(waiting):
                if entry is old:
                    waiting[position] = new
        index, line = self._line_of(old)
        if index < 0:
            return
        following = self._following()
        self._write(lambda: self._rewrite(line, old, new))
        self._lines[index] = new
        if following:
            self._to_end()

    def scroll_to_newest(self) -> None:
        """Show the log's end and drop the 'New messages' button."""
        self._to_end()
        self.newer_button.place_forget()

    def _to_end(self) -> None:
        """Scroll to the last line (a tenth of what see('end-1c') costs on a long log)."""
        self.text.yview_moveto(1.0)

    # -- how it goes in ----------------------------------------------------------------------

    def _write(self, change: Callable[[], None]) -> None:
        """Run change() with the Text writable."""
        self.text.configure(state="normal")
        change()
        self.text.configure(state="disabled")

    def _append(self, entries: Sequence[LogEntry]) -> None:
        self.text.insert("end-1c", *insert_args(entries))
        self._lines.extend(entries)
        self._extra += _extra_lines(entries)
        self._trim()

    def _replace(self, shown: list[LogEntry], marker: int) -> None:
        self.text.delete("1.0", "end")
        if shown:
            self.text.insert("1.0", *insert_args(shown, marker))
        self._extra = _extra_lines(shown)

    def _rewrite(self, line: int, old: LogEntry, new: LogEntry) -> None:
        self.text.delete(f"{line}.0", f"{line + line_count(old)}.0")
        self.text.insert(f"{line}.0", *insert_args([new]))
        self._extra += line_count(new) - line_count(old)

    def _fill(self) -> None:
        """Put one chunk of the conversation still to show in the log: the lines after the
        first paint first, then the older ones; schedule the next chunk."""
        self._filling = None
        if self.scheduler.closed:
            return
        self._write(self._fill_later if self._later else self._fill_older)
        if self._older or self._later:
            self._filling = self.scheduler.schedule(0, self._fill)
        else:
            self._show_newer_if_below()
            self.on_filled()

    def _fill_later(self) -> None:
        chunk, self._later = self._later[:FILL_CHUNK_LINES], self._later[FILL_CHUNK_LINES:]
        at = self._later_at + 1 + (_extra_lines(itertools.islice(self._lines, self._later_at))
                                   if self._extra else 0)
        self.text.insert(f"{at}.0", *insert_args(chunk))
        self._extra += _extra_lines(chunk)
        lines = list(self._lines)
        self._lines = deque(lines[:self._later_at] + chunk + lines[self._later_at:])
        self._later_at += len(chunk)
        self._trim()

    def _fill_older(self) -> None:
        chunk = self._older[-FILL_CHUNK_LINES:]
        del self._older[-FILL_CHUNK_LINES:]
        self.text.insert("1.0", *insert_args(chunk))
        self._extra += _extra_lines(chunk)
        self._lines.extendleft(reversed(chunk))
        self._later_at += len(chunk)
        self._trim()

    def _trim(self) -> None:
        """Drop the oldest lines past MAX_LOG_LINES (the Text must be writable)."""
        excess = len(self._lines) - MAX_LOG_LINES
        if excess <= 0:
            return
        extra = _extra_lines(itertools.islice(self._lines, excess)) if self._extra else 0
        self.text.delete("1.0", f"{excess + extra + 1}.0")
        for _ in range(excess):
            self._lines.popleft()
        self._extra -= extra
        self._later_at = max(0, self._later_at - excess)

    def _line_of(self, entry: LogEntry) -> tuple[int, int]:
        """Where entry is shown (searched from the newest): its index in _lines and its first
        Text line (1 is the oldest); (-1, 0) when it is not shown."""
        last = len(self._lines) - 1
        line = len(self._lines) + self._extra + 1
        for back, shown in enumerate(reversed(self._lines)):
            line -= _height(shown)
            if shown is entry:
                return last - back, line
        return -1, 0

    def _starts(self) -> Iterator[tuple[int, LogEntry | None]]:
        """(first Text line, item) for every item of _lines, oldest first."""
        line = 1
        for shown in self._lines:
            yield line, shown
            line += _height(shown)

    def entry_at(self, index: str) -> LogEntry | None:
        """The entry shown at a Text index ('@x,y', 'sel.first', '3.4'), or None (the marker,
        an empty log, a bad index)."""
        try:
            line = int(self.text.index(index).split(".")[0])
        except tkinter.TclError:
            return None
        for start, shown in self._starts():
            if start > line:
                break
            if shown is not None and line < start + line_count(shown):
                return shown
        return None

    # -- scrolling ---------------------------------------------------------------------------

    def _following(self) -> bool:
        """True while the log's end is in view."""
        return self.text.yview()[1] >= 0.999

    def _on_scrolled(self, first: str, last: str) -> None:
        self.text.tk.call(self._scrollbar_command, first, last)
        if float(last) >= 0.999:
            self.newer_button.place_forget()

    def _place_newer(self) -> None:
        self.newer_button.place(in_=self.widget, relx=0.5, rely=1.0, anchor="s", y=-14)

    def _show_newer_if_below(self) -> None:
        """Offer 'New messages' when the log's end is out of view (run from the loop, once the
        Text has laid out its lines; never update_idletasks here: that would run other
        callbacks, the controller's among them, inside the caller)."""
        if self.scheduler.closed:
            return
        if not self._following():
            self._place_newer()
        else:
            self.newer_button.place_forget()

    # -- what it shows (read back by tests and the benchmark) --------------------------------

    @property
    def lines(self) -> list[str]:
        """The log's lines, oldest first."""
        content = self.text.get("1.0", "end-1c")
        return content.split("\n")[:-1] if content else []

    def last_lines(self, count: int) -> list[str]:
        """The newest count lines of the log (cheap, unlike lines on a full log)."""
        content = self.text.get(f"end-{count + 1}l linestart", "end-1c")
        return content.split("\n")[-count - 1:-1] if content else []

    @property
    def marker_line(self) -> int:
        """The log line (1 is the oldest) of the 'new messages' marker, or 0 when there is none."""
        for line, shown in self._starts():
            if shown is None:
                return line
        return 0

    def tags_at_line(self, line: int) -> set[str]:
        """Every tag used on a log line (1 is the oldest)."""
        names: set[str] = set()
        for column in range(len(self.text.get(f"{line}.0", f"{line}.end")) or 1):
            names.update(self.text.tag_names(f"{line}.{column}"))
        return names

    def line_of_msgid(self, msgid: str) -> int:
        """The log line (1 is the oldest) showing the entry with msgid, or 0."""
        for line, shown in self._starts():
            if shown is not None and msgid and shown.msgid == msgid:
                return line + bool(shown.reply_to)  # the message's own line, not its quote
        return 0

    @property
    def newer_shown(self) -> bool:
        """True while the 'New messages' button offers to scroll down."""
        return bool(self.newer_button.winfo_manager())

    @property
    def filling(self) -> bool:
        """True while a conversation's older (or later) lines are still going into the log."""
        return bool(self._older or self._later)


def _height(item: LogEntry | None) -> int:
    """The Text lines an item of the log takes (the marker: one)."""
    return 1 if item is None else line_count(item)


def _extra_lines(items: Iterable[LogEntry | None]) -> int:
    """How many Text lines items take beyond one each."""
    return sum(_height(item) - 1 for item in items)


def _bounded(entries: Sequence[LogEntry], first_unread: int) -> tuple[list[LogEntry], int]:
    """The newest entries that fit the log with the marker, and the marker's index among them
    (-1: none; 0 when the first unread entry itself did not fit)."""
    marker = first_unread if 0 <= first_unread < len(entries) else -1
    cut = max(0, len(entries) - (MAX_LOG_LINES - (1 if marker >= 0 else 0)))
    return list(entries[cut:]), (max(0, marker - cut) if marker >= 0 else -1)


def _first_paint(count: int, marker: int) -> tuple[int, int]:
    """Where the first paint of count entries starts and ends: the newest FIRST_PAINT_LINES,
    or from FIRST_PAINT_CONTEXT above the marker when that comes earlier."""
    start = max(0, count - FIRST_PAINT_LINES)
    if marker >= 0:
        start = min(start, max(0, marker - FIRST_PAINT_CONTEXT))
    return start, min(count, start + FIRST_PAINT_LINES)
