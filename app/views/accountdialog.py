"""The account dialog: set a password of your own for the account the app made for your nick,
typed twice (masked), so that you can log in from another device with nick + password."""

from __future__ import annotations

import tkinter

import ttkbootstrap as ttk

from app.views.dialogs import ModalDialog, muted_colour


def password_problem(first: str, second: str) -> str:
    """Why the two typed passwords cannot be used ('' when they can); the server has the last
    word on how strong it must be."""
    if not first:
        return "Type the new password."
    if any(c.isspace() for c in first):
        return "A password cannot contain spaces."
    if first != second:
        return "The two passwords are not the same."
    return ""


class AccountDialog(ModalDialog[str]):
    """Account name and server, New password and Repeat; returns the new password."""

    title = "Account — LocalChat"
    mask = "•"

    def __init__(self, master: tkinter.Misc, account: str, server: str, error: str = "") -> None:
        super().__init__(master)
        self.new_var = tkinter.StringVar(self.top)
        self.repeat_var = tkinter.StringVar(self.top)
        self.error_var = tkinter.StringVar(self.top, value=error)
        body = self.body
        ttk.Label(body, text=f"  {account}", font="-size 13 -weight bold",
                  image=ttk.Icon("person-circle", 24, "primary"), compound="left").grid(
            row=0, column=0, columnspan=2, sticky="w")
        ttk.Label(body, text=f"Your account on {server}", foreground=muted_colour()).grid(
            row=1, column=0, columnspan=2, sticky="w", pady=(2, 12))
        self.explanation = (f"LocalChat keeps this account's password for you. To use {account} "
                            f"on another device too, set a password of your own here, then "
                            f"type {account} and this password in that device's connect "
                            f"dialog.")
        ttk.Label(body, text=self.explanation, wraplength=400, justify="left").grid(
            row=2, column=0, columnspan=2, sticky="w", pady=(0, 10))
        ttk.Label(body, text="New password").grid(row=3, column=0, sticky="w", padx=(0, 10),
                                                  pady=4)
        self.new_entry = ttk.Entry(body, textvariable=self.new_var, width=26, show=self.mask)
        self.new_entry.grid(row=3, column=1, sticky="ew", pady=4)
        ttk.Label(body, text="Repeat it").grid(row=4, column=0, sticky="w", padx=(0, 10), pady=4)
        self.repeat_entry = ttk.Entry(body, textvariable=self.repeat_var, width=26,
                                      show=self.mask)
        self.repeat_entry.grid(row=4, column=1, sticky="ew", pady=4)
        self.error_label = ttk.Label(body, textvariable=self.error_var, bootstyle="danger",
                                     wraplength=400, justify="left")
        self.error_label.grid(row=5, column=0, columnspan=2, sticky="w", pady=(8, 0))
        body.columnconfigure(1, weight=1)
        self.save_button = self.add_button("Set", self.accept, default=True)
        self.cancel_button = self.add_button("Cancel", self.cancel)

    @property
    def error(self) -> str:
        """The error the dialog shows, '' when none."""
        return self.error_var.get()

    def focus_widget(self) -> tkinter.Misc:
        return self.new_entry

    def accept(self) -> None:
        problem = password_problem(self.new_var.get(), self.repeat_var.get())
        if problem:
            self.error_var.set(problem)
            self.top.bell()
            return
        self.result = self.new_var.get()
        self.finish()
