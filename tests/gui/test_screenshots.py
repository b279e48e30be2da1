"""Screenshots of the real windows with realistic content from a real server (light and dark
theme, compact view, connect dialog with an inline error, TLS and password fields, the
certificate dialog), saved under tests/screenshots/."""

from __future__ import annotations

import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from app.controllers.trust import certificate_changed
from app.models.settings import ConnectParams
from app.views.dialogs import ConnectDialog, ModalDialog
from server.tcp import ServerHandle
from tests.app.views.realview import close_real_view, make_real_view
from tests.gui.driver import enter, escape, pick_conversation, press, screenshot, when_dialog
from tests.gui.live import Chat, close_chat, open_chat, wait_until
from tests.interop.rawclient import RawClient

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def colour_count(path: Path) -> int:
    out = subprocess.run(["identify", "-format", "%k", str(path)], capture_output=True,
                         text=True, timeout=30, check=True)
    return int(out.stdout.strip())


def check_shot(path: Path, window) -> None:
    assert png_size(path) == (window.winfo_width(), window.winfo_height())
    assert colour_count(path) > 40, f"{path.name} looks blank"


def type_and_enter(chat: Chat, text: str) -> None:
    chat.view.input.insert(0, text)
    press(chat.view.input, "<Return>")


def fill_with_a_conversation(chat: Chat, peer: Callable[[str], RawClient]) -> None:
    bob, carol = peer("bob"), peer("carol")
    chat.wait_for_user("carol")
    type_and_enter(chat, "/topic Friday lunch plans")
    bob.send("PRIVMSG #lobby :morning all!")
    chat.wait_for_log("morning all!")
    carol.send("PRIVMSG #lobby :hi alice, pizza or sushi today?")
    chat.wait_for_log("pizza or sushi")
    type_and_enter(chat, "sushi, definitely")
    carol.send("PRIVMSG #lobby :\x01ACTION cheers\x01")
    chat.wait_for_log("cheers")
    bob.send("PRIVMSG alice :can you send me the slides?")
    wait_until(chat.view, lambda: "@bob (1)" in chat.view.conversation_lines,
               "bob's private chat with 1 unread")
    chat.view.input.insert(0, "see you at noon")
    chat.view.input.focus_force()
    chat.view.root.update()


def test_gui_screenshots_of_the_main_window_in_both_themes(
        server: ServerHandle, tmp_path: Path, peer_factory: Callable[[str], RawClient]) -> None:
    chat = open_chat(server, tmp_path)
    try:
        fill_with_a_conversation(chat, peer_factory)
        assert chat.view.user_lines[0] == "@alice"
        assert chat.view.current_conversation == "#lobby"
        light = screenshot(chat.view.root, "main-light")
        check_shot(light, chat.view.root)
        chat.view.clear_input()
        pick_conversation(chat.view, "bob")
        chat.wait_for_log("can you send me the slides?")
        type_and_enter(chat, "sure, in a minute")
        chat.wait_for_log("[to bob] <alice> sure, in a minute")
        chat.view.theme_toggle.invoke()
        assert chat.view.ttk_theme.endswith("-dark")
        dark = screenshot(chat.view.root, "main-dark")
        check_shot(dark, chat.view.root)
        assert light.read_bytes() != dark.read_bytes()
    finally:
        close_chat(chat)


def test_gui_screenshot_of_the_compact_window(
        server: ServerHandle, tmp_path: Path, peer_factory: Callable[[str], RawClient]) -> None:
    chat = open_chat(server, tmp_path, view_name="compact", theme="dark")
    try:
        fill_with_a_conversation(chat, peer_factory)
        wait_until(chat.view, lambda: "3" in chat.view.users_heading_text, "3 users")
        check_shot(screenshot(chat.view.root, "compact-dark"), chat.view.root)
    finally:
        close_chat(chat)


def test_gui_screenshots_of_the_dialogs(
        server: ServerHandle, tmp_path: Path, peer_factory: Callable[[str], RawClient]) -> None:
    chat = open_chat(server, tmp_path)
    failures: list[str] = []
    shots: list[tuple[Path, ModalDialog]] = []
    try:
        peer_factory("bob")
        chat.wait_for_user("bob")

        def shoot_then(name: str, answer: Callable[[ModalDialog], None]) -> Callable:
            def act(dialog: ModalDialog) -> None:
                shots.append((screenshot(dialog.top, name), dialog))
                check_shot(shots[-1][0], dialog.top)
                answer(dialog)
            return act

        def bad_nick_then_escape(dialog: ConnectDialog) -> None:
            dialog.nick_var.set("9lives")
            enter(dialog)
            assert dialog.is_open and "starts with a letter" in dialog.error
            shoot_then("connect-dialog-invalid-nick", escape)(dialog)

        when_dialog(chat.view, shoot_then("connect-dialog-error", bad_nick_then_escape), failures)
        assert chat.view.ask_connection(ConnectParams("192.168.1.5", 13333, "alice"),
                                        "Nickname alice is already in use") is None
        when_dialog(chat.view, shoot_then("confirm-exit", escape), failures)
        assert chat.view.confirm_exit() is False
        when_dialog(chat.view, shoot_then("users-dialog", enter), failures)
        chat.view.users_button.invoke()
        assert failures == []
        assert [path.name for path, _ in shots] == [
            "connect-dialog-error.png", "connect-dialog-invalid-nick.png", "confirm-exit.png",
            "users-dialog.png"]
    finally:
        close_chat(chat)


def test_gui_screenshots_of_the_connect_and_certificate_dialogs(tmp_path: Path) -> None:
    view = make_real_view("full")
    failures: list[str] = []
    shots: list[Path] = []
    try:
        def shoot(name: str, answer: Callable[[ModalDialog], None]) -> Callable:
            def act(dialog: ModalDialog) -> None:
                shots.append(screenshot(dialog.top, name))
                check_shot(shots[-1], dialog.top)
                answer(dialog)
            return act

        def fill_all_then_connect(dialog: ConnectDialog) -> None:
            dialog.tls_check.invoke()
            dialog.port_var.set("6697")
            dialog.password_entry.insert(0, "open sesame")
            dialog.remember_check.invoke()
            dialog.top.update()
            shoot("connect-dialog-tls-password", enter)(dialog)

        when_dialog(view, fill_all_then_connect, failures)
        answer = view.ask_connection(ConnectParams("192.168.1.5", 13333, "alice"))
        assert answer == ConnectParams("192.168.1.5", 6697, "alice", True, "open sesame", True)
        when_dialog(view, shoot("connect-dialog-wrong-password", escape), failures)
        assert view.ask_connection(ConnectParams("192.168.1.5", 6697, "alice", True, "", True),
                                   "The server password was wrong") is None
        fingerprint = ":".join(f"{n:02X}" for n in range(7, 256, 8))
        when_dialog(view, shoot("certificate-dialog", lambda d: d.trust_button.invoke()),
                    failures)
        assert view.confirm_certificate("192.168.1.5:6697", fingerprint) is True
        changed = certificate_changed("192.168.1.5:6697", fingerprint, ":".join(["5E"] * 32))
        when_dialog(view, shoot("connect-dialog-certificate-changed", escape), failures)
        assert view.ask_connection(ConnectParams("192.168.1.5", 6697, "alice", True),
                                   changed) is None
        view.theme_toggle.invoke()
        assert view.ttk_theme.endswith("-dark")
        when_dialog(view, shoot("certificate-dialog-dark", escape), failures)
        assert view.confirm_certificate("192.168.1.5:6697", fingerprint) is False
        assert failures == []
        assert [path.name for path in shots] == [
            "connect-dialog-tls-password.png", "connect-dialog-wrong-password.png",
            "certificate-dialog.png", "connect-dialog-certificate-changed.png",
            "certificate-dialog-dark.png"]
    finally:
        close_real_view(view)
