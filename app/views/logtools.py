"""What the chat window adds around its log: clickable links, the right-click menus, the Ctrl+F
find bar, the Ctrl+Shift+F search window, showing one message (a search result) in the log, and
what may be done to a message (app.views.messagetools: reply, react, delete)."""

from __future__ import annotations

import tkinter
from collections.abc import Callable, Sequence

from app.models.cachesearch import Hit
from app.views.base import ViewActions
from app.views.contextmenu import InputMenu, LogMenu
from app.views.findbar import FindBar
from app.views.loglinks import LogLinks
from app.views.logpane import LogPane
from app.views.messagetools import MessageTools
from app.views.scheduler import Scheduler
from app.views.searchwindow import SearchWindow

REVEAL_COLOURS = {"light": "#ffe8a3", "dark": "#4d3f10"}
REVEAL_TRIES = 40  # how often (every 50 ms) a message still filling into the log is looked for


class LogTools:
    """Links, menus, find bar and search window of one window's log pane and input."""

    def __init__(self, root: tkinter.Misc, body: tkinter.Misc, log_pane: LogPane,
                 entry: tkinter.Entry, scheduler: Scheduler, find_at: tuple[int, int]) -> None:
        self.root, self.log_pane, self.scheduler = root, log_pane, scheduler
        text = log_pane.text
        self.links = LogLinks(text)
        self.log_menu = LogMenu(text, self.links)
        self.input_menu = InputMenu(entry)
        self.find_bar = FindBar(body, text)
        log_pane.on_filled = self.conversation_filled
        self._find_at = find_at
        self.messages = MessageTools(body, log_pane, self.log_menu, (find_at[0] + 2, find_at[1]),
                                     lambda msgid: self.reveal_message(msgid, 0))
        self.search_window: SearchWindow | None = None
        self._actions: ViewActions | None = None
        self._theme = "light"
        text.tag_configure("revealed")

    def bind(self, actions: ViewActions, widgets: Sequence[tkinter.Misc]) -> None:
        """Ctrl+F and Ctrl+Shift+F on widgets; searches and picks go to actions."""
        self._actions = actions
        self.messages.bind(actions, widgets)
        for widget in widgets:
            widget.bind("<Control-f>", lambda _e: self._key(self.open_find))
            widget.bind("<Control-F>", lambda _e: self._key(self.open_search))
            widget.bind("<Control-Shift-f>", lambda _e: self._key(self.open_search))
            widget.bind("<Control-Shift-F>", lambda _e: self._key(self.open_search))

    def apply_theme(self, theme: str) -> None:
        self._theme = theme
        self.links.apply_theme(theme)
        self.find_bar.apply_theme(theme)
        self.log_pane.text.tag_configure("revealed", background=REVEAL_COLOURS.get(
            theme, REVEAL_COLOURS["light"]))
        self.log_pane.text.tag_raise("revealed")
        if self.search_window is not None and self.search_window.open:
            self.search_window.apply_style()

    def open_find(self) -> None:
        """Ctrl+F: the find bar for the conversation shown."""
        self.find_bar.open(*self._find_at)

    def open_search(self) -> None:
        """Ctrl+Shift+F: the search window (raised when it is open already)."""
        if self.search_window is None or not self.search_window.open:
            self.search_window = SearchWindow(self.root, self._search, self._pick)
        self.search_window.raise_()

    def conversation_shown(self) -> None:
        """The log shows another conversation: find again in it."""
        if self.find_bar.shown:
            self.find_bar.refresh()

    def entries_shown(self) -> None:
        """New lines came into the log: mark matches among them, staying where the user is."""
        if self.find_bar.shown:
            self.find_bar.appended()

    def conversation_filled(self) -> None:
        """The rest of a long conversation was painted above and below the first lines: find
        again in all of it, staying where the user is."""
        if self.find_bar.shown:
            self.find_bar.refresh(move=False)

    def show_search_results(self, hits: Sequence[Hit], note: str) -> None:
        if self.search_window is not None and self.search_window.open:
            self.search_window.show(hits, note)

    def reveal_message(self, msgid: str, tries: int = REVEAL_TRIES) -> bool:
        """Scroll the log to the message with msgid and highlight it; while the log is still
        filling in, look again shortly. False when it is not (yet) shown."""
        line = self.log_pane.line_of_msgid(msgid)
        text = self.log_pane.text
        if not line:
            if tries > 0 and self.log_pane.filling:
                self.scheduler.schedule(50, lambda: self.reveal_message(msgid, tries - 1))
            return False
        text.tag_remove("revealed", "1.0", "end")
        text.tag_add("revealed", f"{line}.0", f"{line}.end")
        text.see(f"{line}.0")
        return True

    def _search(self, text: str) -> None:
        if self._actions is not None:
            self._actions.on_search(text)

    def _pick(self, hit: Hit) -> None:
        """Open hit, then bring the chat window up over the search window (which stays open
        behind it for the next pick)."""
        if self._actions is not None:
            self._actions.on_search_pick(hit)
        self.root.lift()
        self.input_menu.entry.focus_set()

    @staticmethod
    def _key(action: Callable[[], None]) -> str:
        action()
        return "break"
