"""The quiet line under the log that says who is typing ('bob is typing…'); empty, it keeps its
height so the log does not jump."""

from __future__ import annotations

import tkinter

import ttkbootstrap as ttk

from app.views.palette import muted_colour


class TypingLine:
    """A small italic label in the muted colour."""

    def __init__(self, master: tkinter.Misc) -> None:
        self.label = ttk.Label(master, text="", font="-size 9 -slant italic", anchor="w",
                               padding=(10, 2, 0, 0))

    def show(self, text: str) -> None:
        """Say text ('' for nobody)."""
        self.label.configure(text=text)

    def apply_theme(self, theme: str) -> None:
        """Colour the line for theme ('light' or 'dark')."""
        self.label.configure(foreground=muted_colour(theme))

    @property
    def text(self) -> str:
        """What the line says."""
        return str(self.label.cget("text"))
