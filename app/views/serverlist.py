"""The connect dialog's list of chat servers found on the network, refreshed live from the
Discovery model (polled on the Tk thread); picking one hands it to the dialog."""

from __future__ import annotations

import tkinter
from collections.abc import Callable

import ttkbootstrap as ttk

from app.models.discovery import DiscoveredServer, Discovery
from app.views.palette import muted_colour

STYLE = "Servers.Treeview"
POLL_MS = 500
ROWS = 4
SEARCHING = "Looking for chat servers on your network…"
NONE_FOUND = "No chat server found on your network yet: type its address below."


def server_marks(server: DiscoveredServer) -> str:
    """'TLS', 'password' or both, as the list shows them ('' for neither)."""
    marks = (["TLS"] if server.tls_port else []) + (["password"] if server.password else [])
    return " · ".join(marks)


def server_address(server: DiscoveredServer) -> str:
    """Where picking it connects to: the TLS port when there is one."""
    host = f"[{server.address}]" if ":" in server.address else server.address
    return f"{host}:{server.tls_port or server.port}"


class ServerList:
    """A heading, a list of found servers (name, address, marks) and a quiet note underneath."""

    def __init__(self, master: tkinter.Misc, discovery: Discovery,
                 on_pick: Callable[[DiscoveredServer], None]) -> None:
        self._discovery = discovery
        self._on_pick = on_pick
        self._shown: list[DiscoveredServer] = []
        self._polls = 0
        self._next: str | None = None
        self.frame = ttk.Frame(master)
        self.frame.bind("<Destroy>", self._destroyed, add="+")
        ttk.Label(self.frame, text="On your network", font="-weight bold").pack(anchor="w")
        ttk.Style.get_instance().configure(STYLE, rowheight=26)
        self.box = ttk.Frame(self.frame)
        self.box.pack(fill="x", pady=(4, 2))
        self.tree = ttk.Treeview(self.box, columns=("name", "address", "marks"), height=ROWS,
                                 selectmode="browse", show="headings", style=STYLE)
        for column, title, width, stretch in (("name", "Server", 230, True),
                                              ("address", "Address", 150, False),
                                              ("marks", "Needs", 130, False)):
            self.tree.heading(column, text=title, anchor="w")
            self.tree.column(column, width=width, stretch=stretch, anchor="w")
        self.scrollbar = ttk.Scrollbar(self.box, command=self.tree.yview)
        self.tree.configure(yscrollcommand=self.scrollbar.set)
        self.tree.pack(side="left", fill="x", expand=True)
        self.tree.bind("<<TreeviewSelect>>", self._picked)
        self.note_var = tkinter.StringVar(self.frame, value=SEARCHING)
        dark = ttk.Style.get_instance().theme_use().endswith("dark")
        self.note = ttk.Label(self.frame, textvariable=self.note_var,
                              foreground=muted_colour("dark" if dark else "light"),
                              wraplength=560, justify="left")
        self.note.pack(anchor="w")
        discovery.start()
        self.refresh()

    @property
    def servers(self) -> list[DiscoveredServer]:
        """The servers the list shows, in order."""
        return list(self._shown)

    def refresh(self) -> None:
        """Show what the model has found now; poll again while the list exists."""
        if self._next is not None:
            self.frame.after_cancel(self._next)
        found = self._discovery.servers()
        if found != self._shown:
            self._show(found)
        self._polls += 1
        if self._discovery.problem:
            self.box.pack_forget()  # nothing will be listed: only the quiet note stays
            self.note_var.set(self._discovery.problem + " You can still type an address.")
        elif not found and self._polls > 4:
            self.note_var.set(NONE_FOUND)
        elif found:
            self.note_var.set("Pick one to fill in the address, or type one below.")
        self._next = self.frame.after(POLL_MS, self._poll)

    def _poll(self) -> None:
        self._next = None
        self.refresh()

    def _destroyed(self, event: tkinter.Event) -> None:
        if event.widget is self.frame and self._next is not None:
            self.frame.after_cancel(self._next)
            self._next = None

    def _show(self, found: list[DiscoveredServer]) -> None:
        self.tree.delete(*self.tree.get_children())
        for index, server in enumerate(found):
            self.tree.insert("", "end", iid=str(index),
                             values=(server.name, server_address(server), server_marks(server)))
        self._shown = found  # the selection goes: re-selecting would refill the fields
        if len(found) > ROWS:
            self.scrollbar.pack(side="right", fill="y")
        else:
            self.scrollbar.pack_forget()

    def pick(self, index: int) -> None:
        """Select the index-th server (as a click does)."""
        self.tree.selection_set(str(index))
        self.tree.see(str(index))

    def _picked(self, _event: object) -> None:
        selection = self.tree.selection()
        if selection and int(selection[0]) < len(self._shown):
            self._on_pick(self._shown[int(selection[0])])
