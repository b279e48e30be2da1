"""The conversation lists: a sidebar for the full window (channels, then private chats, each with
its unread count) and a compact menu button for the small one. Both report a pick by name.
"""

from __future__ import annotations

import tkinter
import tkinter.font as tkfont
from collections.abc import Callable, Sequence
from tkinter import ttk as plain_ttk
from typing import Any

import ttkbootstrap as ttk

from app.views.base import Conversation
from app.views.notifymenu import NotifyMenu

SIDEBAR_STYLE = "Conversations.Treeview"
BADGE_LIMIT = 999
CHANNEL_PREFIXES = "#&+!"
"""A conversation that is not private and whose name starts otherwise (the server's own lines)
gets a server icon rather than a channel's."""


def kind(conversation: Conversation) -> str:
    """'private', 'channel' or 'server': which icon the sidebar gives the conversation."""
    if conversation.private:
        return "private"
    name = conversation.name
    return "channel" if name and name[0] in CHANNEL_PREFIXES else "server"


def listed(conversations: Sequence[Conversation]) -> list[Conversation]:
    """Conversations in the order the lists show them: channels, then private chats."""
    return ([c for c in conversations if not c.private]
            + [c for c in conversations if c.private])


def badge(unread: int) -> str:
    """The unread count as a badge shows it: '' for none, '999+' past the limit."""
    if unread <= 0:
        return ""
    return f"{BADGE_LIMIT}+" if unread > BADGE_LIMIT else str(unread)


NOTIFY_LABEL = "Notifications"
"""The compact menu's submenu with what the conversation shown notifies for."""

MENTION_MARK = "@"
"""What stands before the unread count of a conversation where someone named you."""


def line(conversation: Conversation) -> str:
    """How one conversation reads: '#lobby (3)', '#dev (@ 2)' when an unread line there
    mentions you, '@bob' for a private chat."""
    name = f"@{conversation.name}" if conversation.private else conversation.name
    count = unread_badge(conversation)
    return f"{name} ({count})" if count else name


def unread_badge(conversation: Conversation) -> str:
    """The unread count as the list shows it, led by MENTION_MARK when you were mentioned."""
    count = badge(conversation.unread)
    return f"{MENTION_MARK} {count}" if count and conversation.mentioned else count


class ConversationList:
    """The full window's sidebar: a 'Conversations' heading over a list with CHANNELS and
    PRIVATE CHATS sections; the current conversation is highlighted, unread ones are bold with
    their count on the right. A click on a conversation calls on_pick(name)."""

    def __init__(self, master: tkinter.Misc, width: int, on_pick: Callable[[str], None],
                 on_notify: Callable[[str, str], None] = lambda name, mode: None) -> None:
        self.frame = ttk.Frame(master, width=width)
        self.frame.grid_propagate(False)
        self.frame.columnconfigure(0, weight=1)
        self.frame.rowconfigure(1, weight=1)
        self.heading = ttk.Label(self.frame, text="Conversations", font="-size 10 -weight bold")
        self.heading.grid(row=0, column=0, sticky="w", pady=(0, 6))
        # A plain ttk Treeview: ttkbootstrap's own would replace the style named here.
        self.tree = plain_ttk.Treeview(self.frame, show="tree", columns=("unread",),
                                 selectmode="browse", takefocus=False, style=SIDEBAR_STYLE,
                                 cursor="hand2")
        # #0 asks for little and stretches, so the counts on the right are never cut off
        self.tree.column("#0", stretch=True, width=60, minwidth=40)
        self.tree.column("unread", stretch=False, width=44, minwidth=44, anchor="e")
        self.tree.grid(row=1, column=0, sticky="nsew")
        self.scrollbar = ttk.Scrollbar(self.frame, orient="vertical", command=self.tree.yview,
                                       bootstyle="round")
        self.tree.configure(yscrollcommand=self._on_scrolled)
        self.tree.bind("<ButtonPress-1>", self._on_click)
        self.tree.bind("<ButtonPress-3>", self._on_menu)
        self.notify_menu = NotifyMenu(self.tree, on_notify)
        self._on_pick = on_pick
        self._names: dict[str, str] = {}
        self._shown: list[Conversation] = []
        self._current = ""
        self._icons: dict[str, str] = {}
        base = tkfont.nametofont("TkDefaultFont", root=self.frame).actual()
        smaller = base["size"] - 2 if base["size"] > 0 else base["size"] + 2
        self._fonts = {"unread": tkfont.Font(root=self.frame, **{**base, "weight": "bold"}),
                       "section": tkfont.Font(root=self.frame, **{**base, "size": smaller,
                                                                 "weight": "bold"})}

    def show(self, conversations: Sequence[Conversation], current: str) -> None:
        """Replace the list; highlight current."""
        self._shown, self._current = listed(conversations), current
        tree = self.tree
        tree.delete(*tree.get_children())
        self._names.clear()
        selected = ""
        for private, title in ((False, "CHANNELS"), (True, "PRIVATE CHATS")):
            group = [c for c in self._shown if c.private is private]
            if not group:
                continue
            tree.insert("", "end", text=title, tags=("section",))
            for conversation in group:
                iid = self._insert(conversation)
                if conversation.name == current:
                    selected = iid
        if selected:
            tree.selection_set(selected)
            tree.see(selected)
        else:
            tree.selection_set(())

    def _on_scrolled(self, first: str, last: str) -> None:
        """Show the scrollbar only while some conversations do not fit."""
        self.scrollbar.set(first, last)
        if float(first) > 0 or float(last) < 1:
            self.scrollbar.grid(row=1, column=1, sticky="ns")
        else:
            self.scrollbar.grid_remove()

    @property
    def scrollbar_shown(self) -> bool:
        """True while the list is longer than the sidebar."""
        return bool(self.scrollbar.winfo_manager())

    def _insert(self, conversation: Conversation) -> str:
        tags = ["private" if conversation.private else "channel"]
        if conversation.unread > 0:
            tags.append("unread")
        if conversation.mentioned and conversation.unread > 0:
            tags.append("mention")
        icon = self._icons.get(kind(conversation), "")
        options: dict[str, Any] = {"image": icon} if icon else {}
        iid = self.tree.insert("", "end", text=f" {conversation.name}", tags=tags,
                               values=(unread_badge(conversation),), **options)
        self._names[iid] = conversation.name
        return iid

    def _on_click(self, event: tkinter.Event) -> str:
        name = self._names.get(self.tree.identify_row(event.y))
        if name is not None:
            self._on_pick(name)
        return "break"  # the highlight follows the controller's set_conversations, not the click

    def _on_menu(self, event: tkinter.Event) -> str:
        """Right-click: what that conversation notifies for."""
        name = self._names.get(self.tree.identify_row(event.y))
        found = next((c for c in self._shown if c.name == name), None)
        if found is not None and found.notify:
            self.notify_menu.popup(found.name, found.notify, event.x_root, event.y_root)
        return "break"

    @property
    def lines(self) -> list[str]:
        """The conversations as they read, top to bottom (section headings left out)."""
        return [line(c) for c in self._shown]

    @property
    def highlighted(self) -> str:
        """The name of the highlighted conversation, '' when none."""
        selection = self.tree.selection()
        return self._names.get(selection[0], "") if selection else ""

    def row_of(self, name: str) -> str:
        """The tree item showing the conversation name ('' when not listed)."""
        return next((iid for iid, shown in self._names.items() if shown == name), "")

    def apply_theme(self, style: Any, light: bool) -> None:
        """Colour the sidebar for the theme now in use."""
        colours = style.colors
        muted = "#6c757d" if light else "#9aa4b1"
        surface = "#f1f4f7" if light else "#1f2329"
        style.configure(SIDEBAR_STYLE, rowheight=30, background=surface,
                        fieldbackground=surface, lightcolor=surface, darkcolor=surface,
                        bordercolor=colours.border, borderwidth=1, padding=4)
        selected = "#d5e8ee" if light else "#2e4a52"
        strong = "#0b3a45" if light else "#e9f6f9"
        style.map(SIDEBAR_STYLE, background=[("selected", selected)],
                  foreground=[("selected", strong)])
        # Tk ranks treeview tags by when they were made, the first highest: mention first
        self.tree.tag_configure("mention", foreground=colours.danger if light else "#ff8a95",
                                font=self._fonts["unread"])
        self.tree.tag_configure("section", foreground=muted, font=self._fonts["section"])
        self.tree.tag_configure("unread", font=self._fonts["unread"],
                                foreground=colours.fg if light else "#ffffff")
        self.tree.tag_configure("channel", foreground=colours.fg)
        self.tree.tag_configure("private", foreground=colours.fg)
        self.heading.configure(foreground=colours.fg)
        self._icons = {"channel": ttk.Icon("hash", 14, muted),
                       "server": ttk.Icon("hdd-network", 14, muted),
                       "private": ttk.Icon("person-fill", 14,
                                           "#8e3ab0" if light else "#d59cf0")}
        self.show(self._shown, self._current)


class ConversationMenu:
    """The compact window's selector: a menu button naming the current conversation (its menu
    lists them all with their unread counts, then a Notifications submenu for the current one)
    and a badge counting the unread elsewhere. Right-clicking the button offers the same
    choices (the sidebar's right-click menu, for the conversation shown); a choice calls
    on_notify(name, mode)."""

    def __init__(self, master: tkinter.Misc, on_pick: Callable[[str], None],
                 on_notify: Callable[[str, str], None] = lambda name, mode: None) -> None:
        self.frame = ttk.Frame(master)
        self.button = ttk.Menubutton(self.frame, text="No conversation", bootstyle="outline",
                                     width=22)
        self.button.pack(side="left")
        self.menu = tkinter.Menu(self.button, tearoff=False)
        self.button.configure(menu=self.menu)
        self.notify_submenu = NotifyMenu(self.menu, on_notify)
        self.notify_menu = NotifyMenu(self.button, on_notify)
        self.button.bind("<Button-3>", self._on_right_click)
        self.button.bind("<Shift-F10>", self._on_right_click)
        self.badge = ttk.Label(self.frame, text="", padding=(8, 2), font="-size 9 -weight bold",
                               bootstyle="@danger")
        self.var = tkinter.StringVar(self.frame, value="")
        self._on_pick = on_pick
        self._shown: list[Conversation] = []
        self._current = self._current_notify = ""

    def show(self, conversations: Sequence[Conversation], current: str) -> None:
        """Replace the menu; name current on the button; count the unread elsewhere."""
        self._shown = listed(conversations)
        self.menu.delete(0, "end")
        for index, conversation in enumerate(self._shown):
            if index and conversation.private and not self._shown[index - 1].private:
                self.menu.add_separator()
            self.menu.add_radiobutton(label=line(conversation), variable=self.var,
                                      value=conversation.name,
                                      command=lambda name=conversation.name: self._pick(name))
        here = next((c for c in self._shown if c.name == current), None)
        self._current = here.name if here else ""
        self._current_notify = here.notify if here else ""
        if here is not None and here.notify:
            self.notify_submenu.prepare(here.name, here.notify)
            self.menu.add_separator()
            self.menu.add_cascade(label=NOTIFY_LABEL, menu=self.notify_submenu.menu)
        self.var.set(self._current)
        self.button.configure(text=("@" if here.private else "") + here.name if here
                              else "No conversation")
        elsewhere = sum(c.unread for c in self._shown if c.name != current)
        if elsewhere:
            self.badge.configure(text=f"{badge(elsewhere)} unread elsewhere")
            self.badge.pack(side="left", padx=(10, 0))
        else:
            self.badge.pack_forget()

    def _on_right_click(self, event: tkinter.Event) -> str:
        """What the conversation shown notifies for, at the pointer (or under the button)."""
        if self._current and self._current_notify:
            x, y = (event.x_root, event.y_root) if event.x_root > 0 else (
                self.button.winfo_rootx(), self.button.winfo_rooty()
                + self.button.winfo_height())
            self.notify_menu.popup(self._current, self._current_notify, x, y)
        return "break"

    @property
    def notify_entry(self) -> int:
        """The menu index of the Notifications submenu (-1 when there is none)."""
        return next((index for index in range(self._last_index() + 1)
                     if self.menu.type(index) == "cascade"), -1)

    def _pick(self, name: str) -> None:
        self.var.set(self._current)  # the mark moves once the controller switches
        self._on_pick(name)

    @property
    def lines(self) -> list[str]:
        """The menu's conversations as they read, top to bottom."""
        return [str(self.menu.entrycget(index, "label"))
                for index in range(self._last_index() + 1)
                if self.menu.type(index) == "radiobutton"]

    @property
    def highlighted(self) -> str:
        """The name of the conversation marked current, '' when none."""
        return str(self.var.get())

    @property
    def badge_text(self) -> str:
        """The unread-elsewhere badge ('' when hidden)."""
        return str(self.badge.cget("text")) if self.badge.winfo_manager() else ""

    def entry_index(self, name: str) -> int:
        """The menu index of the conversation name (-1 when not listed)."""
        for index in range(self._last_index() + 1):
            if self.menu.type(index) == "radiobutton" and \
                    self.menu.entrycget(index, "value") == name:
                return index
        return -1

    def _last_index(self) -> int:
        last = self.menu.index("end")
        return -1 if last is None else int(last)

    def apply_theme(self, style: Any, light: bool) -> None:
        """Colour the menu for the theme now in use."""
        colours = style.colors
        for menu in (self.menu, self.notify_submenu.menu, self.notify_menu.menu):
            menu.configure(background=colours.inputbg, foreground=colours.inputfg,
                           activebackground=colours.selectbg, activeforeground=colours.selectfg,
                           selectcolor=colours.primary, relief="flat", borderwidth=1)
