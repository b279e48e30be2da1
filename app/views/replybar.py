"""The reply bar over the input: 'Replying to bob: hello' with a button that leaves reply mode;
hidden while there is no reply."""

from __future__ import annotations

import tkinter
from collections.abc import Callable

import ttkbootstrap as ttk


class ReplyBar:
    """One row under the log; grid it once, show() and hide() keep its place."""

    def __init__(self, master: tkinter.Misc) -> None:
        self.frame = ttk.Frame(master, padding=(6, 3))
        self.frame.columnconfigure(0, weight=1)
        self.label = ttk.Label(self.frame, text="", bootstyle="secondary", anchor="w")
        self.label.grid(row=0, column=0, sticky="ew")
        self.cancel_button = ttk.Button(self.frame, text="\u00d7", width=2,
                                        bootstyle="secondary-link")
        self.cancel_button.grid(row=0, column=1)

    def place_at(self, row: int, column: int) -> None:
        """Where the bar goes in its master's grid (it starts hidden)."""
        self.frame.grid(row=row, column=column, sticky="ew", pady=(4, 0))
        self.frame.grid_remove()

    def bind(self, on_cancel: Callable[[], None]) -> None:
        """The button calls on_cancel()."""
        self.cancel_button.configure(command=on_cancel)

    def show(self, text: str) -> None:
        """Show text ('' hides the bar)."""
        self.label.configure(text=text)
        if text:
            self.frame.grid()
        else:
            self.frame.grid_remove()

    @property
    def text(self) -> str:
        """What the bar says ('' while hidden)."""
        return str(self.label.cget("text")) if self.frame.winfo_manager() else ""
