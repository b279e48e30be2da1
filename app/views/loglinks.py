"""Links in the log: underlined in the theme's link colour, a hand cursor over them, a click
opens them in the browser (webbrowser, or the opener given)."""

from __future__ import annotations

import tkinter
import webbrowser
from collections.abc import Callable

from app.models.links import browser_url

LINK_COLOURS = {"light": "#0b62c4", "dark": "#6cb6ff"}


class LogLinks:
    """The 'link' tag of one log Text: its look, its cursor and its click."""

    def __init__(self, text: tkinter.Text,
                 open_url: Callable[[str], object] | None = None) -> None:
        self.text = text
        self._open = open_url  # None: webbrowser.open, looked up when a link is clicked
        self._cursor = str(text.cget("cursor"))
        text.tag_configure("link", underline=True)
        text.tag_bind("link", "<Enter>", lambda _e: text.configure(cursor="hand2"))
        text.tag_bind("link", "<Leave>", lambda _e: text.configure(cursor=self._cursor))
        text.tag_bind("link", "<ButtonRelease-1>", self._on_click)

    def apply_theme(self, theme: str) -> None:
        """The link colour for theme ('light' or 'dark')."""
        self.text.tag_configure("link", foreground=LINK_COLOURS.get(theme, LINK_COLOURS["light"]))

    def url_at(self, index: str) -> str | None:
        """The address of the link at a Text index, or None when there is none."""
        if "link" not in self.text.tag_names(index):
            return None
        found = self.text.tag_prevrange("link", f"{index}+1c")
        if not found:
            return None
        return browser_url(self.text.get(*found))

    def open_at(self, index: str) -> bool:
        """Open the link at index in the browser; False when there is none."""
        url = self.url_at(index)
        if url is None:
            return False
        (self._open or webbrowser.open)(url)
        return True

    def _on_click(self, event: tkinter.Event) -> str | None:  # type: ignore[type-arg]
        if self.text.tag_ranges("sel"):  # the user was selecting text, not clicking
            return None
        self.open_at(f"@{event.x},{event.y}")
        return "break"
