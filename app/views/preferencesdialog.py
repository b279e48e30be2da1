"""The Preferences dialog (Account ▸ Preferences…, Ctrl+,): typing notifications, automatic
away, compact join/part lines, do-not-disturb and the theme; app.models.preferences reads it."""

from __future__ import annotations

import tkinter

import ttkbootstrap as ttk

from app.models.preferences import Preferences, read_form
from app.models.settings import MAX_AUTO_AWAY_MINUTES
from app.models.userinput import InvalidInput
from app.views.dialogs import ModalDialog, muted_colour

THEME_LABELS = (("light", "Light"), ("dark", "Dark"))


class PreferencesDialog(ModalDialog[Preferences]):
    """Opens with current; OK returns the Preferences typed (refused with a message while the
    minutes are not a whole number from 0 to MAX_AUTO_AWAY_MINUTES), Cancel None."""

    title = "Preferences — LocalChat"

    def __init__(self, master: tkinter.Misc, current: Preferences) -> None:
        super().__init__(master)
        top = self.top
        self.typing_var = tkinter.BooleanVar(top, value=current.send_typing)
        self.away_var = tkinter.StringVar(top, value=str(current.auto_away_minutes))
        self.joins_var = tkinter.BooleanVar(top, value=current.compact_joins)
        self.dnd_var = tkinter.BooleanVar(top, value=current.dnd)
        self.theme_var = tkinter.StringVar(top, value=current.theme)
        self.error_var = tkinter.StringVar(top, value="")
        self._build_chat(self.body)
        self._build_look(self.body)
        self.error_label = ttk.Label(self.body, textvariable=self.error_var, bootstyle="danger",
                                     wraplength=420, justify="left")
        self.error_label.grid(row=9, column=0, columnspan=3, sticky="w", pady=(10, 0))
        self.ok_button = self.add_button("OK", self.accept, default=True)
        self.cancel_button = self.add_button("Cancel", self.cancel)

    def _heading(self, master: ttk.Frame, text: str, row: int) -> None:
        ttk.Label(master, text=text, font="-size 10 -weight bold").grid(
            row=row, column=0, columnspan=3, sticky="w", pady=(0 if row == 0 else 14, 4))

    def _build_chat(self, body: ttk.Frame) -> None:
        self._heading(body, "Chat", 0)
        self.typing_check = ttk.Checkbutton(body, text="Tell others when I am typing",
                                            variable=self.typing_var)
        self.typing_check.grid(row=1, column=0, columnspan=3, sticky="w", pady=3)
        ttk.Label(body, text="Mark me away after").grid(row=2, column=0, sticky="w", pady=3)
        self.away_entry = ttk.Entry(body, textvariable=self.away_var, width=6, justify="right")
        self.away_entry.grid(row=2, column=1, sticky="w", padx=6, pady=3)
        ttk.Label(body, text="minutes without input").grid(row=2, column=2, sticky="w", pady=3)
        ttk.Label(body, text=f"0 turns it off; at most {MAX_AUTO_AWAY_MINUTES} (a day).",
                  foreground=muted_colour()).grid(row=3, column=0, columnspan=3, sticky="w")
        self.joins_check = ttk.Checkbutton(
            body, text="Show joins, parts and quits as one compact line",
            variable=self.joins_var)
        self.joins_check.grid(row=4, column=0, columnspan=3, sticky="w", pady=(8, 3))

    def _build_look(self, body: ttk.Frame) -> None:
        self._heading(body, "Notifications", 5)
        self.dnd_check = ttk.Checkbutton(body, text="Do not disturb (no desktop notifications)",
                                         variable=self.dnd_var)
        self.dnd_check.grid(row=6, column=0, columnspan=3, sticky="w", pady=3)
        self._heading(body, "Theme", 7)
        row = ttk.Frame(body)
        row.grid(row=8, column=0, columnspan=3, sticky="w")
        self.theme_buttons = {}
        for value, label in THEME_LABELS:
            button = ttk.Radiobutton(row, text=label, value=value, variable=self.theme_var)
            button.pack(side="left", padx=(0, 16))
            self.theme_buttons[value] = button

    @property
    def error(self) -> str:
        """The message the dialog shows, '' when none."""
        return self.error_var.get()

    def focus_widget(self) -> tkinter.Misc:
        return self.typing_check

    def accept(self) -> None:
        try:
            self.result = read_form(self.typing_var.get(), self.away_var.get(),
                                    self.joins_var.get(), self.dnd_var.get(),
                                    self.theme_var.get())
        except InvalidInput as error:
            self.error_var.set(str(error))
            self.away_entry.focus_set()
            self.away_entry.select_range(0, "end")
            self.top.bell()
            return
        self.finish()
