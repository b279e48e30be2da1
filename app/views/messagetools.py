"""What the log offers on one message, where the server allows it (MessageActions): Reply, React
(a few emoji, or one typed) and Delete in the log's right-click menu, clickable reaction chips,
the reply bar, Ctrl+R (reply to the message of the log's selection, else the newest one), and a
click on a reply's quote shows the message it answers."""

from __future__ import annotations

import tkinter
from collections.abc import Callable, Sequence

import ttkbootstrap as ttk
from ttkbootstrap.dialogs import Querybox

from app.models.log import LogEntry
from app.models.reacts import QUICK_REACTIONS
from app.models.replies import can_answer
from app.views.base import MessageActions, ViewActions
from app.views.contextmenu import LogMenu
from app.views.logpane import LogPane
from app.views.replybar import ReplyBar

Event = tkinter.Event  # type: ignore[type-arg]
OTHER_REACTION = "Other\u2026"
FIXED_ITEMS = 3
"""Copy, Copy link and Select all: the log menu's own items, which come first."""


class MessageTools:
    """The message items of one log's menu, its chips and its reply bar (placed by the window
    at (row, column) of master)."""

    def __init__(self, master: tkinter.Misc, log_pane: LogPane, log_menu: LogMenu,
                 at: tuple[int, int], reveal: Callable[[str], bool]) -> None:
        self.log_pane, self.log_menu, self._reveal = log_pane, log_menu, reveal
        self.reply_bar = ReplyBar(master)
        self.reply_bar.place_at(*at)
        self.offered = MessageActions()
        self.entry: LogEntry | None = None
        """The message the menu was opened on (None: none there)."""
        self.react_menu = ttk.Menu(log_menu.menu, tearoff=False)
        for reaction in QUICK_REACTIONS:
            self.react_menu.add_command(label=reaction,
                                        command=lambda r=reaction: self.react(r))
        self.react_menu.add_command(label=OTHER_REACTION, command=self.ask_reaction)
        self._actions: ViewActions | None = None
        self._cursor = str(log_pane.text.cget("cursor"))
        log_menu.extend = self._extend
        text = log_pane.text
        text.tag_bind("chip", "<Enter>", lambda _e: text.configure(cursor="hand2"))
        text.tag_bind("chip", "<Leave>", lambda _e: text.configure(cursor=self._cursor))
        text.tag_bind("chip", "<ButtonRelease-1>", self._on_chip)
        text.tag_bind("quote", "<Enter>", lambda _e: text.configure(cursor="hand2"))
        text.tag_bind("quote", "<Leave>", lambda _e: text.configure(cursor=self._cursor))
        text.tag_bind("quote", "<ButtonRelease-1>",
                      lambda e: self.show_parent(f"@{e.x},{e.y}"))

    def bind(self, actions: ViewActions, widgets: Sequence[tkinter.Misc]) -> None:
        """Ctrl+R on widgets, the menu's items, chips and the bar's button go to actions."""
        self._actions = actions
        self.reply_bar.bind(actions.on_cancel_reply)
        for widget in widgets:
            widget.bind("<Control-r>", lambda _e: self._key_reply())

    def set_offered(self, offered: MessageActions) -> None:
        self.offered = offered

    # -- the menu ----------------------------------------------------------------------------

    def _extend(self, menu: ttk.Menu, where: str) -> None:
        """Below Copy, Copy link and Select all: what may be done to the message at where."""
        end = menu.index("end")
        if end is not None and end >= FIXED_ITEMS:  # Tk clamps an index past the end: guard
            menu.delete(FIXED_ITEMS, "end")
        entry = self.log_pane.entry_at(where)
        self.entry = entry if entry is not None and can_answer(entry) else None
        if self.entry is None:
            return
        if self.offered.reply:
            menu.add_command(label="Reply", command=self.reply, accelerator="Ctrl+R")
        if self.offered.react:
            menu.add_cascade(label="React", menu=self.react_menu)
        if self.offered.can_delete(self.entry):
            menu.add_command(label="Delete", command=self.delete)

    def labels(self) -> list[str]:
        """The menu's items as they are now (tests read them back)."""
        menu = self.log_menu.menu
        end = menu.index("end")
        return [str(menu.entrycget(i, "label")) for i in range(0 if end is None else end + 1)]

    def reply(self) -> None:
        if self._actions is not None and self.entry is not None:
            self._actions.on_reply(self.entry)

    def react(self, reaction: str) -> None:
        if self._actions is not None and self.entry is not None:
            self._actions.on_react(self.entry, reaction)

    def ask_reaction(self) -> None:
        """'Other…': a reaction typed in a small dialog."""
        entry = self.entry
        typed = Querybox.get_string("React with (an emoji or a word):", "React",
                                    parent=self.log_pane.text)
        if typed and entry is not None and self._actions is not None:
            self._actions.on_react(entry, typed)

    def delete(self) -> None:
        if self._actions is not None and self.entry is not None:
            self._actions.on_delete(self.entry)

    # -- chips, Ctrl+R, the bar --------------------------------------------------------------

    def _on_chip(self, event: Event) -> str | None:
        """A click on a chip toggles our reaction of that chip."""
        where = f"@{event.x},{event.y}"
        return "break" if self.click_chip(where) else None

    def click_chip(self, where: str) -> bool:
        """Toggle our reaction of the chip at where (a Text index); False when none is there."""
        text = self.log_pane.text
        entry = self.log_pane.entry_at(where)
        if entry is None or not entry.reactions or self._actions is None or \
                not self.offered.react:
            return False
        index = text.index(where)
        line = index.split(".")[0]
        chips = text.tag_ranges("chip")
        starts = [str(start) for start in chips[::2]]
        ends = [str(end) for end in chips[1::2]]
        on_line = [(s, e) for s, e in zip(starts, ends, strict=True)
                   if s.split(".")[0] == line]
        for number, (start, end) in enumerate(on_line):
            if text.compare(start, "<=", index) and text.compare(index, "<", end) and \
                    number < len(entry.reactions):
                self._actions.on_react(entry, entry.reactions[number][0])
                return True
        return False

    def show_parent(self, where: str) -> bool:
        """Scroll to (and highlight) the message the reply at where answers; False when it is
        not in the log."""
        entry = self.log_pane.entry_at(where)
        return entry is not None and bool(entry.reply_to) and self._reveal(entry.reply_to)

    def _key_reply(self) -> str:
        """Ctrl+R: reply to the message of the log's selection, else the newest one."""
        if self._actions is not None and self.offered.reply:
            text = self.log_pane.text
            entry = self.log_pane.entry_at("sel.first") if text.tag_ranges("sel") else None
            self._actions.on_reply(entry if entry is not None and can_answer(entry) else None)
        return "break"

    def show_reply(self, text: str) -> None:
        self.reply_bar.show(text)
