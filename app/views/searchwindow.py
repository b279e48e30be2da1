"""Ctrl+Shift+F 'Search all conversations': a window with a search field and the results
(conversation, time, nick, text), newest first. Enter searches; a double click or Enter on a
result picks it; Escape closes. Not modal: the chat goes on beside it."""

from __future__ import annotations

import tkinter
import tkinter.font as tkfont
from collections.abc import Callable, Sequence

import ttkbootstrap as ttk

from app.models.cachesearch import Hit
from app.views.logline import plain_text, stamp

RESULTS_STYLE = "Results.Treeview"
ROW_PADDING = 10
"""Pixels of room above and below a result's text (ttk's default row is one line, cramped)."""
COLUMNS = (("conversation", "Conversation", 130), ("time", "Time", 120), ("nick", "Nick", 100),
           ("text", "Message", 420))


class SearchWindow:
    """The window; on_search(text) asks for results, on_pick(hit) opens one."""

    def __init__(self, master: tkinter.Misc, on_search: Callable[[str], None],
                 on_pick: Callable[[Hit], None]) -> None:
        self._on_search, self._on_pick = on_search, on_pick
        self.hits: list[Hit] = []
        self.top = ttk.Toplevel(title="Search all conversations", master=master,
                                size=(820, 440), minsize=(520, 260))
        self.top.protocol("WM_DELETE_WINDOW", self.close)
        self.top.bind("<Escape>", lambda _e: self.close())
        frame = ttk.Frame(self.top, padding=14)
        frame.pack(fill="both", expand=True)
        frame.columnconfigure(0, weight=1)
        frame.rowconfigure(2, weight=1)
        self.query = tkinter.StringVar(frame)
        self.entry = ttk.Entry(frame, textvariable=self.query, font="TkTextFont")
        self.entry.grid(row=0, column=0, sticky="ew", ipady=3)
        self.button = ttk.Button(frame, text="Search", bootstyle="primary", width=9,
                                 command=self.search)
        self.button.grid(row=0, column=1, padx=(8, 0))
        self.note = ttk.Label(frame, text="Type words to find in every conversation",
                              bootstyle="secondary")
        self.note.grid(row=1, column=0, columnspan=2, sticky="w", pady=(8, 6))
        self.tree = ttk.Treeview(frame, columns=[c[0] for c in COLUMNS], show="headings",
                                 selectmode="browse")
        self.tree.configure(style=RESULTS_STYLE)  # after: the constructor would put its own
        self.apply_style()
        for name, heading, width in COLUMNS:
            self.tree.heading(name, text=heading, anchor="w")
            self.tree.column(name, width=width, minwidth=60, stretch=name == "text", anchor="w")
        self.tree.grid(row=2, column=0, columnspan=2, sticky="nsew")
        scrollbar = ttk.Scrollbar(frame, orient="vertical", command=self.tree.yview)
        scrollbar.grid(row=2, column=2, sticky="ns")
        self.tree.configure(yscrollcommand=scrollbar.set)
        self.entry.bind("<Return>", lambda _e: self.search())
        self.entry.bind("<KP_Enter>", lambda _e: self.search())
        self.entry.bind("<Down>", lambda _e: self._focus_results())
        self.tree.bind("<Double-1>", lambda _e: self.pick())
        self.tree.bind("<Return>", lambda _e: self.pick())
        self.entry.focus_set()

    def apply_style(self) -> None:
        """Rows with room around their text, for the theme now in use (a theme switch drops
        the options of styles it did not make)."""
        linespace = tkfont.nametofont("TkDefaultFont").metrics("linespace")
        ttk.Style.get_instance().configure(RESULTS_STYLE, rowheight=linespace + ROW_PADDING)

    @property
    def row_height(self) -> int:
        """The results' row height in pixels, as the tree's style says (read by tests)."""
        style = str(self.tree.cget("style")) or "Treeview"
        return int(ttk.Style.get_instance().lookup(style, "rowheight"))

    @property
    def open(self) -> bool:
        return bool(self.top.winfo_exists())

    def raise_(self) -> None:
        """Bring the window up with its field focused and its text selected."""
        self.top.deiconify()
        self.top.lift()
        self.entry.focus_set()
        self.entry.select_range(0, "end")

    def search(self) -> None:
        text = self.query.get().strip()
        if text:
            self.note.configure(text="Searching…")
            self._on_search(text)

    def show(self, hits: Sequence[Hit], note: str) -> None:
        """List hits (newest first) and say where they come from."""
        self.hits = list(hits)
        self.tree.delete(*self.tree.get_children())
        for index, hit in enumerate(self.hits):
            text = " ".join(plain_text(hit.text).split())
            self.tree.insert("", "end", iid=str(index), values=(
                ("@" if hit.private else "") + hit.conversation, stamp(hit.time), hit.sender,
                text))
        self.note.configure(text=note)

    def pick(self, index: int | None = None) -> None:
        """Open the selected result (or the one at index)."""
        if index is None:
            selected = self.tree.selection()
            if not selected:
                return
            index = int(selected[0])
        if 0 <= index < len(self.hits):
            self._on_pick(self.hits[index])

    def close(self) -> None:
        self.top.destroy()

    @property
    def rows(self) -> list[tuple[str, ...]]:
        """The results as shown, top to bottom (read by tests)."""
        return [tuple(str(v) for v in self.tree.item(row, "values"))
                for row in self.tree.get_children()]

    def _focus_results(self) -> str:
        children = self.tree.get_children()
        if children:
            self.tree.focus_set()
            self.tree.selection_set(children[0])
            self.tree.focus(children[0])
        return "break"
