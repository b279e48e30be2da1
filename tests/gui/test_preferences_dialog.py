"""The Preferences dialog in a real window under Xvfb, through the real controller: Ctrl+, (or
Account ▸ Preferences…) opens it, bad minutes are refused in the dialog, OK changes every option
the way /set, Do not disturb and the Dark toggle do, and /set then shows them; screenshots in
light and dark."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.models.preferences import Preferences
from app.views.preferencesdialog import PreferencesDialog
from app.views.window import ChatWindow
from server.tcp import ServerHandle
from tests.app.views.realview import close_real_view, make_real_view
from tests.gui.driver import RecordingActions, escape, press, pump, screenshot, when_dialog
from tests.gui.live import close_chat, open_chat, wait_until
from tests.gui.test_screenshots import check_shot

pytestmark = [pytest.mark.gui, pytest.mark.timeout(90)]


def refuses(dialog: PreferencesDialog, typed: str) -> None:
    dialog.away_var.set(typed)
    dialog.ok_button.invoke()
    assert dialog.is_open, f"{typed!r} was taken"
    assert dialog.error == (f"Automatic away takes whole minutes from 0 to 1440 (0: never), "
                            f"not '{typed}'.")


def change_everything(dialog: PreferencesDialog) -> None:
    assert isinstance(dialog, PreferencesDialog)
    assert (dialog.typing_var.get(), dialog.away_var.get(), dialog.joins_var.get(),
            dialog.dnd_var.get(), dialog.theme_var.get()) == (True, "10", False, False, "light")
    for typed in ("abc", "-5", "99999"):
        refuses(dialog, typed)
    pump_dialog(dialog)
    check_shot(screenshot(dialog.top, "preferences-refused-light"), dialog.top)
    dialog.away_var.set("25")
    for check in (dialog.typing_check, dialog.joins_check, dialog.dnd_check):
        check.invoke()
    dialog.theme_buttons["dark"].invoke()
    dialog.ok_button.invoke()
    assert not dialog.is_open


def pump_dialog(dialog: PreferencesDialog) -> None:
    for _ in range(3):
        dialog.top.update()


def test_gui_preferences_change_every_option_like_set(server: ServerHandle,
                                                      tmp_path: Path) -> None:
    chat = open_chat(server, tmp_path)
    failures: list[str] = []
    try:
        view = chat.view
        when_dialog(view, change_everything, failures)
        press(view.input, "<Control-comma>")
        assert failures == []
        chat.wait_for_log("autoaway 25  (away by itself: after 25 minutes without input)")
        saved = json.loads((tmp_path / "config" / "settings.json").read_text())
        assert {key: saved[key] for key in ("send_typing", "auto_away_minutes", "compact_joins",
                                            "dnd", "theme")} == {
            "send_typing": False, "auto_away_minutes": 25, "compact_joins": True, "dnd": True,
            "theme": "dark"}
        assert view.theme == "dark" and view.ttk_theme.endswith("dark")
        assert view.theme_var.get() and view.header.dnd_var.get()
        assert chat.controller.activity.send_typing is False
        assert chat.controller.presenter.compact_joins
        chat.controller.on_send("/set")
        shown = ["typing off  (tell others when you type)",
                 "joins compact  (join/part/quit lines)",
                 "autoaway 25  (away by itself: after 25 minutes without input)"]
        wait_until(view, lambda: len(view.log_lines) > 3 and view.log_lines[-4].endswith(
            "Options:") and all(line.endswith(text) for line, text in zip(
                view.log_lines[-3:], shown, strict=True)), "/set showing the options")
        assert chat.controller.alerts.dnd
        assert any(line.endswith("Do not disturb is on: no desktop notifications")
                   for line in view.log_lines)

        def look_and_close(dialog: PreferencesDialog) -> None:
            assert (dialog.typing_var.get(), dialog.away_var.get(), dialog.joins_var.get(),
                    dialog.dnd_var.get(), dialog.theme_var.get()) == (
                False, "25", True, True, "dark")
            pump_dialog(dialog)
            check_shot(screenshot(dialog.top, "preferences-dark"), dialog.top)
            escape(dialog)

        when_dialog(view, look_and_close, failures)
        view.header.account_menu.invoke(preferences_entry(view))
        assert failures == []
    finally:
        close_chat(chat)


def preferences_entry(view: ChatWindow) -> int:
    menu = view.header.account_menu
    return next(i for i in range(int(menu.index("end")) + 1)
                if menu.type(i) == "command" and menu.entrycget(i, "label") == "Preferences…")


@pytest.mark.parametrize("kind", ["full", "compact"])
def test_gui_preferences_entry_and_shortcut_report_the_action(kind: str) -> None:
    view = make_real_view(kind)
    try:
        actions = RecordingActions()
        view.bind(actions)
        menu = view.header.account_menu
        assert menu.entrycget(preferences_entry(view), "accelerator") == "Ctrl+,"
        menu.invoke(preferences_entry(view))
        press(view.input, "<Control-comma>")
        pump(view)
        assert actions.names() == ["on_preferences", "on_preferences"]
    finally:
        close_real_view(view)


def test_gui_preferences_dialog_light_screenshot(tmp_path: Path) -> None:
    view = make_real_view("full")
    failures: list[str] = []
    try:
        def shoot(dialog: PreferencesDialog) -> None:
            pump_dialog(dialog)
            check_shot(screenshot(dialog.top, "preferences-light"), dialog.top)
            dialog.cancel_button.invoke()

        when_dialog(view, shoot, failures)
        assert view.ask_preferences(Preferences()) is None
        assert failures == []
    finally:
        close_real_view(view)
