"""The full window's user pane: 'Users — N' over the list of who is here.

Operators' prefixes show in the accent colour, away users dimmed; double-clicking a name asks to
message them.
"""

from __future__ import annotations

import tkinter
from collections.abc import Callable, Sequence
from typing import Any

import ttkbootstrap as ttk

from app.models.users import UserItem
from app.views.dialogs import user_label
from app.views.palette import muted_colour

USER_PANE_WIDTH = 190
OP_PREFIXES = "~&@%"
"""Prefixes shown in the accent colour in the user pane (owners, admins, ops, half-ops)."""
DARK_OP_COLOUR = "#5fd3e6"


class UserPane:
    """The heading and the list; on_message(nick) when someone's name is double-clicked."""

    def __init__(self, master: tkinter.Misc, style: Any,
                 on_message: Callable[[str], None]) -> None:
        self.frame = ttk.Frame(master, width=USER_PANE_WIDTH)
        self.frame.grid_propagate(False)
        self.frame.columnconfigure(0, weight=1)
        self.frame.rowconfigure(1, weight=1)
        self.heading = ttk.Label(self.frame, text="Users", font="-size 10 -weight bold")
        self.heading.grid(row=0, column=0, sticky="w", pady=(0, 6))
        self.list = ttk.Listbox(self.frame, activestyle="none", relief="flat", borderwidth=6,
                                highlightthickness=1, width=18, exportselection=False)
        self.list.grid(row=1, column=0, sticky="nsew")
        self.list.bind("<Double-1>", self._on_double_click)
        self._on_message = on_message
        self._users: list[UserItem] = []
        self._style = style
        self._theme = "light"

    def show(self, users: Sequence[UserItem]) -> None:
        """Replace the list and its count."""
        self._users = list(users)
        self.heading.configure(text=f"Users — {len(users)}")
        self.list.delete(0, "end")
        for user in users:
            self.list.insert("end", user_label(user))
        self._colour_users()

    def apply_theme(self, theme: str) -> None:
        """Colour the list for theme ('light' or 'dark'), now in use by the ttk style."""
        self._theme = theme
        colours = self._style.colors
        self.list.configure(background=colours.inputbg, foreground=colours.inputfg,
                            selectbackground=colours.selectbg, selectforeground=colours.selectfg,
                            highlightbackground=colours.border, highlightcolor=colours.border)
        self._colour_users()

    def _colour_users(self) -> None:
        colours = self._style.colors
        op_colour = colours.primary if self._theme == "light" else DARK_OP_COLOUR
        for index, user in enumerate(self._users):
            colour = op_colour if user.prefix and user.prefix in OP_PREFIXES else ""
            if user.away:
                colour = muted_colour(self._theme)
            self.list.itemconfigure(index, foreground=colour or colours.inputfg)

    def colour_of(self, index: int) -> str:
        """The text colour of the index-th user (tests read it)."""
        return str(self.list.itemcget(index, "foreground"))

    def _on_double_click(self, event: tkinter.Event) -> None:
        index = self.list.nearest(event.y)
        if 0 <= index < len(self._users):
            self._on_message(self._users[index].nick)

    @property
    def lines(self) -> list[str]:
        """What the list shows, top to bottom."""
        return list(self.list.get(0, "end"))

    @property
    def heading_text(self) -> str:
        """The user count as the pane shows it."""
        return str(self.heading.cget("text"))
