"""The conversation list's right-click menu: what one conversation notifies you for."""

from __future__ import annotations

import tkinter
from collections.abc import Callable

NOTIFY_CHOICES = (("all", "Notify for all messages"), ("mentions", "Notify for mentions only"),
                  ("never", "Never notify"))


class NotifyMenu:
    """A popup of NOTIFY_CHOICES with the conversation's current one ticked; a choice calls
    on_choose(name, mode)."""

    def __init__(self, master: tkinter.Misc, on_choose: Callable[[str, str], None]) -> None:
        self.menu = tkinter.Menu(master, tearoff=False)
        self.var = tkinter.StringVar(master, value="")
        self.name = ""
        for mode, label in NOTIFY_CHOICES:
            self.menu.add_radiobutton(label=label, value=mode, variable=self.var,
                                      command=lambda mode=mode: on_choose(self.name, mode))

    def prepare(self, name: str, mode: str) -> None:
        """Make the menu about conversation name, whose mode is ticked."""
        self.name = name
        self.var.set(mode)

    def popup(self, name: str, mode: str, x: int, y: int) -> None:
        """Show the menu for conversation name at screen position x, y."""
        self.prepare(name, mode)
        try:
            self.menu.tk_popup(x, y)
        finally:
            self.menu.grab_release()

    def labels(self) -> list[str]:
        """The choices as the menu reads them."""
        return [str(self.menu.entrycget(index, "label")) for index in range(len(NOTIFY_CHOICES))]

    def choose(self, mode: str) -> None:
        """Pick mode as a click would (tests)."""
        self.menu.invoke([choice for choice, _ in NOTIFY_CHOICES].index(mode))
