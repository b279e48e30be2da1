"""The input row: the entry, Send and Users; Enter sends, Shift+Enter starts a new line of the
same message, Up/Down recall what was sent, Tab completes a nick; every change of the text is
reported (typing notifications, automatic away).
"""

from __future__ import annotations

import tkinter
from collections.abc import Callable

import ttkbootstrap as ttk

from app.views.inputline import InputHistory, NickCompleter

NEW_LINE = "\u21b5"
"""How a line break shows in the one-line entry (Tk draws a raw line feed as a box); the text
sent has a line feed there."""


class InputBar:
    """The entry and its two buttons, with history recall and nick completion."""

    def __init__(self, master: tkinter.Misc) -> None:
        self.frame = ttk.Frame(master)
        self.frame.columnconfigure(0, weight=1)
        self.entry = ttk.Entry(self.frame, font="TkTextFont")
        self.entry.grid(row=0, column=0, sticky="ew", ipady=3)
        self.send_button = ttk.Button(self.frame, text="Send", bootstyle="primary",
                                      icon="send-fill", width=7)
        self.send_button.grid(row=0, column=1, padx=(8, 0))
        self.users_button = ttk.Button(self.frame, text="Users", bootstyle="primary-outline",
                                       icon="people-fill", width=7)
        self.users_button.grid(row=0, column=2, padx=(8, 0))
        self.entry.focus_set()
        self._history = InputHistory()
        self._completer = NickCompleter()
        self._on_send: Callable[[str], None] | None = None
        self._nicks: Callable[[], list[str]] = list
        self._text = tkinter.StringVar(self.entry)
        self.entry.configure(textvariable=self._text)

    def bind(self, on_send: Callable[[str], None], on_users: Callable[[], None],
             nicks: Callable[[], list[str]]) -> None:
        """Send and Enter call on_send(text), Users on_users(); Tab completes from nicks()."""
        self._on_send, self._nicks = on_send, nicks
        self.send_button.configure(command=self._send)
        self.users_button.configure(command=on_users)
        self.entry.bind("<Return>", lambda _event: self._send())
        self.entry.bind("<KP_Enter>", lambda _event: self._send())
        self.entry.bind("<Shift-Return>", lambda _event: self._new_line())
        self.entry.bind("<<Paste>>", lambda _event: self._paste())
        self.entry.bind("<Up>", lambda _event: self._recall(self._history.previous(
            self.entry.get())))
        self.entry.bind("<Down>", lambda _event: self._recall(self._history.next()))
        self.entry.bind("<Tab>", lambda _event: self._complete_nick())

    def watch(self, on_change: Callable[[str], None]) -> None:
        """Call on_change(text) whenever the entry's text changes (typed, pasted, cleared)."""
        self._text.trace_add("write", lambda *_args: on_change(self._text.get()))

    @property
    def text(self) -> str:
        """The text in the entry (its line breaks as line feeds)."""
        return str(self.entry.get()).replace(NEW_LINE, "\n")

    def set_text(self, text: str, cursor: int) -> None:
        """Put text in the entry with the cursor at cursor."""
        self._text.set(text)  # one write: watchers see the new text, never an empty one between
        self.entry.icursor(cursor)

    def clear(self) -> None:
        """Empty the entry."""
        self.entry.delete(0, "end")

    def _send(self) -> str:
        text = self.entry.get().replace(NEW_LINE, "\n")
        self._history.add(text)
        if self._on_send is not None:
            self._on_send(text)
        return "break"

    def _new_line(self) -> str:
        """Shift+Enter: a line break at the cursor (one multiline message when sent)."""
        if self.entry.selection_present():
            self.entry.delete("sel.first", "sel.last")
        self.entry.insert("insert", NEW_LINE)
        return "break"

    def _paste(self) -> str:
        """Paste, line breaks shown as NEW_LINE."""
        try:
            pasted = str(self.entry.clipboard_get())
        except tkinter.TclError:  # empty, or not text
            return "break"
        if self.entry.selection_present():
            self.entry.delete("sel.first", "sel.last")
        shown = pasted.replace("\r\n", "\n").replace("\r", "\n").replace("\n", NEW_LINE)
        self.entry.insert("insert", shown)
        return "break"

    def _recall(self, line: str | None) -> str:
        if line is not None:
            line = line.replace("\n", NEW_LINE)
            self.set_text(line, len(line))
        return "break"

    def _complete_nick(self) -> str:
        done = self._completer.complete(self.entry.get(), self.entry.index("insert"),
                                        self._nicks())
        if done is not None:
            self.set_text(*done)
        return "break"
