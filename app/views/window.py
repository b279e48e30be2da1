"""The ttkbootstrap chat windows: ChatWindow (`full`) and CompactWindow (`compact`).

Both implement ChatView by composing the header, log pane, user pane and input bar; everything
runs on the Tk thread (the controller hands work over through `schedule`).
"""

from __future__ import annotations

import gc
import logging
import traceback
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import ttkbootstrap as ttk

from app.assets import ICON_PNG, WM_INSTANCE
from app.models.cachesearch import Hit
from app.models.discovery import Discovery
from app.models.log import EntryKind, LogEntry
from app.models.preferences import Preferences
from app.models.settings import THEMES, ConnectParams
from app.models.users import UserItem
from app.views.accountdialog import AccountDialog
from app.views.base import Conversation, MessageActions, Scheduled, ViewActions
from app.views.conversations import ConversationList, ConversationMenu
from app.views.dialogs import (
    CertificateDialog,
    ConfirmDialog,
    ConnectDialog,
    ModalDialog,
    UsersDialog,
)
from app.views.header import APP_NAME, Header
from app.views.inputbar import InputBar
from app.views.logpane import LogPane
from app.views.logtools import LogTools
from app.views.palette import theme_for
from app.views.placement import place_window
from app.views.preferencesdialog import PreferencesDialog
from app.views.quitkeys import bind_quit
from app.views.scheduler import Scheduler
from app.views.switcher import Switcher
from app.views.title import WindowTitle
from app.views.typingline import TypingLine
from app.views.userpane import USER_PANE_WIDTH, UserPane

log = logging.getLogger(__name__)

CONVERSATION_PANE_WIDTH = 200


class ChatWindow:
    """The full chat window: header, conversation sidebar, log, user pane, input with Send and
    Users. Ctrl+Tab / Ctrl+Shift+Tab and Alt+Down / Alt+Up switch conversations; Ctrl+F finds
    in the log, Ctrl+Shift+F searches all conversations (app.views.logtools)."""

    compact = False
    size = (1080, 640)
    min_size = (760, 420)

    def __init__(self, theme: str = "light") -> None:
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r}; expected one of {', '.join(THEMES)}")
        self.theme = theme
        self.discovery: Discovery | None = None  # the connect dialog lists what it finds
        self.root = ttk.App(title=APP_NAME, theme=theme_for(theme), size=self.size,
                            minsize=self.min_size, iconphoto=str(ICON_PNG), className=WM_INSTANCE)
        self.root.report_callback_exception = self._report_callback_exception
        self.placement = ""
        """Where the window was when it closed (a Tk geometry; '' until then)."""
        self.actions: ViewActions | None = None
        self.active_dialog: ModalDialog[Any] | None = None
        self.callback_errors: list[BaseException] = []
        self._status = "disconnected"
        self._users: list[UserItem] = []
        self._switcher = Switcher()
        self._picker: ConversationList | ConversationMenu
        """Where the conversations are listed: the sidebar, or the compact header's menu."""
        self._scheduler = Scheduler(self.root)
        self._build()
        self._title = WindowTitle(self.root, self._scheduler)
        self._apply_theme_colours()
        self.set_status("disconnected")
        self._title.refresh()

    # -- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.root.columnconfigure(0, weight=1)
        self.root.rowconfigure(1, weight=1)
        self.header = Header(self.root, self.compact, self.theme == "dark",
                             self._on_theme_toggle, self._switcher.pick, self._on_account,
                             self._on_dnd, self._on_notify, self._on_preferences)
        self.header.frame.grid(row=0, column=0, sticky="ew")
        self.theme_var, self.theme_toggle = self.header.theme_var, self.header.theme_toggle
        ttk.Separator(self.root).grid(row=0, column=0, sticky="sew")
        self.input_bar = InputBar(self.root)
        self._build_body().grid(row=1, column=0, sticky="nsew", padx=12, pady=(12, 4))
        self.input_bar.frame.grid(row=2, column=0, sticky="ew", padx=12, pady=(4, 12))
        self.input = self.input_bar.entry
        self.send_button = self.input_bar.send_button
        self.users_button = self.input_bar.users_button

    def _build_body(self) -> ttk.Frame:
        body = ttk.Frame(self.root)
        log_column = 0 if self.compact else 1
        body.columnconfigure(log_column, weight=1)
        body.rowconfigure(0, weight=1)
        self.log_pane = LogPane(body, self._scheduler)
        self.log_pane.widget.grid(row=0, column=log_column, sticky="nsew")
        self.typing_line = TypingLine(body)
        self.typing_line.label.grid(row=2, column=log_column, sticky="ew")  # the find bar: 1
        self.log_tools = LogTools(self.root, body, self.log_pane, self.input_bar.entry,
                                  self._scheduler, find_at=(1, log_column))
        self.log, self.log_text = self.log_pane.widget, self.log_pane.text
        self.newer_button = self.log_pane.newer_button
        self._build_sides(body)
        return body

    def _build_sides(self, body: ttk.Frame) -> None:
        """The conversation list on the left, the user pane on the right."""
        body.columnconfigure(0, weight=0, minsize=CONVERSATION_PANE_WIDTH)
        self.conversation_list = ConversationList(body, CONVERSATION_PANE_WIDTH,
                                                  self._switcher.pick, self._on_notify)
        self.conversation_list.frame.grid(row=0, column=0, sticky="nsew", padx=(0, 12))
        self._picker = self.conversation_list
        body.columnconfigure(2, weight=0, minsize=USER_PANE_WIDTH)
        self.user_pane = UserPane(body, self.root.style, self._message_user)
        self.user_pane.frame.grid(row=0, column=2, sticky="nsew", padx=(12, 0))
        self.user_list = self.user_pane.list

    # -- ChatView ----------------------------------------------------------------------------

    def bind(self, actions: ViewActions) -> None:
        """Wire Send, Enter, Users, Escape, the window's X (and macOS's Quit) and the theme
        toggle to actions."""
        self.actions = actions
        self.input_bar.bind(actions.on_send, actions.on_users,
                            lambda: [user.nick for user in self._users])
        self.input_bar.watch(actions.on_input_changed)
        self.root.bind("<Escape>", lambda _event: actions.on_escape())
        self.root.bind("<Control-comma>", lambda _event: self._on_preferences())
        self._switcher.on_switch = actions.on_switch
        self._switcher.bind_keys((self.root, self.input, self.log_text))
        self.root.protocol("WM_DELETE_WINDOW", actions.on_close)
        bind_quit(self.root, actions.on_close)  # macOS: Quit and Cmd+Q as the X
        self.log_tools.bind(actions, (self.root, self.input, self.log_text))

    def schedule(self, delay_ms: int, callback: Callable[[], None]) -> Scheduled:
        """Run callback on the Tk thread after delay_ms (0: when idle); nothing once closed or
        once the returned handle is cancelled."""
        return self._scheduler.schedule(delay_ms, callback)

    def ask_connection(self, defaults: ConnectParams, error: str = "") -> ConnectParams | None:
        """The connect dialog, filled with defaults and showing error; None when cancelled."""
        return self._run_dialog(ConnectDialog(self.root, defaults, error, self.discovery))

    def ask_account_password(self, account: str, server: str, error: str = "") -> str | None:
        """The account dialog for account on server; the new password, None when cancelled."""
        return self._run_dialog(AccountDialog(self.root, account, server, error))

    def ask_preferences(self, current: Preferences) -> Preferences | None:
        """The Preferences dialog filled with current; what the user confirmed, None when
        cancelled."""
        return self._run_dialog(PreferencesDialog(self.root, current))

    def confirm_certificate(self, server: str, fingerprint: str, announced: str = "") -> bool:
        """'Trust this server?' with the certificate's fingerprint (and whether it matches the
        one announced on the LAN); True only for Trust."""
        return bool(self._run_dialog(CertificateDialog(self.root, server, fingerprint,
                                                       announced)))

    def set_identity(self, nick: str, server: str) -> None:
        """Show nick and server in the title and the header."""
        self.header.set_identity(nick, server)
        self._title.set_identity(nick, server)

    def set_status(self, status: str, detail: str = "") -> None:
        """Show the connection status as a coloured badge, with detail beside it."""
        self.header.set_status(status, detail)
        self._status = status

    def show_entries(self, entries: Sequence[LogEntry]) -> None:
        """Append entries in one insert, trim the oldest lines, follow the newest unless
        the user scrolled up."""
        if entries:
            self._title.arrived(self.log_pane.show_entries(entries))
            self.log_tools.entries_shown()

    def set_conversations(self, conversations: Sequence[Conversation], current: str) -> None:
        """Show the conversations (channels first, then private chats) with their unread counts
        and current highlighted; the title counts the unread elsewhere."""
        elsewhere = self._switcher.show(conversations, current)
        self._picker.show(self._switcher.conversations, current)
        self._title.set_elsewhere(elsewhere)

    def show_conversation(self, entries: Sequence[LogEntry], first_unread: int = -1) -> None:
        """Replace the log with entries, with the 'new messages' marker before
        entries[first_unread] (see LogPane.show_conversation)."""
        self.log_pane.show_conversation(entries, first_unread)
        self.log_tools.conversation_shown()

    def update_entry(self, old: LogEntry, new: LogEntry) -> None:
        """Replace the line showing old (the same object) with new; nothing when old is not
        shown."""
        self.log_pane.update_entry(old, new)

    def set_users(self, users: Sequence[UserItem]) -> None:
        """Replace the user pane's list and its count."""
        self._users = list(users)
        self.user_pane.show(users)

    def show_typing(self, text: str) -> None:
        """Say who is typing under the log ('' for nobody)."""
        self.typing_line.show(text)

    def show_users(self, users: Sequence[UserItem]) -> None:
        """The 'who is here' dialog."""
        self._run_dialog(UsersDialog(self.root, users))

    def confirm_exit(self) -> bool:
        """'Are you sure you want to exit?': True for OK, False for Cancel."""
        return bool(self._run_dialog(ConfirmDialog(self.root)))

    def clear_input(self) -> None:
        """Empty the input."""
        self.input_bar.clear()

    def set_do_not_disturb(self, on: bool) -> None:
        """Tick or untick the Account menu's 'Do not disturb'."""
        self.header.dnd_var.set(on)

    def has_focus(self) -> bool:
        """True while the window has the keyboard focus."""
        return self._title.focused

    def present(self) -> None:
        """De-iconify, raise and focus the window (a notification was clicked)."""
        if not self.closed:
            self.root.deiconify()
            self.root.lift()
            self.root.focus_force()

    def set_message_actions(self, actions: MessageActions) -> None:
        """What the log offers on a message (see app.views.messagetools)."""
        self.log_tools.messages.set_offered(actions)

    def set_reply(self, text: str) -> None:
        """The reply bar over the input ('' hides it)."""
        self.log_tools.messages.show_reply(text)

    def show_search_results(self, hits: Sequence[Hit], note: str) -> None:
        """The search window's results (see LogTools)."""
        self.log_tools.show_search_results(hits, note)

    def reveal_message(self, msgid: str) -> bool:
        """Scroll to the message with msgid and highlight it (see LogTools)."""
        return self.log_tools.reveal_message(msgid)

    def close(self) -> None:
        """Close the window and end run()."""
        if self._scheduler.closed:
            return
        self._scheduler.close()
        if self.active_dialog is not None:
            self.active_dialog.cancel()
        self.root.update_idletasks()  # let Tk finish its own idle work (ttk::ThemeChanged) first
        if self.root.winfo_ismapped():  # not a window never shown (or minimised)
            self.placement = self.root.geometry()
        self.root.destroy()

    def place(self, geometry: str) -> None:
        """Size and move the window as geometry (a placement it closed with), fitted to the
        screen there is now; a geometry that is not one is ignored."""
        place_window(self.root, geometry, self.min_size)

    def run(self) -> None:
        """Run the Tk loop until close(). What start-up made (modules, the window's widgets and
        styles) is frozen out of the garbage collector first: it lives as long as the program,
        and a full collection walking it stalled the loop for ~70 ms in a busy channel."""
        if not self.closed:
            gc.freeze()  # (no collect first: that would hold the loop's start back ~70 ms)
            self.root.mainloop()

    # -- what the window shows (read back by tests and the benchmark) -------------------------

    @property
    def closed(self) -> bool:
        """True once close() has run."""
        return self._scheduler.closed

    @property
    def title(self) -> str:
        """The window title."""
        return self._title.text

    @property
    def header_text(self) -> str:
        """The header's words: app, nick, server, status, detail."""
        return self.header.text

    @property
    def status(self) -> str:
        """The status shown, one of STATUSES."""
        return self._status

    @property
    def log_lines(self) -> list[str]:
        """The log's lines, oldest first."""
        return self.log_pane.lines

    def last_log_lines(self, count: int) -> list[str]:
        """The newest count lines of the log (cheap, unlike log_lines on a full log)."""
        return self.log_pane.last_lines(count)

    @property
    def marker_line(self) -> int:
        """The log line (1 is the oldest) of the 'new messages' marker, or 0 when there is none."""
        return self.log_pane.marker_line

    def tags_at_line(self, line: int) -> set[str]:
        """Every tag used on a log line (1 is the oldest)."""
        return self.log_pane.tags_at_line(line)

    @property
    def newer_shown(self) -> bool:
        """True while the 'New messages' button offers to scroll down."""
        return self.log_pane.newer_shown

    @property
    def filling(self) -> bool:
        """True while a conversation's older (or later) lines are still going into the log."""
        return self.log_pane.filling

    @property
    def typing_text(self) -> str:
        """What the line under the log says about who is typing."""
        return self.typing_line.text

    @property
    def conversation_lines(self) -> list[str]:
        """The conversation list as it reads, top to bottom: '#lobby (3)', '@bob', ..."""
        return self._picker.lines

    @property
    def listed_conversations(self) -> list[Conversation]:
        """The conversations listed, in the list's order."""
        return self._switcher.listed

    @property
    def current_conversation(self) -> str:
        """The conversation the list highlights ('' when none)."""
        return self._picker.highlighted

    @property
    def total_unread(self) -> int:
        """What the title counts: unread in other conversations plus lines that arrived in this
        one while the window was not focused."""
        return self._title.total_unread

    @property
    def unread(self) -> int:
        """Messages that arrived while the window was not focused."""
        return self._title.unread

    @property
    def user_lines(self) -> list[str]:
        """What the user pane lists, top to bottom ([] in the compact view, which has none)."""
        return self.user_pane.lines

    @property
    def users_heading_text(self) -> str:
        """The user count as the window shows it."""
        return self.user_pane.heading_text

    @property
    def input_text(self) -> str:
        """The text in the input."""
        return self.input_bar.text

    @property
    def ttk_theme(self) -> str:
        """The ttkbootstrap theme in use."""
        return str(self.root.style.theme_use())

    # -- theme ---------------------------------------------------------------------------------

    def set_theme(self, theme: str) -> None:
        """Switch to 'light' or 'dark' now."""
        self.root.style.theme_use(theme_for(theme))
        self.theme = theme
        self.theme_var.set(theme == "dark")
        self._apply_theme_colours()

    def _on_account(self) -> None:
        if self.actions is not None:
            self.actions.on_account()

    def _on_preferences(self) -> None:
        if self.actions is not None and self.active_dialog is None:
            self.actions.on_preferences()

    def _on_notify(self, name: str, mode: str) -> None:
        if self.actions is not None:
            self.actions.on_notify_mode(name, mode)

    def _on_dnd(self) -> None:
        if self.actions is not None:
            self.actions.on_do_not_disturb(bool(self.header.dnd_var.get()))

    def _on_theme_toggle(self) -> None:
        theme = "dark" if self.theme_var.get() else "light"
        self.set_theme(theme)
        if self.actions is not None:
            self.actions.on_theme_changed(theme)

    def _apply_theme_colours(self) -> None:
        style = self.root.style
        self.log_pane.apply_theme(style.colors, self.theme)
        self.log_tools.apply_theme(self.theme)
        self._picker.apply_theme(style, self.theme == "light")
        self.header.apply_theme(self.theme)
        self.typing_line.apply_theme(self.theme)
        if not self.compact:
            self.user_pane.apply_theme(self.theme)

    # -- input, dialogs, errors ------------------------------------------------

    def _message_user(self, nick: str) -> None:
        """Double-clicking someone in the user pane starts a private message to them."""
        self.input_bar.set_text(f"/msg {nick} ", len(f"/msg {nick} "))
        self.input.focus_set()

    def _run_dialog(self, dialog: ModalDialog[Any]) -> Any:
        previous = self.active_dialog
        self.active_dialog = dialog
        try:
            return dialog.run()
        finally:
            self.active_dialog = previous
            if not self.closed:
                self.input.focus_set()

    def _report_callback_exception(self, kind: type[BaseException], error: BaseException,
                                   tb: Any) -> None:
        self.callback_errors.append(error)
        log.error("error in a Tk callback:\n%s", "".join(traceback.format_exception(error)))
        if not self.closed:
            self.show_entries([LogEntry(datetime.now(), "", "",
                                        f"internal error: {type(error).__name__}: {error}",
                                        EntryKind.ERROR)])


class CompactWindow(ChatWindow):
    """For small screens: log and input only; the Users button lists who is here."""

    compact = True
    size = (560, 480)
    min_size = (420, 300)

    def _build_sides(self, body: ttk.Frame) -> None:
        """No side panes: the conversation menu is in the header, the users behind a button."""
        self.conversation_menu = self._picker = self.header.conversation_menu

    def set_users(self, users: Sequence[UserItem]) -> None:
        """Keep the count in the header (the Users button shows the names)."""
        self._users = list(users)
        self.header.set_user_count(len(users))

    @property
    def users_heading_text(self) -> str:
        return self.header.user_count_text

    @property
    def user_lines(self) -> list[str]:
        return []
