"""The ttkbootstrap chat windows: ChatWindow (`full`) and CompactWindow (`compact`).

Both implement ChatView; everything runs on the Tk thread (the controller hands work over
through `schedule`).
"""

from __future__ import annotations

import logging
import tkinter
import tkinter.font as tkfont
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import ttkbootstrap as ttk

from app.models.conversations import UNREAD_KINDS
from app.models.log import EntryKind, LogEntry
from app.models.settings import THEMES, ConnectParams
from app.models.users import UserItem
from app.views.base import STATUSES, Conversation, Scheduled, ViewActions
from app.views.conversations import ConversationList, ConversationMenu, listed
from app.views.dialogs import (
    CertificateDialog,
    ConfirmDialog,
    ConnectDialog,
    ModalDialog,
    UsersDialog,
    user_label,
)
from app.views.inputline import InputHistory, NickCompleter
from app.views.logline import insert_args
from app.views.palette import NICK_COLOURS, STATUS_STYLES, theme_for

log = logging.getLogger(__name__)

MAX_LOG_LINES = 5000
"""The log keeps the newest lines; older ones are dropped past this many."""

APP_NAME = "LocalChat"
USER_PANE_WIDTH = 190
CONVERSATION_PANE_WIDTH = 200
MARKER_CONTEXT_LINES = 3
"""Lines of older context shown above the 'new messages' marker when a conversation opens."""
FIRST_PAINT_LINES = 300
"""Lines a conversation shows at once when it opens (from 100 above its marker, else its newest);
the rest follow FILL_CHUNK_LINES at a time while the window stays responsive."""
FIRST_PAINT_CONTEXT = 100
FILL_CHUNK_LINES = 250
SWITCH_KEYS = {"<Control-Tab>": 1, "<Control-ISO_Left_Tab>": -1, "<Control-Shift-Tab>": -1,
               "<Alt-Down>": 1, "<Alt-Up>": -1}
"""Keys that move to the next (+1) or previous (-1) conversation, in the list's order."""
OP_PREFIXES = "~&@%"
"""Prefixes shown in the accent colour in the user pane (owners, admins, ops, half-ops)."""


class ChatWindow:
    """The full chat window: header, conversation sidebar, log, user pane, input with Send and
    Users. Ctrl+Tab / Ctrl+Shift+Tab and Alt+Down / Alt+Up switch conversations."""

    compact = False
    size = (1080, 640)
    min_size = (760, 420)

    def __init__(self, theme: str = "light") -> None:
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r}; expected one of {', '.join(THEMES)}")
        self.theme = theme
        self.root = ttk.App(title=APP_NAME, theme=theme_for(theme), size=self.size,
                            minsize=self.min_size)
        self.root.report_callback_exception = self._report_callback_exception
        self.actions: ViewActions | None = None
        self.active_dialog: ModalDialog[Any] | None = None
        self.callback_errors: list[BaseException] = []
        self._nick = ""
        self._server = ""
        self._status = "disconnected"
        self._unread = 0
        self._focused = True
        self._closed = False
        self._users: list[UserItem] = []
        self._conversations: list[Conversation] = []
        self._current = ""
        self._lines: deque[LogEntry | None] = deque()  # what the log shows; None: the marker
        self._older: list[LogEntry] = []  # still to go above the log's first line
        self._later: list[LogEntry] = []  # still to go after line _later_at
        self._later_at = 0
        self._scheduled: dict[str, _After] = {}
        self._filling: Scheduled | None = None
        """The next chunk of a conversation still to paint; cancelled when another is shown."""
        self._history = InputHistory()
        self._completer = NickCompleter()
        self._fonts = _log_fonts(self.root)
        self._build()
        self._apply_theme_colours()
        self.set_status("disconnected")
        self._refresh_title()

    # -- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.root.columnconfigure(0, weight=1)
        self.root.rowconfigure(1, weight=1)
        self._build_header().grid(row=0, column=0, sticky="ew")
        ttk.Separator(self.root).grid(row=0, column=0, sticky="sew")
        self._build_body().grid(row=1, column=0, sticky="nsew", padx=12, pady=(12, 4))
        self._build_input().grid(row=2, column=0, sticky="ew", padx=12, pady=(4, 12))
        self.root.bind("<FocusIn>", self._on_focus_in, add="+")
        self.root.bind("<FocusOut>", self._on_focus_out, add="+")

    def _build_header(self) -> ttk.Frame:
        header = ttk.Frame(self.root, padding=(14, 10, 12, 8))
        top = ttk.Frame(header)
        top.pack(fill="x")
        # Right-hand items are packed first so that a narrow window squeezes the left ones.
        self.theme_var = tkinter.BooleanVar(self.root, value=self.theme == "dark")
        self.theme_toggle = ttk.Checkbutton(top, text="Dark", variable=self.theme_var,
                                            bootstyle="round-toggle", command=self._on_theme_toggle)
        self.theme_toggle.pack(side="right", padx=(14, 0))
        self.status_label = ttk.Label(top, text="", padding=(8, 2), font="-size 9 -weight bold")
        self.status_label.pack(side="right")
        self.app_label = ttk.Label(top, text=APP_NAME, font="-size 14 -weight bold",
                                   bootstyle="primary")
        if not self.compact:
            self.app_label.pack(side="left", padx=(0, 16))
        self.nick_label = ttk.Label(top, text="", font="-size 11 -weight bold")
        self.nick_label.pack(side="left")
        self.server_label = ttk.Label(top, text="")
        self.server_label.pack(side="left", padx=(6, 0))
        self.users_count = ttk.Label(top, text="")
        if self.compact:
            self.users_count.pack(side="left", padx=(10, 0))
            self.conversation_menu = ConversationMenu(header, self._on_pick)
            self.conversation_menu.frame.pack(side="top", fill="x", pady=(8, 0))
            self.detail_label = ttk.Label(self.conversation_menu.frame, text="")
        else:
            self.detail_label = ttk.Label(top, text="")
            self.detail_label.pack(side="right", padx=(8, 8))
        return header

    def _build_body(self) -> ttk.Frame:
        body = ttk.Frame(self.root)
        log_column = 0 if self.compact else 1
        body.columnconfigure(log_column, weight=1)
        body.rowconfigure(0, weight=1)
        self.log = ttk.ScrolledText(body, padding=0, wrap="word", height=10, width=40,
                                    relief="flat", borderwidth=0, padx=10, pady=8,
                                    spacing1=2, spacing3=2, undo=False, cursor="arrow",
                                    font="TkTextFont", highlightthickness=1)
        self.log.grid(row=0, column=log_column, sticky="nsew")
        self.log_text: tkinter.Text = self.log.text
        self.log_text.configure(state="disabled")
        self.log_text.bind("<1>", lambda _event: self.log_text.focus_set(), add="+")
        self._scrollbar_command = str(self.log_text.cget("yscrollcommand"))
        self.log_text.configure(yscrollcommand=self._on_log_scrolled)
        self.newer_button = ttk.Button(body, text="↓  New messages", bootstyle="primary",
                                       command=self._scroll_to_newest)
        if not self.compact:
            body.columnconfigure(0, weight=0, minsize=CONVERSATION_PANE_WIDTH)
            self.conversation_list = ConversationList(body, CONVERSATION_PANE_WIDTH,
                                                      self._on_pick)
            self.conversation_list.frame.grid(row=0, column=0, sticky="nsew", padx=(0, 12))
            body.columnconfigure(2, weight=0, minsize=USER_PANE_WIDTH)
            self._build_user_pane(body).grid(row=0, column=2, sticky="nsew", padx=(12, 0))
        return body

    def _build_user_pane(self, master: tkinter.Misc) -> ttk.Frame:
        pane = ttk.Frame(master, width=USER_PANE_WIDTH)
        pane.grid_propagate(False)
        pane.columnconfigure(0, weight=1)
        pane.rowconfigure(1, weight=1)
        self.users_heading = ttk.Label(pane, text="Users", font="-size 10 -weight bold")
        self.users_heading.grid(row=0, column=0, sticky="w", pady=(0, 6))
        self.user_list = ttk.Listbox(pane, activestyle="none", relief="flat", borderwidth=6,
                                     highlightthickness=1, width=18, exportselection=False)
        self.user_list.grid(row=1, column=0, sticky="nsew")
        self.user_list.bind("<Double-1>", self._on_user_double_click)
        return pane

    def _on_user_double_click(self, event: tkinter.Event) -> None:
        """Double-clicking someone in the user pane starts a private message to them."""
        index = self.user_list.nearest(event.y)
        if 0 <= index < len(self._users):
            nick = self._users[index].nick
            self._set_input(f"/msg {nick} ", len(f"/msg {nick} "))
            self.input.focus_set()

    def _build_input(self) -> ttk.Frame:
        row = ttk.Frame(self.root)
        row.columnconfigure(0, weight=1)
        self.input = ttk.Entry(row, font="TkTextFont")
        self.input.grid(row=0, column=0, sticky="ew", ipady=3)
        self.send_button = ttk.Button(row, text="Send", bootstyle="primary", icon="send-fill",
                                      width=7)
        self.send_button.grid(row=0, column=1, padx=(8, 0))
        self.users_button = ttk.Button(row, text="Users", bootstyle="primary-outline",
                                       icon="people-fill", width=7)
        self.users_button.grid(row=0, column=2, padx=(8, 0))
        self.input.focus_set()
        return row

    # -- ChatView ----------------------------------------------------------------------------

    def bind(self, actions: ViewActions) -> None:
        """Wire Send, Enter, Users, Escape, the window's X and the theme toggle to actions."""
        self.actions = actions
        self.send_button.configure(command=self._on_send)
        self.users_button.configure(command=actions.on_users)
        self.input.bind("<Return>", lambda _event: self._on_send())
        self.input.bind("<KP_Enter>", lambda _event: self._on_send())
        self.input.bind("<Up>", lambda _event: self._recall(self._history.previous(
            self.input.get())))
        self.input.bind("<Down>", lambda _event: self._recall(self._history.next()))
        self.input.bind("<Tab>", lambda _event: self._complete_nick())
        self.root.bind("<Escape>", lambda _event: actions.on_escape())
        for key, step in SWITCH_KEYS.items():
            for widget in (self.root, self.input, self.log_text):
                try:
                    widget.bind(key, lambda _event, step=step: self._switch_by(step))
                except tkinter.TclError:  # a keysym this display does not know
                    continue
        self.root.protocol("WM_DELETE_WINDOW", actions.on_close)

    def schedule(self, delay_ms: int, callback: Callable[[], None]) -> Scheduled:
        """Run callback on the Tk thread after delay_ms (0: when idle); nothing once closed or
        once the returned handle is cancelled."""
        handle = _After(self.root, self._scheduled)
        if self._closed:
            return handle

        def fire() -> None:
            self._scheduled.pop(handle.after_id, None)
            callback()

        handle.after_id = (self.root.after_idle(fire) if delay_ms <= 0
                           else self.root.after(delay_ms, fire))
        self._scheduled[handle.after_id] = handle
        return handle

    def ask_connection(self, defaults: ConnectParams, error: str = "") -> ConnectParams | None:
        """The connect dialog, filled with defaults and showing error; None when cancelled."""
        return self._run_dialog(ConnectDialog(self.root, defaults, error))

    def confirm_certificate(self, server: str, fingerprint: str) -> bool:
        """'Trust this server?' with the certificate's fingerprint; True only for Trust."""
        return bool(self._run_dialog(CertificateDialog(self.root, server, fingerprint)))

    def set_identity(self, nick: str, server: str) -> None:
        """Show nick and server in the title and the header."""
        self._nick, self._server = nick, server
        self.nick_label.configure(text=nick)
        self.server_label.configure(text=f"@ {server}" if server else "")
        self._refresh_title()

    def set_status(self, status: str, detail: str = "") -> None:
        """Show the connection status as a coloured badge, with detail beside it."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
        self._status = status
        self.status_label.configure(text=status.upper(),
                                    bootstyle=f"@{STATUS_STYLES[status]}")
        self.detail_label.configure(text=detail)
        if self.compact:
            if detail:
                self.detail_label.pack(side="right")
            else:
                self.detail_label.pack_forget()

    def show_entries(self, entries: Sequence[LogEntry]) -> None:
        """Append entries in one insert, trim the oldest lines, follow the newest unless
        the user scrolled up."""
        if not entries:
            return
        entries = entries[-MAX_LOG_LINES:]
        text = self.log_text
        following = text.yview()[1] >= 0.999
        text.configure(state="normal")
        text.insert("end-1c", *insert_args(entries))
        self._lines.extend(entries)
        self._trim()
        text.configure(state="disabled")
        room = MAX_LOG_LINES - len(self._lines) - len(self._later)
        self._older = self._older[len(self._older) - max(0, room):]
        if following:
            text.see("end-1c")
        else:
            self.newer_button.place(in_=self.log, relx=0.5, rely=1.0, anchor="s", y=-14)
        if not self._focused:
            self._unread += sum(1 for e in entries if e.kind in UNREAD_KINDS and not e.own)
            self._refresh_title()

    def set_conversations(self, conversations: Sequence[Conversation], current: str) -> None:
        """Show the conversations (channels first, then private chats) with their unread counts
        and current highlighted; the title counts the unread elsewhere."""
        self._conversations = list(conversations)
        self._current = current
        if self.compact:
            self.conversation_menu.show(self._conversations, current)
        else:
            self.conversation_list.show(self._conversations, current)
        self._refresh_title()

    def show_conversation(self, entries: Sequence[LogEntry], first_unread: int = -1) -> None:
        """Replace the log with entries (the newest MAX_LOG_LINES), with the 'new messages'
        marker before entries[first_unread]; show the marker, else the end. FIRST_PAINT_LINES
        around the marker (or the newest) appear at once, the rest in chunks."""
        entries, marker = _bounded(entries, first_unread)
        start = max(0, len(entries) - FIRST_PAINT_LINES)
        if marker >= 0:
            start = min(start, max(0, marker - FIRST_PAINT_CONTEXT))
        end = min(len(entries), start + FIRST_PAINT_LINES)
        shown, marker = entries[start:end], (marker - start if marker >= 0 else -1)
        self._older, self._later, self._later_at = entries[:start], entries[end:], len(shown)
        if self._filling is not None:
            self._filling.cancel()
            self._filling = None
        text = self.log_text
        text.configure(state="normal")
        text.delete("1.0", "end")
        if shown:
            text.insert("1.0", *insert_args(shown, marker))
        text.configure(state="disabled")
        self._lines = deque(shown)
        if marker >= 0:
            self._lines.insert(marker, None)
            self._later_at += 1
            text.yview(f"{max(1, marker + 1 - MARKER_CONTEXT_LINES)}.0")
            self.schedule(0, self._show_newer_if_below)
        else:
            self._scroll_to_newest()
        if self._older or self._later:
            self._filling = self.schedule(0, self._fill)

    def _fill(self) -> None:
        """Put one chunk of the conversation still to show in the log: the lines after the
        first paint first, then the older ones; schedule the next chunk."""
        self._filling = None
        if self._closed:
            return
        text = self.log_text
        text.configure(state="normal")
        if self._later:
            chunk, self._later = self._later[:FILL_CHUNK_LINES], self._later[FILL_CHUNK_LINES:]
            text.insert(f"{self._later_at + 1}.0", *insert_args(chunk))
            lines = list(self._lines)
            self._lines = deque(lines[:self._later_at] + chunk + lines[self._later_at:])
            self._later_at += len(chunk)
        else:
            chunk = self._older[-FILL_CHUNK_LINES:]
            del self._older[-FILL_CHUNK_LINES:]
            text.insert("1.0", *insert_args(chunk))
            self._lines.extendleft(reversed(chunk))
            self._later_at += len(chunk)
        self._trim()
        text.configure(state="disabled")
        if self._older or self._later:
            self._filling = self.schedule(0, self._fill)
        else:
            self._show_newer_if_below()

    @property
    def filling(self) -> bool:
        """True while a conversation's older (or later) lines are still going into the log."""
        return bool(self._older or self._later)

    def _trim(self) -> None:
        """Drop the oldest lines past MAX_LOG_LINES (the Text must be writable)."""
        excess = len(self._lines) - MAX_LOG_LINES
        if excess <= 0:
            return
        self.log_text.delete("1.0", f"{excess + 1}.0")
        for _ in range(excess):
            self._lines.popleft()
        self._later_at = max(0, self._later_at - excess)

    def update_entry(self, old: LogEntry, new: LogEntry) -> None:
        """Replace the line showing old (the same object) with new; nothing when old is not
        shown (never shown, or trimmed off the top)."""
        for waiting in (self._older, self._later):
            for position, entry in enumerate(waiting):
                if entry is old:
                    waiting[position] = new
        index = self._line_of(old)
        if index < 0:
            return
        line = index + 1
        text = self.log_text
        following = text.yview()[1] >= 0.999
        text.configure(state="normal")
        text.delete(f"{line}.0", f"{line + 1}.0")
        text.insert(f"{line}.0", *insert_args([new]))
        text.configure(state="disabled")
        self._lines[index] = new
        if following:
            text.see("end-1c")

    def _line_of(self, entry: LogEntry) -> int:
        """The 0-based line showing entry (searched from the newest), or -1."""
        last = len(self._lines) - 1
        for back, shown in enumerate(reversed(self._lines)):
            if shown is entry:
                return last - back
        return -1

    def set_users(self, users: Sequence[UserItem]) -> None:
        """Replace the user pane's list and its count."""
        self._users = list(users)
        self.users_heading.configure(text=f"Users — {len(users)}")
        self.user_list.delete(0, "end")
        for user in users:
            self.user_list.insert("end", user_label(user))
        self._colour_users()

    def show_users(self, users: Sequence[UserItem]) -> None:
        """The 'who is here' dialog."""
        self._run_dialog(UsersDialog(self.root, users))

    def confirm_exit(self) -> bool:
        """'Are you sure you want to exit?': True for OK, False for Cancel."""
        return bool(self._run_dialog(ConfirmDialog(self.root)))

    def clear_input(self) -> None:
        """Empty the input."""
        self.input.delete(0, "end")

    def close(self) -> None:
        """Close the window and end run()."""
        if self._closed:
            return
        self._closed = True
        if self.active_dialog is not None:
            self.active_dialog.cancel()
        for after_id in self._scheduled:
            self.root.after_cancel(after_id)
        self._scheduled.clear()  # handles cancelled later find nothing to cancel
        self.root.update_idletasks()  # let Tk finish its own idle work (ttk::ThemeChanged) first
        self.root.destroy()

    def run(self) -> None:
        """Run the Tk loop until close()."""
        if not self._closed:
            self.root.mainloop()

    # -- what the window shows (read back by tests and the benchmark) -------------------------

    @property
    def closed(self) -> bool:
        """True once close() has run."""
        return self._closed

    @property
    def title(self) -> str:
        """The window title."""
        return self._title

    @property
    def header_text(self) -> str:
        """The header's words: app, nick, server, status, detail."""
        labels = (self.app_label, self.nick_label, self.server_label, self.users_count,
                  self.status_label, self.detail_label)
        return " ".join(str(label.cget("text")) for label in labels if label.cget("text"))

    @property
    def status(self) -> str:
        """The status shown, one of STATUSES."""
        return self._status

    @property
    def log_lines(self) -> list[str]:
        """The log's lines, oldest first."""
        content = self.log_text.get("1.0", "end-1c")
        return content.split("\n")[:-1] if content else []

    def last_log_lines(self, count: int) -> list[str]:
        """The newest count lines of the log (cheap, unlike log_lines on a full log)."""
        content = self.log_text.get(f"end-{count + 1}l linestart", "end-1c")
        return content.split("\n")[-count - 1:-1] if content else []

    @property
    def conversation_lines(self) -> list[str]:
        """The conversation list as it reads, top to bottom: '#lobby (3)', '@bob', ..."""
        if self.compact:
            return self.conversation_menu.lines
        return self.conversation_list.lines

    @property
    def listed_conversations(self) -> list[Conversation]:
        """The conversations listed, in the list's order."""
        return listed(self._conversations)

    @property
    def current_conversation(self) -> str:
        """The conversation the list highlights ('' when none)."""
        if self.compact:
            return self.conversation_menu.highlighted
        return self.conversation_list.highlighted

    @property
    def marker_line(self) -> int:
        """The log line (1 is the oldest) of the 'new messages' marker, or 0 when there is none."""
        for index, shown in enumerate(self._lines):
            if shown is None:
                return index + 1
        return 0

    @property
    def total_unread(self) -> int:
        """What the title counts: unread in other conversations plus lines that arrived in this
        one while the window was not focused."""
        elsewhere = sum(c.unread for c in self._conversations if c.name != self._current)
        return elsewhere + self._unread

    @property
    def user_lines(self) -> list[str]:
        """What the user pane lists, top to bottom ([] in the compact view, which has none)."""
        return list(self.user_list.get(0, "end"))

    @property
    def users_heading_text(self) -> str:
        """The user count as the window shows it."""
        return str(self.users_heading.cget("text"))

    @property
    def input_text(self) -> str:
        """The text in the input."""
        return str(self.input.get())

    @property
    def ttk_theme(self) -> str:
        """The ttkbootstrap theme in use."""
        return str(self.root.style.theme_use())

    @property
    def unread(self) -> int:
        """Messages that arrived while the window was not focused."""
        return self._unread

    def tags_at_line(self, line: int) -> set[str]:
        """Every tag used on a log line (1 is the oldest)."""
        names: set[str] = set()
        for column in range(len(self.log_text.get(f"{line}.0", f"{line}.end")) or 1):
            names.update(self.log_text.tag_names(f"{line}.{column}"))
        return names

    # -- theme ---------------------------------------------------------------------------------

    def set_theme(self, theme: str) -> None:
        """Switch to 'light' or 'dark' now."""
        self.root.style.theme_use(theme_for(theme))
        self.theme = theme
        self.theme_var.set(theme == "dark")
        self._apply_theme_colours()

    def _on_theme_toggle(self) -> None:
        theme = "dark" if self.theme_var.get() else "light"
        self.set_theme(theme)
        if self.actions is not None:
            self.actions.on_theme_changed(theme)

    def _apply_theme_colours(self) -> None:
        colours = self.root.style.colors
        light = self.theme == "light"
        text = self.log_text
        text.configure(background=colours.inputbg, foreground=colours.inputfg,
                       selectbackground=colours.selectbg, selectforeground=colours.selectfg,
                       inactiveselectbackground=colours.selectbg,
                       highlightbackground=colours.border, highlightcolor=colours.border)
        muted = "#6c757d" if light else "#9aa4b1"
        for slot, colour in enumerate(NICK_COLOURS[self.theme]):
            text.tag_configure(f"nick{slot}", foreground=colour)
        text.tag_configure("time", foreground=muted, font=self._fonts["fixed"])
        text.tag_configure("nick", font=self._fonts["bold"])
        text.tag_configure("punct", foreground=muted)
        text.tag_configure("system", foreground=muted, font=self._fonts["italic"])
        text.tag_configure("error", foreground=colours.danger if light else "#ff6b78",
                           font=self._fonts["bold"])
        text.tag_configure("notice", foreground=muted)
        text.tag_configure("action", font=self._fonts["italic"])
        text.tag_configure("own", background="#e8f3f5" if light else "#1c2b31")
        text.tag_configure("private", background="#f4ecfb" if light else "#2a2134")
        text.tag_configure("pmlabel", foreground="#8e3ab0" if light else "#d59cf0",
                           font=self._fonts["bold"])
        text.tag_configure("pending", foreground=muted, font=self._fonts["italic"])
        text.tag_configure("pendingmark", foreground=muted, font=self._fonts["small"])
        marker_colour = colours.danger if light else "#ff6b78"
        text.tag_configure("marker", foreground=marker_colour, font=self._fonts["small_bold"],
                           justify="center", spacing1=6, spacing3=6)
        text.tag_raise("private", "own")
        text.tag_raise("pending")
        if self.compact:
            self.conversation_menu.apply_theme(self.root.style, light)
        else:
            self.conversation_list.apply_theme(self.root.style, light)
        for label in self._muted_labels():
            label.configure(foreground=muted)
        text.tag_raise("sel")
        if not self.compact:
            self.user_list.configure(background=colours.inputbg, foreground=colours.inputfg,
                                     selectbackground=colours.selectbg,
                                     selectforeground=colours.selectfg,
                                     highlightbackground=colours.border,
                                     highlightcolor=colours.border)
            self._colour_users()

    def _muted_labels(self) -> list[ttk.Label]:
        return [self.server_label, self.detail_label]

    def _colour_users(self) -> None:
        if self.compact:
            return
        op_colour = self.root.style.colors.primary if self.theme == "light" else "#5fd3e6"
        for index, user in enumerate(self._users):
            colour = op_colour if user.prefix and user.prefix in OP_PREFIXES else ""
            self.user_list.itemconfigure(index, foreground=colour or self.root.style.colors.inputfg)

    # -- focus, title, errors --------------------------------------------------------------------

    def _on_focus_in(self, _event: tkinter.Event) -> None:
        self._focused = True
        if self._unread:
            self._unread = 0
            self._refresh_title()

    def _on_focus_out(self, _event: tkinter.Event) -> None:
        self.root.after_idle(self._check_focus)

    def _check_focus(self) -> None:
        if self._closed:
            return
        try:
            focused = self.root.focus_displayof() is not None
        except (KeyError, tkinter.TclError):
            focused = True
        self._focused = focused

    def _refresh_title(self) -> None:
        title = APP_NAME
        if self._nick or self._server:
            who = " @ ".join(part for part in (self._nick, self._server) if part)
            title = f"{APP_NAME} — {who}"
        if self.total_unread:
            title = f"({self.total_unread}) {title}"
        self._title = title
        self.root.title(title)

    def _on_log_scrolled(self, first: str, last: str) -> None:
        self.root.tk.call(self._scrollbar_command, first, last)
        if float(last) >= 0.999:
            self.newer_button.place_forget()

    def _scroll_to_newest(self) -> None:
        self.log_text.see("end-1c")
        self.newer_button.place_forget()

    def _show_newer_if_below(self) -> None:
        """Offer 'New messages' when the log's end is out of view (run from the loop, once the
        Text has laid out its lines; never update_idletasks here: that would run other
        callbacks, the controller's among them, inside the caller)."""
        if self._closed:
            return
        if self.log_text.yview()[1] < 0.999:
            self.newer_button.place(in_=self.log, relx=0.5, rely=1.0, anchor="s", y=-14)
        else:
            self.newer_button.place_forget()

    def _on_pick(self, name: str) -> None:
        """The user clicked or chose a conversation in the list."""
        if self.actions is not None and name != self._current:
            self.actions.on_switch(name)

    def _switch_by(self, step: int) -> str:
        """Ask for the conversation step places after (or before) the current one, wrapping."""
        names = [c.name for c in listed(self._conversations)]
        if self.actions is not None and names:
            index = names.index(self._current) if self._current in names else -step
            target = names[(index + step) % len(names)]
            if target != self._current:
                self.actions.on_switch(target)
        return "break"

    @property
    def newer_shown(self) -> bool:
        """True while the 'New messages' button offers to scroll down."""
        return bool(self.newer_button.winfo_manager())

    def _on_send(self) -> str:
        text = self.input.get()
        self._history.add(text)
        if self.actions is not None:
            self.actions.on_send(text)
        return "break"

    def _recall(self, line: str | None) -> str:
        if line is not None:
            self._set_input(line, len(line))
        return "break"

    def _complete_nick(self) -> str:
        done = self._completer.complete(self.input.get(), self.input.index("insert"),
                                        [user.nick for user in self._users])
        if done is not None:
            self._set_input(*done)
        return "break"

    def _set_input(self, text: str, cursor: int) -> None:
        self.input.delete(0, "end")
        self.input.insert(0, text)
        self.input.icursor(cursor)

    def _run_dialog(self, dialog: ModalDialog[Any]) -> Any:
        previous = self.active_dialog
        self.active_dialog = dialog
        try:
            return dialog.run()
        finally:
            self.active_dialog = previous
            if not self._closed:
                self.input.focus_set()

    def _report_callback_exception(self, kind: type[BaseException], error: BaseException,
                                   tb: Any) -> None:
        self.callback_errors.append(error)
        log.error("error in a Tk callback:\n%s", "".join(traceback.format_exception(error)))
        if not self._closed:
            self.show_entries([LogEntry(datetime.now(), "", "",
                                        f"internal error: {type(error).__name__}: {error}",
                                        EntryKind.ERROR)])


def _log_fonts(root: tkinter.Misc) -> dict[str, tkfont.Font]:
    """The log's fonts: its text font in bold and italic, and a fixed font for timestamps."""
    base = tkfont.nametofont("TkTextFont", root=root).actual()
    fixed = tkfont.nametofont("TkFixedFont", root=root).actual()
    return {
        "bold": tkfont.Font(root=root, **{**base, "weight": "bold"}),
        "italic": tkfont.Font(root=root, **{**base, "slant": "italic"}),
        "fixed": tkfont.Font(root=root, **{**fixed, "size": base["size"]}),
        "small": tkfont.Font(root=root, **{**base, "size": _smaller(base["size"])}),
        "small_bold": tkfont.Font(root=root, **{**base, "size": _smaller(base["size"]),
                                                "weight": "bold"}),
    }


def _bounded(entries: Sequence[LogEntry], first_unread: int) -> tuple[list[LogEntry], int]:
    """The newest entries that fit the log with the marker, and the marker's index among them
    (-1: none; 0 when the first unread entry itself did not fit)."""
    marker = first_unread if 0 <= first_unread < len(entries) else -1
    cut = max(0, len(entries) - (MAX_LOG_LINES - (1 if marker >= 0 else 0)))
    return list(entries[cut:]), (max(0, marker - cut) if marker >= 0 else -1)


def _smaller(size: int) -> int:
    """One step smaller than a Tk font size (points when positive, pixels when negative)."""
    return size - 1 if size > 0 else size + 1


class _After:
    """A ChatWindow.schedule() handle: its Tk after id, while it is in the window's pending."""

    def __init__(self, root: tkinter.Misc, pending: dict[str, _After]) -> None:
        self.root = root
        self.pending = pending
        self.after_id = ""

    def cancel(self) -> None:
        """Keep the callback from running (no-op once it ran or the window closed)."""
        if self.pending.pop(self.after_id, None) is not None:
            self.root.after_cancel(self.after_id)


class CompactWindow(ChatWindow):
    """For small screens: log and input only; the Users button lists who is here."""

    compact = True
    size = (560, 480)
    min_size = (420, 300)

    def set_users(self, users: Sequence[UserItem]) -> None:
        """Keep the count in the header (the Users button shows the names)."""
        self._users = list(users)
        self.users_count.configure(text=f"· {len(users)} here")

    @property
    def users_heading_text(self) -> str:
        return str(self.users_count.cget("text"))

    @property
    def user_lines(self) -> list[str]:
        return []

    def _muted_labels(self) -> list[ttk.Label]:
        return [*super()._muted_labels(), self.users_count]
