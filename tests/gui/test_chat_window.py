"""The real chat window on a real LocalChat server: sending with Enter and Send, the Users
dialog, leaving with Escape or the window manager's close button (both answers each)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from Xlib import X
from Xlib.display import Display
from Xlib.protocol import event as xevent

from app.views.dialogs import ConfirmDialog, UsersDialog
from app.views.window import ChatWindow
from ircproto.message import Message
from server.tcp import ServerHandle
from tests.gui.driver import enter, escape, pick_conversation, press, when_dialog
from tests.gui.live import Chat, close_chat, open_chat, run_until_closed, wait_until
from tests.interop.rawclient import RawClient

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]


def says(channel: str, text: str) -> Callable[[Message], bool]:
    """Matches a PRIVMSG to channel with exactly text."""
    return lambda m: (m.param(0), m.param(1)) == (channel, text)


def send_wm_delete_window(view: ChatWindow) -> None:
    """What the window manager does for the X button: a WM_PROTOCOLS ClientMessage carrying
    WM_DELETE_WINDOW, sent through the X server to the toplevel's wrapper window."""
    display = Display()
    try:
        wrapper = display.create_resource_object("window", int(view.root.wm_frame(), 16))
        message = xevent.ClientMessage(
            window=wrapper, client_type=display.intern_atom("WM_PROTOCOLS"),
            data=(32, [display.intern_atom("WM_DELETE_WINDOW"), X.CurrentTime, 0, 0, 0]))
        wrapper.send_event(message, event_mask=X.NoEventMask)
        display.sync()
    finally:
        display.close()


def answer_confirm(view: ChatWindow, answer: Callable, failures: list[str],
                   seen: list[str]) -> None:
    def act(dialog: ConfirmDialog) -> None:
        seen.append(dialog.message)
        answer(dialog)

    when_dialog(view, act, failures)


def test_gui_enter_sends_to_the_channel(chat: Chat,
                                       peer_factory: Callable[[str], RawClient]) -> None:
    bob = peer_factory("bob")
    chat.wait_for_user("bob")
    chat.view.input.insert(0, "hello from Enter")
    press(chat.view.input, "<Return>")
    message = bob.expect("PRIVMSG", says("#lobby", "hello from Enter"))
    assert message.source.startswith("alice")
    assert chat.view.input_text == ""
    chat.wait_for_log("<alice> hello from Enter")


def test_gui_send_button_sends_to_the_channel(chat: Chat,
                                              peer_factory: Callable[[str], RawClient]) -> None:
    bob = peer_factory("bob")
    chat.wait_for_user("bob")
    chat.view.input.insert(0, "hello from Send")
    chat.view.send_button.invoke()
    bob.expect("PRIVMSG", says("#lobby", "hello from Send"))
    assert chat.view.input_text == ""


def test_gui_shows_what_others_say_each_in_its_conversation(
        chat: Chat, peer_factory: Callable[[str], RawClient]) -> None:
    bob = peer_factory("bob")
    bob.send("PRIVMSG #lobby :hi alice")
    bob.send("PRIVMSG alice :just between us")
    chat.wait_for_log("<bob> hi alice")
    wait_until(chat.view, lambda: "@bob (1)" in chat.view.conversation_lines,
               "bob's private chat in the list with 1 unread")
    assert not any("just between us" in line for line in chat.view.log_lines)
    assert chat.view.title.startswith("(1) ")
    pick_conversation(chat.view, "bob")
    chat.wait_for_log("[private] <bob> just between us")
    wait_until(chat.view, lambda: chat.view.current_conversation == "bob", "bob highlighted")
    assert "@bob" in chat.view.conversation_lines


def test_gui_keys_switch_conversations_through_the_controller(
        chat: Chat, peer_factory: Callable[[str], RawClient]) -> None:
    bob = peer_factory("bob")
    bob.send("PRIVMSG alice :are you there?")
    wait_until(chat.view, lambda: "@bob (1)" in chat.view.conversation_lines, "bob's chat")
    lobby = chat.view.current_conversation
    names = [c.name for c in chat.view.listed_conversations]
    steps = (names.index("bob") - names.index(lobby)) % len(names)
    for step in range(1, steps + 1):  # Ctrl+Tab walks down the list to bob
        press(chat.view.input, "<Control-Tab>")
        expected = names[(names.index(lobby) + step) % len(names)]
        wait_until(chat.view, lambda expected=expected: chat.view.current_conversation == expected,
                   f"{expected} shown")
    chat.wait_for_log("<bob> are you there?")
    for step in range(1, steps + 1):  # and Alt+Up back up to the channel
        press(chat.view.input, "<Alt-Up>")
        expected = names[(names.index("bob") - step) % len(names)]
        wait_until(chat.view, lambda expected=expected: chat.view.current_conversation == expected,
                   f"{expected} shown")
    assert chat.view.current_conversation == lobby
    assert not any("are you there?" in line for line in chat.view.log_lines)


def test_gui_users_button_lists_who_is_here(chat: Chat,
                                            peer_factory: Callable[[str], RawClient]) -> None:
    peer_factory("bob")
    chat.wait_for_user("bob")
    failures: list[str] = []
    seen: list[list[str]] = []

    def read(dialog: UsersDialog) -> None:
        seen.append(dialog.lines)
        escape(dialog)

    when_dialog(chat.view, read, failures)
    chat.view.users_button.invoke()
    assert failures == []
    assert len(seen) == 1
    assert sorted(line.lstrip("~&@%+") for line in seen[0]) == ["alice", "bob"]


def test_gui_escape_then_cancel_keeps_window_and_connection(
        chat: Chat, peer_factory: Callable[[str], RawClient]) -> None:
    bob = peer_factory("bob")
    chat.wait_for_user("bob")
    failures: list[str] = []
    seen: list[str] = []
    answer_confirm(chat.view, escape, failures, seen)
    press(chat.view.input, "<Escape>")
    assert failures == [] and seen == ["Are you sure you want to exit?"]
    assert not chat.view.closed
    chat.view.input.insert(0, "still here")
    chat.view.send_button.invoke()
    bob.expect("PRIVMSG", says("#lobby", "still here"))


def test_gui_escape_then_ok_quits_and_closes(chat: Chat,
                                             peer_factory: Callable[[str], RawClient]) -> None:
    bob = peer_factory("bob")
    chat.wait_for_user("bob")
    failures: list[str] = []
    seen: list[str] = []
    answer_confirm(chat.view, enter, failures, seen)
    press(chat.view.input, "<Escape>")
    run_until_closed(chat.view)
    assert failures == [] and seen == ["Are you sure you want to exit?"]
    quit_message = bob.expect("QUIT")
    assert quit_message.source.startswith("alice")


def test_gui_window_close_then_cancel_keeps_window(
        chat: Chat, peer_factory: Callable[[str], RawClient]) -> None:
    bob = peer_factory("bob")
    chat.wait_for_user("bob")
    failures: list[str] = []
    seen: list[str] = []
    answer_confirm(chat.view, lambda dialog: dialog.cancel_button.invoke(), failures, seen)
    send_wm_delete_window(chat.view)
    wait_until(chat.view, lambda: bool(seen) and chat.view.active_dialog is None,
               "the confirmation to be answered")
    assert failures == [] and seen == ["Are you sure you want to exit?"]
    assert not chat.view.closed
    chat.view.input.insert(0, "not leaving")
    press(chat.view.input, "<Return>")
    bob.expect("PRIVMSG", says("#lobby", "not leaving"))


def test_gui_window_close_then_ok_quits_and_closes(
        chat: Chat, peer_factory: Callable[[str], RawClient]) -> None:
    bob = peer_factory("bob")
    chat.wait_for_user("bob")
    failures: list[str] = []
    seen: list[str] = []
    answer_confirm(chat.view, lambda dialog: dialog.ok_button.invoke(), failures, seen)
    send_wm_delete_window(chat.view)
    run_until_closed(chat.view)
    assert failures == [] and seen == ["Are you sure you want to exit?"]
    assert bob.expect("QUIT").source.startswith("alice")


def test_gui_compact_users_button_lists_who_is_here(
        server: ServerHandle, tmp_path: Path, peer_factory: Callable[[str], RawClient]) -> None:
    chat = open_chat(server, tmp_path, view_name="compact")
    try:
        peer_factory("bob")
        chat.wait_for_user("bob")
        wait_until(chat.view, lambda: chat.view.users_heading_text == "· 2 here", "2 here")
        failures: list[str] = []
        seen: list[list[str]] = []
        when_dialog(chat.view, lambda dialog: (seen.append(dialog.lines), enter(dialog)),
                    failures)
        chat.view.users_button.invoke()
        assert failures == [] and seen == [["@alice", "bob"]]
    finally:
        close_chat(chat)
