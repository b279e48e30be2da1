"""Moving between conversations: which are listed, which one is shown, and the keys and picks
that ask the controller for another (Ctrl+Tab / Ctrl+Shift+Tab, Alt+Down / Alt+Up).
"""

from __future__ import annotations

import tkinter
from collections.abc import Callable, Iterable, Sequence

from app.views.base import Conversation
from app.views.conversations import listed

SWITCH_KEYS = {"<Control-Tab>": 1, "<Control-ISO_Left_Tab>": -1, "<Control-Shift-Tab>": -1,
               "<Alt-Down>": 1, "<Alt-Up>": -1}
"""Keys that move to the next (+1) or previous (-1) conversation, in the list's order."""


class Switcher:
    """The conversations and the current one; on_switch(name), once set, hears which the user
    wants to see instead."""

    def __init__(self) -> None:
        self.conversations: list[Conversation] = []
        self.current = ""
        self.on_switch: Callable[[str], None] | None = None

    def show(self, conversations: Sequence[Conversation], current: str) -> int:
        """Remember conversations and current; return the unread in the others."""
        self.conversations = list(conversations)
        self.current = current
        return sum(c.unread for c in self.conversations if c.name != current)

    @property
    def listed(self) -> list[Conversation]:
        """The conversations in the list's order."""
        return listed(self.conversations)

    def pick(self, name: str) -> None:
        """The user clicked or chose a conversation in the list."""
        if self.on_switch is not None and name != self.current:
            self.on_switch(name)

    def step(self, step: int) -> str:
        """Ask for the conversation step places after (or before) the current one, wrapping."""
        names = [c.name for c in self.listed]
        if self.on_switch is not None and names:
            index = names.index(self.current) if self.current in names else -step
            target = names[(index + step) % len(names)]
            if target != self.current:
                self.on_switch(target)
        return "break"

    def bind_keys(self, widgets: Iterable[tkinter.Misc]) -> None:
        """Bind SWITCH_KEYS on each of widgets (skipping keysyms the display does not know)."""
        for key, step in SWITCH_KEYS.items():
            for widget in widgets:
                try:
                    widget.bind(key, lambda _event, step=step: self.step(step))
                except tkinter.TclError:  # a keysym this display does not know
                    continue
