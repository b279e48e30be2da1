"""The window title: who and where, led by the unread count; it counts lines that arrive while the
window is not focused, and forgets them when it gets the focus back.
"""

from __future__ import annotations

import tkinter
from collections.abc import Sequence

from app.models.conversations import UNREAD_KINDS
from app.models.log import LogEntry
from app.views.header import APP_NAME
from app.views.scheduler import Scheduler


class WindowTitle:
    """The title of root, and the focus and unread bookkeeping behind it."""

    def __init__(self, root: tkinter.Tk, scheduler: Scheduler) -> None:
        self.root = root
        self.scheduler = scheduler
        self.text = ""
        self.unread = 0
        """Messages that arrived while the window was not focused."""
        self.elsewhere = 0
        """Unread in conversations other than the one shown."""
        self._nick = ""
        self._server = ""
        self._focused = True
        root.bind("<FocusIn>", self._on_focus_in, add="+")
        root.bind("<FocusOut>", self._on_focus_out, add="+")

    @property
    def focused(self) -> bool:
        """True while the window has the focus."""
        return self._focused

    @property
    def total_unread(self) -> int:
        """What the title counts: unread elsewhere plus lines that arrived unfocused."""
        return self.elsewhere + self.unread

    def set_identity(self, nick: str, server: str) -> None:
        """Name nick and server in the title."""
        self._nick, self._server = nick, server
        self.refresh()

    def set_elsewhere(self, count: int) -> None:
        """Count count unread in the other conversations."""
        self.elsewhere = count
        self.refresh()

    def arrived(self, entries: Sequence[LogEntry]) -> None:
        """Count entries that would be unread, while the window is not focused."""
        if not self._focused:
            self.unread += sum(1 for e in entries if e.kind in UNREAD_KINDS and not e.own)
            self.refresh()

    def refresh(self) -> None:
        """Set the title from what is known now."""
        title = APP_NAME
        if self._nick or self._server:
            who = " @ ".join(part for part in (self._nick, self._server) if part)
            title = f"{APP_NAME} — {who}"
        if self.total_unread:
            title = f"({self.total_unread}) {title}"
        self.text = title
        self.root.title(title)

    def _on_focus_in(self, _event: tkinter.Event) -> None:
        self._focused = True
        if self.unread:
            self.unread = 0
            self.refresh()

    def _on_focus_out(self, _event: tkinter.Event) -> None:
        self.root.after_idle(self._check_focus)

    def _check_focus(self) -> None:
        if self.scheduler.closed:
            return
        try:
            focused = self.root.focus_displayof() is not None
        except (KeyError, tkinter.TclError):
            focused = True
        self._focused = focused
