"""Ctrl+F: the find bar over the current conversation's log. Every match is highlighted; Enter
and Shift+Enter go to the next and previous one, Escape closes the bar (and clears the marks)."""

from __future__ import annotations

import tkinter

import ttkbootstrap as ttk

SCANNED = "findscanned"
"""A mark where the text searched so far ends (left gravity: lines appended go after it)."""
FOUND_COLOURS = {"light": ("#fff3b0", "#ffb648"), "dark": ("#5c4d12", "#b5740d")}
"""(every match, the current match) backgrounds per theme."""


class FindBar:
    """The bar (not shown until open()) and the 'found' / 'foundcurrent' tags of the log Text."""

    def __init__(self, master: tkinter.Misc, text: tkinter.Text) -> None:
        self.text = text
        self.frame = ttk.Frame(master, padding=(0, 0, 0, 6))
        self.frame.columnconfigure(1, weight=1)
        ttk.Label(self.frame, text="Find").grid(row=0, column=0, padx=(0, 8))
        self.query = tkinter.StringVar(self.frame)
        self.entry = ttk.Entry(self.frame, textvariable=self.query)
        self.entry.grid(row=0, column=1, sticky="ew")
        self.count_label = ttk.Label(self.frame, text="", width=14, anchor="e",
                                     bootstyle="secondary")
        self.count_label.grid(row=0, column=2, padx=8)
        buttons = (("↑", self.previous), ("↓", self.next), ("✕", self.close))
        for column, (label, command) in enumerate(buttons, start=3):
            button = ttk.Button(self.frame, text=label, width=3, bootstyle="secondary-outline",
                                command=command)
            button.grid(row=0, column=column, padx=(0 if column == 3 else 4, 0))
        self.query.trace_add("write", lambda *_: self.refresh())
        self.entry.bind("<Return>", lambda _e: self._key(self.next))
        self.entry.bind("<KP_Enter>", lambda _e: self._key(self.next))
        self.entry.bind("<Shift-Return>", lambda _e: self._key(self.previous))
        self.entry.bind("<Escape>", lambda _e: self._key(self.close))
        self.text.tag_configure("found")
        self.text.tag_configure("foundcurrent")
        self.text.mark_set(SCANNED, "1.0")
        self.text.mark_gravity(SCANNED, "left")

    @property
    def shown(self) -> bool:
        return bool(self.frame.winfo_manager())

    def apply_theme(self, theme: str) -> None:
        every, current = FOUND_COLOURS.get(theme, FOUND_COLOURS["light"])
        self.text.tag_configure("found", background=every)
        self.text.tag_configure("foundcurrent", background=current)
        self.text.tag_raise("found")
        self.text.tag_raise("foundcurrent")

    def open(self, row: int, column: int) -> None:
        """Show the bar (gridded at row, column of its master), focus its entry, find again."""
        if not self.shown:
            self.frame.grid(row=row, column=column, sticky="ew")
        self.entry.focus_set()
        self.entry.select_range(0, "end")
        self.refresh()

    def close(self) -> None:
        """Hide the bar and clear the marks."""
        self.frame.grid_remove()
        self._clear()
        self.count_label.configure(text="")

    def refresh(self, move: bool = True) -> None:
        """Mark every match of the query (case-insensitive) and go to the newest one. Runs
        whenever the query changes and when the log shows another conversation; with move
        False (lines came in elsewhere than at the end) the current match and the view stay
        where they are."""
        kept = tuple(str(index) for index in self.text.tag_ranges("foundcurrent"))
        self._clear()
        needle = self.query.get()
        if not needle or not self.shown:
            self.count_label.configure(text="")
            return
        self._mark_from("1.0", needle)
        self._settle(kept, move)

    def appended(self) -> None:
        """Lines came in at the end: mark the matches among them only (the older text was
        searched already), staying where the user is."""
        needle = self.query.get()
        if not needle or not self.shown:
            return
        kept = tuple(str(index) for index in self.text.tag_ranges("foundcurrent"))
        self._mark_from(SCANNED, needle)
        self._settle(kept, move=False)

    def _mark_from(self, start: str, needle: str) -> None:
        """Tag every match from start to the end; the end is then the scanned mark."""
        count = tkinter.IntVar(self.text)
        while True:
            found = self.text.search(needle, start, "end-1c", nocase=True, count=count)
            if not found or not count.get():
                break
            end = f"{found}+{count.get()}c"
            self.text.tag_add("found", found, end)
            start = end
        self.text.mark_set(SCANNED, "end-1c")

    def _settle(self, kept: tuple[str, ...], move: bool) -> None:
        """Keep the current match kept (unless move), else go to the newest match."""
        matches = self.matches
        if not move and kept in matches:
            self.text.tag_add("foundcurrent", *kept)
            self.count_label.configure(text=f"{self.current + 1} of {len(matches)}")
            return
        self._go(matches[-1] if matches else None)

    @property
    def matches(self) -> list[tuple[str, str]]:
        """Where every match is, oldest first (tags move with the text as lines come in)."""
        ranges = [str(index) for index in self.text.tag_ranges("found")]
        return list(zip(ranges[::2], ranges[1::2], strict=True))

    @property
    def current(self) -> int:
        """The position of the current match among matches, or -1."""
        now = self.text.tag_ranges("foundcurrent")
        if not now:
            return -1
        starts = [first for first, _ in self.matches]
        return starts.index(str(now[0])) if str(now[0]) in starts else -1

    def next(self) -> None:
        """The next (newer) match, round to the oldest after the newest."""
        now = self.text.tag_ranges("foundcurrent")
        found = self.text.tag_nextrange("found", now[1]) if now else ()
        matches = self.matches
        if matches:
            self._go(tuple(map(str, found)) if found else matches[0])  # type: ignore[arg-type]

    def previous(self) -> None:
        """The previous (older) match, round to the newest after the oldest."""
        now = self.text.tag_ranges("foundcurrent")
        found = self.text.tag_prevrange("found", now[0]) if now else ()
        matches = self.matches
        if matches:
            self._go(tuple(map(str, found)) if found else matches[-1])  # type: ignore[arg-type]

    def _go(self, match: tuple[str, str] | None) -> None:
        self.text.tag_remove("foundcurrent", "1.0", "end")
        if match is None:
            self.count_label.configure(text="No matches" if self.query.get() else "")
            return
        self.text.tag_add("foundcurrent", *match)
        self.text.see(match[0])
        self.count_label.configure(text=f"{self.current + 1} of {len(self.matches)}")

    def _clear(self) -> None:
        self.text.tag_remove("found", "1.0", "end")
        self.text.tag_remove("foundcurrent", "1.0", "end")

    @staticmethod
    def _key(action: object) -> str:
        assert callable(action)
        action()
        return "break"
