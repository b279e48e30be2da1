"""The window's header: app name, nick and server, the connection badge and its detail, the
Account menu (with Do not disturb and Preferences…), the Dark toggle; in the compact window
also the user count and the conversation menu.
"""

from __future__ import annotations

import tkinter
from collections.abc import Callable

import ttkbootstrap as ttk

from app.views.base import STATUSES
from app.views.conversations import ConversationMenu
from app.views.palette import STATUS_STYLES, muted_colour

APP_NAME = "LocalChat"


class Header:
    """The header row (and, when compact, the conversation menu under it)."""

    def __init__(self, root: tkinter.Misc, compact: bool, dark: bool,
                 on_toggle: Callable[[], None], on_pick: Callable[[str], None],
                 on_account: Callable[[], None] = lambda: None,
                 on_dnd: Callable[[], None] = lambda: None,
                 on_notify: Callable[[str, str], None] = lambda name, mode: None,
                 on_preferences: Callable[[], None] = lambda: None) -> None:
        self.compact = compact
        self.frame = ttk.Frame(root, padding=(14, 10, 12, 8))
        top = ttk.Frame(self.frame)
        top.pack(fill="x")
        # Right-hand items are packed first so that a narrow window squeezes the left ones.
        self.theme_var = tkinter.BooleanVar(root, value=dark)
        self.theme_toggle = ttk.Checkbutton(top, text="Dark", variable=self.theme_var,
                                            bootstyle="round-toggle", command=on_toggle)
        self.theme_toggle.pack(side="right", padx=(8 if compact else 14, 0))
        if compact:  # an icon only: the narrow header keeps room for the nick and the count
            self.account_button = ttk.Menubutton(top, image=ttk.Icon("person-circle", 16,
                                                                     "primary"),
                                                 bootstyle="primary-outline")
        else:
            self.account_button = ttk.Menubutton(top, text="Account",
                                                 bootstyle="primary-outline")
        self.account_menu = tkinter.Menu(self.account_button, tearoff=False)
        self.account_menu.add_command(label="Set a password…", command=on_account)
        self.dnd_var = tkinter.BooleanVar(root, value=False)
        self.account_menu.add_checkbutton(label="Do not disturb", variable=self.dnd_var,
                                          command=on_dnd)
        self.account_menu.add_separator()
        self.account_menu.add_command(label="Preferences…", accelerator="Ctrl+,",
                                      command=on_preferences)
        self.account_button.configure(menu=self.account_menu)
        self.account_button.pack(side="right", padx=(8, 0))
        self.status_label = ttk.Label(top, text="", padding=(8, 2), font="-size 9 -weight bold")
        # compact: the user count on its left would touch it (the narrow header's other gaps
        # are smaller to make room)
        self.status_label.pack(side="right", padx=(8, 0) if compact else 0)
        self._build_identity(top)
        if compact:
            self.users_count.pack(side="left", padx=(6, 0))
            self.conversation_menu = ConversationMenu(self.frame, on_pick, on_notify)
            self.conversation_menu.frame.pack(side="top", fill="x", pady=(8, 0))
            self.detail_label = ttk.Label(self.conversation_menu.frame, text="")
        else:
            self.detail_label = ttk.Label(top, text="")
            self.detail_label.pack(side="right", padx=(8, 8))

    def _build_identity(self, top: ttk.Frame) -> None:
        self.app_label = ttk.Label(top, text=APP_NAME, font="-size 14 -weight bold",
                                   bootstyle="primary")
        if not self.compact:
            self.app_label.pack(side="left", padx=(0, 16))
        self.nick_label = ttk.Label(top, text="", font="-size 11 -weight bold")
        self.nick_label.pack(side="left")
        self.server_label = ttk.Label(top, text="")
        self.server_label.pack(side="left", padx=(6, 0))
        self.users_count = ttk.Label(top, text="")

    def set_identity(self, nick: str, server: str) -> None:
        """Show nick and server."""
        self.nick_label.configure(text=nick)
        self.server_label.configure(text=f"@ {server}" if server else "")

    def set_status(self, status: str, detail: str = "") -> None:
        """Show the connection status as a coloured badge, with detail beside it."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
        self.status_label.configure(text=status.upper(), bootstyle=f"@{STATUS_STYLES[status]}")
        self.detail_label.configure(text=detail)
        if self.compact:
            if detail:
                self.detail_label.pack(side="right")
            else:
                self.detail_label.pack_forget()

    def set_user_count(self, count: int) -> None:
        """Show how many are here (the compact window's header; the full one has a user pane)."""
        self.users_count.configure(text=f"· {count} here")

    def apply_theme(self, theme: str) -> None:
        """Mute the secondary labels for theme ('light' or 'dark')."""
        labels = [self.server_label, self.detail_label]
        if self.compact:
            labels.append(self.users_count)
        for label in labels:
            label.configure(foreground=muted_colour(theme))

    @property
    def text(self) -> str:
        """The header's words: app, nick, server, user count, status, detail."""
        labels = (self.app_label, self.nick_label, self.server_label, self.users_count,
                  self.status_label, self.detail_label)
        return " ".join(str(label.cget("text")) for label in labels if label.cget("text"))

    @property
    def user_count_text(self) -> str:
        """The user count as the compact header shows it."""
        return str(self.users_count.cget("text"))
