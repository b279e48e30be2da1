"""The chat window's modal dialogs: confirm exit, connect, trust a TLS certificate, and who is
connected.

Each one is a themed Toplevel where Enter accepts and Escape (or the window's X) cancels;
`run()` blocks in a local event loop until the dialog closes and returns its answer.
"""

from __future__ import annotations

import tkinter
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import ttkbootstrap as ttk

from app.models.discovery import DiscoveredServer, Discovery
from app.models.settings import ConnectParams, params_error
from app.models.trust import fingerprint_halves
from app.models.users import UserItem
from app.views.serverlist import ServerList

T = TypeVar("T")


class ModalDialog(Generic[T]):
    """A modal dialog over master. Subclasses fill `body` and `buttons`, and decide the result."""

    title = "LocalChat"

    def __init__(self, master: tkinter.Misc) -> None:
        self.master = master
        self.result: T | None = None
        self._done = False
        self.top = ttk.Toplevel(title=self.title, master=master, resizable=(False, False))
        self.top.withdraw()
        border = ttk.Style.get_instance().colors.border
        self.top.configure(highlightthickness=1, highlightbackground=border,
                           highlightcolor=border)
        self.top.protocol("WM_DELETE_WINDOW", self.cancel)
        self.top.bind("<Escape>", lambda _event: self._answer(self.cancel))
        self.top.bind("<Return>", lambda _event: self._answer(self.accept))
        self.top.bind("<KP_Enter>", lambda _event: self._answer(self.accept))
        self.body = ttk.Frame(self.top, padding=(20, 18, 20, 10))
        self.body.pack(fill="both", expand=True)
        ttk.Separator(self.top).pack(fill="x")
        self.buttons = ttk.Frame(self.top, padding=(12, 10))
        self.buttons.pack(fill="x")

    def add_button(self, text: str, command: Callable[[], None],
                   default: bool = False) -> ttk.Button:
        """A button at the right of the button row; the default one is accented."""
        if default:
            button = ttk.Button(self.buttons, text=text, command=command, width=10,
                                bootstyle="primary")
        else:
            button = ttk.Button(self.buttons, text=text, command=command, width=10)
        button.pack(side="right", padx=(8, 0))
        return button

    def _answer(self, action: Callable[[], None]) -> None:
        # Enter on a focused button has already pressed that button (ttkbootstrap's class
        # binding runs first): the dialog is answered, and Enter must not answer it again.
        if not self._done:
            action()

    def accept(self) -> None:
        """Enter or the default button: subclasses set self.result, then call finish()."""
        self.finish()

    def cancel(self) -> None:
        """Escape, Cancel or the window's X: no result."""
        self.result = None
        self.finish()

    def finish(self) -> None:
        """Close the dialog (once) and end run()."""
        if self._done:
            return
        self._done = True
        try:
            self.top.grab_release()
        except tkinter.TclError:
            pass
        self.top.destroy()

    @property
    def is_open(self) -> bool:
        """True until the dialog has been answered."""
        return not self._done

    def focus_widget(self) -> tkinter.Misc:
        """The widget that gets the keyboard focus when the dialog opens."""
        return self.top

    def shown(self) -> None:
        """Once the dialog is on screen with the focus: subclasses may select text."""

    def run(self) -> T | None:
        """Show the dialog centred over master and wait for the answer."""
        self._show_master_first()
        self._place()
        if self.master.winfo_viewable():
            self.top.transient(self.master)
        self.top.deiconify()
        self.top.lift()
        self._grab()
        self.focus_widget().focus_force()
        self.shown()
        self.top.wait_window()
        return self.result

    def _show_master_first(self) -> None:
        """At start-up the main window is not on screen yet: map it now, so that the dialog opens
        over it (and is made transient for it) instead of being covered when it maps later."""
        window = self.master.winfo_toplevel()
        if window.wm_state() == "normal" and not window.winfo_viewable():
            window.update()

    def _grab(self, tries: int = 100) -> None:
        """Take the grab once the window is viewable (retrying for up to ~2 s); the dialog works
        without it, it just would not be modal."""
        if self._done:
            return
        try:
            self.top.grab_set()
        except tkinter.TclError:
            if tries > 0:
                self.master.after(20, lambda: self._grab(tries - 1))

    def _place(self) -> None:
        self.top.update_idletasks()
        width, height = self.top.winfo_reqwidth(), self.top.winfo_reqheight()
        if self.master.winfo_viewable():
            x = self.master.winfo_rootx() + (self.master.winfo_width() - width) // 2
            y = self.master.winfo_rooty() + (self.master.winfo_height() - height) // 3
        else:
            x = (self.top.winfo_screenwidth() - width) // 2
            y = (self.top.winfo_screenheight() - height) // 3
        self.top.geometry(f"+{max(x, 0)}+{max(y, 0)}")


class ConfirmDialog(ModalDialog[bool]):
    """'Are you sure you want to exit?' with OK (Enter) and Cancel (Escape)."""

    title = "Exit LocalChat"
    message = "Are you sure you want to exit?"

    def __init__(self, master: tkinter.Misc) -> None:
        super().__init__(master)
        ttk.Label(self.body, image=ttk.Icon("question-circle-fill", 30, "primary")).pack(
            side="left", padx=(0, 14))
        ttk.Label(self.body, text=self.message, font="-size 11").pack(side="left", pady=6)
        self.ok_button = self.add_button("OK", self.accept, default=True)
        self.cancel_button = self.add_button("Cancel", self.cancel)

    def accept(self) -> None:
        self.result = True
        self.finish()

    def focus_widget(self) -> tkinter.Misc:
        return self.ok_button


class ConnectDialog(ModalDialog[ConnectParams]):
    """Host, port, nickname, Use TLS, the account's password (optional: to log in to an account
    from another device), the server password and Remember password, checked before the dialog
    returns; errors shown inline in red."""

    title = "Connect — LocalChat"
    mask = "•"

    def __init__(self, master: tkinter.Misc, defaults: ConnectParams, error: str = "",
                 discovery: Discovery | None = None) -> None:
        super().__init__(master)
        self.picked: DiscoveredServer | None = None
        self.server_list = ServerList(self.body, discovery, self.pick_server) \
            if discovery is not None else None
        self.host_var = tkinter.StringVar(self.top, value=defaults.host)
        self.port_var = tkinter.StringVar(self.top, value=str(defaults.port))
        self.nick_var = tkinter.StringVar(self.top, value=defaults.nick)
        self.tls_var = tkinter.BooleanVar(self.top, value=defaults.tls)
        self.account_password_var = tkinter.StringVar(self.top, value=defaults.account_password)
        self.password_var = tkinter.StringVar(self.top, value=defaults.password)
        self.remember_var = tkinter.BooleanVar(self.top, value=defaults.remember_password)
        self.error_var = tkinter.StringVar(self.top, value=error)
        self._build_body()
        self.connect_button = self.add_button("Connect", self.accept, default=True)
        self.cancel_button = self.add_button("Cancel", self.cancel)

    def _build_body(self) -> None:
        body = self.body
        ttk.Label(body, text="  Connect to a chat server", font="-size 13 -weight bold",
                  image=ttk.Icon("chat-dots-fill", 24, "primary"), compound="left").grid(
            row=0, column=0, columnspan=4, sticky="w", pady=(0, 14))
        if self.server_list is not None:
            self.server_list.frame.grid(row=1, column=0, columnspan=4, sticky="ew", pady=(0, 12))
        ttk.Label(body, text="Server").grid(row=2, column=0, sticky="w", padx=(0, 10), pady=4)
        self.host_entry = ttk.Entry(body, textvariable=self.host_var, width=24)
        self.host_entry.grid(row=2, column=1, sticky="ew", pady=4)
        ttk.Label(body, text="Port").grid(row=2, column=2, sticky="w", padx=(12, 8), pady=4)
        self.port_entry = ttk.Entry(body, textvariable=self.port_var, width=7)
        self.port_entry.grid(row=2, column=3, sticky="ew", pady=4)
        self.tls_check = ttk.Checkbutton(body, text="Use TLS (encrypted)", variable=self.tls_var)
        self.tls_check.grid(row=3, column=1, columnspan=3, sticky="w", pady=(2, 8))
        ttk.Label(body, text="Nickname").grid(row=4, column=0, sticky="w", padx=(0, 10), pady=4)
        self.nick_entry = ttk.Entry(body, textvariable=self.nick_var, width=24)
        self.nick_entry.grid(row=4, column=1, sticky="ew", pady=4)
        ttk.Label(body, text="Account password").grid(row=5, column=0, sticky="w",
                                                      padx=(0, 10), pady=4)
        self.account_password_entry = ttk.Entry(body, textvariable=self.account_password_var,
                                                width=24, show=self.mask)
        self.account_password_entry.grid(row=5, column=1, sticky="ew", pady=4)
        ttk.Label(body, text="to log in from another device", foreground=muted_colour()).grid(
            row=5, column=2, columnspan=2, sticky="w", padx=(12, 0), pady=4)
        ttk.Label(body, text="Server password").grid(row=6, column=0, sticky="w", padx=(0, 10),
                                                     pady=4)
        self.password_entry = ttk.Entry(body, textvariable=self.password_var, width=24,
                                        show=self.mask)
        self.password_entry.grid(row=6, column=1, sticky="ew", pady=4)
        ttk.Label(body, text="if the server has one", foreground=muted_colour()).grid(
            row=6, column=2, columnspan=2, sticky="w", padx=(12, 0), pady=4)
        self.remember_check = ttk.Checkbutton(body, text="Remember server password",
                                              variable=self.remember_var)
        self.remember_check.grid(row=7, column=1, columnspan=3, sticky="w", pady=(2, 0))
        self.error_label = ttk.Label(
            body, textvariable=self.error_var, bootstyle="danger", wraplength=460, justify="left")
        self.error_label.grid(row=8, column=0, columnspan=4, sticky="w", pady=(10, 0))
        body.columnconfigure(1, weight=1)

    @property
    def error(self) -> str:
        """The error the dialog shows, '' when none."""
        return self.error_var.get()

    def focus_widget(self) -> tkinter.Misc:
        error = self.error.lower()
        if "belongs to someone else" in error:
            return self.nick_entry  # a free variant is filled in: Enter takes it
        if "login" in error or "account" in error:
            return self.account_password_entry
        if "password" in error and self.nick_var.get():
            return self.password_entry
        if not self.nick_var.get() or self.error:
            return self.nick_entry
        return self.connect_button

    def shown(self) -> None:
        if "belongs to someone else" in self.error.lower():
            self.nick_entry.select_range(0, "end")  # typing replaces the suggested variant
            self.nick_entry.icursor("end")

    def validate(self) -> ConnectParams | str:
        """The confirmed values, or why they cannot be used (settings.params_error)."""
        port_text = self.port_var.get().strip()
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:  # what the field holds
            return f"The port must be a number from 1 to 65535 (not {port_text!r})."
        host = self.host_var.get().strip()
        params = ConnectParams(host=host, port=int(port_text),
                               nick=self.nick_var.get().strip(), tls=self.tls_var.get(),
                               password=self.password_var.get(),
                               remember_password=self.remember_var.get(),
                               account_password=self.account_password_var.get(),
                               announced_fingerprint=self._announced(host, int(port_text)))
        return params_error(params) or params

    def pick_server(self, server: DiscoveredServer) -> None:
        """A server picked in the list: its address, its TLS port (or plain port) and TLS."""
        self.picked = server
        self.host_var.set(server.address)
        self.port_var.set(str(server.tls_port or server.port))
        self.tls_var.set(server.tls_port is not None)
        self.error_var.set("")
        if server.password and not self.password_var.get():
            self.password_entry.focus_set()  # the server says it needs one

    def _announced(self, host: str, port: int) -> str:
        """The fingerprint the picked server announced, while host, port and TLS are its."""
        server = self.picked
        if server is None or not server.fingerprint or not self.tls_var.get():
            return ""
        return server.fingerprint if (host, port) == (server.address, server.tls_port) else ""

    def accept(self) -> None:
        checked = self.validate()
        if isinstance(checked, str):
            self.error_var.set(checked)
            self.top.bell()
            return
        self.result = checked
        self.finish()


class CertificateDialog(ModalDialog[bool]):
    """A TLS server never seen before: its SHA-256 fingerprint, and Trust or Don't trust. The
    focus starts on Don't trust, so Enter, Escape and the window's X all answer no."""

    title = "New certificate — LocalChat"

    def __init__(self, master: tkinter.Misc, server: str, fingerprint: str,
                 announced: str = "") -> None:
        super().__init__(master)
        self.server = server
        self.fingerprint = fingerprint
        body = self.body
        ttk.Label(body, text="  Trust this server?", font="-size 13 -weight bold",
                  image=ttk.Icon("shield-lock-fill", 24, "warning"), compound="left").pack(
            anchor="w", pady=(0, 12))
        self.message = (f"{server} presents a TLS certificate that LocalChat has not seen "
                        f"before. Ask the server's owner whether its SHA-256 fingerprint is:")
        ttk.Label(body, text=self.message, wraplength=440, justify="left").pack(anchor="w")
        self.fingerprint_text = fingerprint_lines(fingerprint)
        ttk.Label(body, text=self.fingerprint_text, font="TkFixedFont", justify="left",
                  bootstyle="primary").pack(anchor="w", padx=(16, 0), pady=12)
        self.announcement = announcement_note(fingerprint, announced)
        if self.announcement:
            ttk.Label(body, text=self.announcement, wraplength=440, justify="left",
                      bootstyle="success" if announced == fingerprint else "danger").pack(
                anchor="w", pady=(0, 10))
        ttk.Label(body, text="If you trust it, LocalChat remembers it, connects without asking "
                             "next time, and refuses to connect if it ever changes.",
                  wraplength=440, justify="left", foreground=muted_colour()).pack(anchor="w")
        self.trust_button = self.add_button("Trust", self.accept, default=True)
        self.reject_button = self.add_button("Don't trust", self.cancel)
        self.reject_button.configure(width=12)

    def accept(self) -> None:
        self.result = True
        self.finish()

    def focus_widget(self) -> tkinter.Misc:
        return self.reject_button


def announcement_note(fingerprint: str, announced: str) -> str:
    """What the trust dialog says about the fingerprint announced on the LAN ('' for none)."""
    if not announced:
        return ""
    if announced == fingerprint:
        return ("✔ It matches the fingerprint this server announced on your network. That is a "
                "hint from the same network, not a proof: compare it with the owner if you can.")
    return ("✘ It does NOT match the fingerprint announced on your network for this server. "
            "Someone may be pretending to be it: do not trust it unless its owner confirms.")


def fingerprint_lines(fingerprint: str) -> str:
    """A fingerprint 'AB:CD:...' shown as two lines of 16 bytes each, easy to compare."""
    return "\n".join(half for half in fingerprint_halves(fingerprint) if half)


def muted_colour() -> str:
    """The grey of secondary text in the current theme (the same greys as the chat log's)."""
    return "#9aa4b1" if ttk.Style.get_instance().theme_use().endswith("dark") else "#6c757d"


class UsersDialog(ModalDialog[None]):
    """Who is connected: a list with ops first, as the controller sorted it."""

    title = "Who is here — LocalChat"

    def __init__(self, master: tkinter.Misc, users: Sequence[UserItem]) -> None:
        super().__init__(master)
        count = len(users)
        heading = f"{count} {'person' if count == 1 else 'people'} connected"
        ttk.Label(self.body, text="  " + heading, font="-size 12 -weight bold",
                  image=ttk.Icon("people-fill", 22, "primary"), compound="left").pack(anchor="w")
        frame = ttk.Frame(self.body)
        frame.pack(fill="both", expand=True, pady=(10, 0))
        self.listbox = ttk.Listbox(frame, height=min(max(count, 4), 14), width=28,
                                   activestyle="none", relief="flat", borderwidth=6,
                                   highlightthickness=1)
        scrollbar = ttk.Scrollbar(frame, command=self.listbox.yview)
        self.listbox.configure(yscrollcommand=scrollbar.set)
        self.listbox.pack(side="left", fill="both", expand=True)
        if count > 14:
            scrollbar.pack(side="right", fill="y")
        for user in users:
            self.listbox.insert("end", user_label(user))
        self.close_button = self.add_button("Close", self.accept, default=True)

    def focus_widget(self) -> tkinter.Misc:
        return self.close_button

    @property
    def lines(self) -> list[str]:
        """The lines the list shows."""
        return list(self.listbox.get(0, "end"))


def user_label(user: UserItem) -> str:
    """How a user reads in a list: prefix and nick, '(away)' when away."""
    return f"{user.prefix}{user.nick}" + ("  (away)" if user.away else "")
