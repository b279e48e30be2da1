"""Links, the right-click menus, Ctrl+F and 'Search all conversations' in the real window on a
real LocalChat server (under Xvfb), with screenshots in light and dark."""

from __future__ import annotations

import tkinter
import tkinter.font as tkfont
import webbrowser
from collections.abc import Callable
from pathlib import Path

import pytest

from app.views.searchwindow import ROW_PADDING
from app.views.window import ChatWindow
from server.tcp import ServerHandle
from tests.gui.driver import click, press, pump, screenshot
from tests.gui.live import Chat, close_chat, open_chat, wait_until
from tests.gui.test_screenshots import check_shot
from tests.interop.rawclient import RawClient

pytestmark = [pytest.mark.gui, pytest.mark.timeout(90)]
LINK = "https://example.org/docs_(v2)"


def where(view: ChatWindow, needle: str) -> tuple[str, int, int]:
    """The Text index of needle in the log and the middle of its first character on screen."""
    text = view.log_text
    index = text.search(needle, "1.0", "end")
    assert index, f"{needle!r} is not in the log"
    text.see(index)
    text.update()
    x, y, width, height = text.bbox(index)
    return index, x + width // 2 + 1, y + height // 2


def unpost(view: ChatWindow, menu: tkinter.Menu) -> None:
    """Close a popped-up menu as Tk does after a click on an item (it releases its grab)."""
    view.root.tk.call("tk::MenuUnpost", str(menu))
    pump(view)


def filled(server: ServerHandle, tmp_path: Path, peer: Callable[[str], RawClient],
           theme: str = "light") -> Chat:
    chat = open_chat(server, tmp_path, theme=theme)
    bob = peer("bob")
    chat.wait_for_user("bob")
    bob.send(f"PRIVMSG #lobby :the notes are at {LINK}, see www.example.com too.")
    bob.send("PRIVMSG #lobby :lunch at noon? lunch is on me")
    bob.send("PRIVMSG #lobby :mail mailto:bob@example.org about lunch")
    chat.wait_for_log("about lunch")
    return chat


def test_gui_links_are_tagged_open_on_click_with_a_hand_cursor(
        server: ServerHandle, tmp_path: Path, peer_factory: Callable[[str], RawClient],
        monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    chat = filled(server, tmp_path, peer_factory)
    try:
        view = chat.view
        text = view.log_text
        ranges = [str(i) for i in text.tag_ranges("link")]
        shown = [text.get(a, b) for a, b in zip(ranges[::2], ranges[1::2], strict=True)]
        assert shown == [LINK, "www.example.com", "mailto:bob@example.org"]
        _, x, y = where(view, "www.example.com")
        text.event_generate("<Motion>", x=x, y=y, when="now")
        pump(view)
        assert str(text.cget("cursor")) == "hand2"
        click(text, x, y)
        _, x, y = where(view, LINK)
        click(text, x, y)
        assert opened == ["http://www.example.com", LINK]
        _, x, y = where(view, "notes are")
        text.event_generate("<Motion>", x=x, y=y, when="now")
        pump(view)
        assert str(text.cget("cursor")) != "hand2"
        click(text, x, y)  # not on a link: nothing opens
        assert opened == ["http://www.example.com", LINK]
    finally:
        close_chat(chat)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_gui_context_menus_copy_link_select_all_cut_paste(
        server: ServerHandle, tmp_path: Path, peer_factory: Callable[[str], RawClient],
        theme: str) -> None:
    chat = filled(server, tmp_path, peer_factory, theme)
    try:
        view = chat.view
        menu = view.log_tools.log_menu
        _, x, y = where(view, LINK)
        rootx, rooty = view.log_text.winfo_rootx() + x, view.log_text.winfo_rooty() + y
        view.log_text.event_generate("<Button-3>", x=x, y=y, rootx=rootx, rooty=rooty,
                                     when="now")
        pump(view)
        check_shot(screenshot(view.root, f"menu-{theme}"), view.root)
        assert menu.menu.entrycget("Copy link", "state") == "normal"
        assert menu.menu.entrycget("Copy", "state") == "disabled"  # nothing selected
        menu.menu.invoke("Copy link")
        unpost(view, menu.menu)
        assert view.root.clipboard_get() == LINK
        _, x, y = where(view, "notes are")
        view.log_text.event_generate("<Button-3>", x=x, y=y, when="now")
        pump(view)
        assert menu.menu.entrycget("Copy link", "state") == "disabled"
        menu.menu.invoke("Select all")
        unpost(view, menu.menu)
        assert view.log_text.get("sel.first", "sel.last") == view.log_text.get("1.0", "end-1c")
        view.log_text.event_generate("<Button-3>", x=x, y=y, when="now")
        pump(view)
        menu.menu.invoke("Copy")
        unpost(view, menu.menu)
        assert "lunch at noon?" in view.root.clipboard_get()
        entry, inmenu = view.input, view.log_tools.input_menu
        entry.insert(0, "cut me")
        entry.selection_range(0, "end")
        entry.event_generate("<Button-3>", x=5, y=5, when="now")
        pump(view)
        assert inmenu.menu.entrycget("Cut", "state") == "normal"
        inmenu.menu.invoke("Cut")
        unpost(view, inmenu.menu)
        assert view.input_text == "" and view.root.clipboard_get() == "cut me"
        entry.event_generate("<Button-3>", x=5, y=5, when="now")
        pump(view)
        assert inmenu.menu.entrycget("Cut", "state") == "disabled"
        inmenu.menu.invoke("Paste")
        unpost(view, inmenu.menu)
        assert view.input_text == "cut me"
    finally:
        close_chat(chat)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_gui_ctrl_f_finds_in_the_conversation(
        server: ServerHandle, tmp_path: Path, peer_factory: Callable[[str], RawClient],
        theme: str) -> None:
    chat = filled(server, tmp_path, peer_factory, theme)
    try:
        view, bar = chat.view, chat.view.log_tools.find_bar
        assert not bar.shown
        press(view.input, "<Control-f>")
        assert bar.shown and view.root.focus_get() == bar.entry
        bar.entry.insert(0, "LUNCH")
        pump(view)
        assert len(bar.matches) == 3 and bar.count_label.cget("text") == "3 of 3"
        press(bar.entry, "<Return>")
        assert bar.current == 0  # round to the oldest
        press(bar.entry, "<Return>")
        assert bar.current == 1
        press(bar.entry, "<Shift-Return>")
        press(bar.entry, "<Shift-Return>")
        assert bar.current == 2
        line = int(bar.matches[2][0].split(".")[0])
        assert "foundcurrent" in view.tags_at_line(line)
        press(bar.entry, "<Shift-Return>")
        assert bar.current == 1
        peer_factory("dana").send("PRIVMSG #lobby :more lunch talk")
        chat.wait_for_log("more lunch talk")
        assert len(bar.matches) == 4 and bar.current == 1  # marked, and we stay where we were
        press(bar.entry, "<Shift-Return>")
        press(bar.entry, "<Shift-Return>")
        check_shot(screenshot(view.root, f"find-{theme}"), view.root)
        press(bar.entry, "<Escape>")
        assert not bar.shown and bar.matches == [] and not view.closed
        assert view.active_dialog is None  # Escape closed the bar, it did not ask to exit
    finally:
        close_chat(chat)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_gui_search_all_conversations_opens_the_result(
        server: ServerHandle, tmp_path: Path, peer_factory: Callable[[str], RawClient],
        theme: str) -> None:
    chat = filled(server, tmp_path, peer_factory, theme)
    try:
        view = chat.view
        bob = peer_factory("carol")
        bob.send("PRIVMSG alice :a private lunch question")
        wait_until(view, lambda: any("carol" in line for line in view.conversation_lines),
                   "carol's private chat")
        press(view.input, "<Control-Shift-F>")
        window = view.log_tools.search_window
        assert window is not None and window.open
        window.entry.insert(0, "lunch")
        press(window.entry, "<Return>")
        wait_until(view, lambda: "on the server" in str(window.note.cget("text")),
                   "the server's results")
        rows = window.rows
        assert [row[3] for row in rows] == [
            "a private lunch question", "mail mailto:bob@example.org about lunch",
            "lunch at noon? lunch is on me"]
        assert [row[0] for row in rows] == ["@carol", "#lobby", "#lobby"]
        assert [row[2] for row in rows] == ["carol", "bob", "bob"]
        roomy = tkfont.nametofont("TkDefaultFont").metrics("linespace") + ROW_PADDING
        assert window.row_height == roomy  # not ttk's cramped one-line rows
        check_shot(screenshot(window.top, f"search-{theme}"), window.top)
        for _ in range(2):  # a theme switch (and back) keeps the room
            view.theme_toggle.invoke()
            pump(view)
            assert window.row_height == roomy
        window.tree.selection_set("2")
        press(window.tree, "<Return>")
        pump(view)
        assert view.current_conversation == "#lobby"
        found = view.log_text.tag_ranges("revealed")
        assert found and "lunch at noon?" in view.log_text.get(found[0], found[1])
        check_shot(screenshot(view.root, f"revealed-{theme}"), view.root)
        window.tree.selection_set("0")
        press(window.tree, "<Return>")
        wait_until(view, lambda: view.current_conversation == "carol", "carol's chat shown")
        found = view.log_text.tag_ranges("revealed")
        assert found and "private lunch" in view.log_text.get(found[0], found[1])
        press(window.entry, "<Escape>")
        assert not window.open and not view.closed
    finally:
        close_chat(chat)
    assert isinstance(tkinter.TkVersion, float)
