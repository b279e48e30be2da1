"""Right-click menus: the log's (Copy, Copy link on a link, Select all) and the input's (Cut,
Copy, Paste). Each acts on its own widget and the clipboard."""

from __future__ import annotations

import tkinter
from collections.abc import Callable

import ttkbootstrap as ttk

from app.views.loglinks import LogLinks

Event = tkinter.Event  # type: ignore[type-arg]


def _menu(master: tkinter.Misc) -> ttk.Menu:
    """A popup menu with a visible edge in both themes (no separators: ttkbootstrap draws them
    as heavy black bars)."""
    return ttk.Menu(master, tearoff=False, borderwidth=1, relief="solid", activeborderwidth=2)


def _popup_keys(widget: tkinter.Misc, show: Callable[[Event], object]) -> None:
    """Open the menu on a right click (Button-3; Button-2 on macOS' Aqua), the Menu key and
    Shift+F10."""
    buttons = ("<Button-2>", "<Control-Button-1>") if widget.tk.call(
        "tk", "windowingsystem") == "aqua" else ("<Button-3>",)
    for sequence in buttons:
        widget.bind(sequence, show, add="+")
    for sequence in ("<Key-Menu>", "<Shift-F10>"):
        try:
            widget.bind(sequence, show, add="+")
        except tkinter.TclError:  # a platform without that key
            pass


class LogMenu:
    """The log's menu; the link under the pointer when it opened is the one 'Copy link' copies."""

    def __init__(self, text: tkinter.Text, links: LogLinks) -> None:
        self.text, self.links = text, links
        self.link: str | None = None
        self.menu = _menu(text)
        self.menu.add_command(label="Copy", command=self.copy, accelerator="Ctrl+C")
        self.menu.add_command(label="Copy link", command=self.copy_link)
        self.menu.add_command(label="Select all", command=self.select_all, accelerator="Ctrl+A")
        self.extend: Callable[[ttk.Menu, str], None] = lambda menu, where: None
        """Adds items about what is at where (a Text index) below these, before each post."""
        _popup_keys(text, self.show)
        text.bind("<Control-a>", lambda _e: self._key(self.select_all))
        text.bind("<Control-c>", lambda _e: self._key(self.copy))

    def show(self, event: Event) -> str:
        """Post the menu at the pointer, 'Copy link' enabled only over a link."""
        keyboard = event.keysym in ("Menu", "F10")
        where = "insert" if keyboard else f"@{event.x},{event.y}"
        self.link = self.links.url_at(where)
        selected = bool(self.text.tag_ranges("sel"))
        self.menu.entryconfigure("Copy", state="normal" if selected else "disabled")
        self.menu.entryconfigure("Copy link", state="normal" if self.link else "disabled")
        self.extend(self.menu, where)
        x, y = (self.text.winfo_rootx() + 20, self.text.winfo_rooty() + 20) if keyboard else (
            event.x_root, event.y_root)
        self.menu.tk_popup(x, y)
        return "break"

    def copy(self) -> None:
        """The selected text to the clipboard (nothing selected: nothing happens)."""
        if self.text.tag_ranges("sel"):
            self._to_clipboard(self.text.get("sel.first", "sel.last"))

    def copy_link(self) -> None:
        if self.link:
            self._to_clipboard(self.link)

    def select_all(self) -> None:
        self.text.tag_add("sel", "1.0", "end-1c")

    def _to_clipboard(self, value: str) -> None:
        self.text.clipboard_clear()
        self.text.clipboard_append(value)

    @staticmethod
    def _key(action: Callable[[], None]) -> str:
        action()
        return "break"


class InputMenu:
    """The input's menu: Cut and Copy on a selection, Paste from the clipboard."""

    def __init__(self, entry: tkinter.Entry) -> None:
        self.entry = entry
        self.menu = _menu(entry)
        for label, virtual, key in (("Cut", "<<Cut>>", "Ctrl+X"), ("Copy", "<<Copy>>", "Ctrl+C"),
                                    ("Paste", "<<Paste>>", "Ctrl+V")):
            self.menu.add_command(label=label, accelerator=key,
                                  command=lambda v=virtual: entry.event_generate(v))
        _popup_keys(entry, self.show)

    def show(self, event: Event) -> str:
        """Post the menu: Cut and Copy only with a selection, Paste only with clipboard text."""
        selected = bool(self.entry.selection_present())
        for label in ("Cut", "Copy"):
            self.menu.entryconfigure(label, state="normal" if selected else "disabled")
        self.menu.entryconfigure("Paste", state="normal" if self._clipboard() else "disabled")
        self.entry.focus_set()
        keyboard = event.keysym in ("Menu", "F10")
        x, y = (self.entry.winfo_rootx() + 20, self.entry.winfo_rooty() + 10) if keyboard else (
            event.x_root, event.y_root)
        self.menu.tk_popup(x, y)
        return "break"

    def _clipboard(self) -> str:
        try:
            return str(self.entry.clipboard_get())
        except tkinter.TclError:  # empty, or not text
            return ""
