"""The identity dialogs in the real window under Xvfb, against a real server: a nick that
belongs to someone else brings the connect dialog back saying so with a free variant filled in
(Enter takes it), and the Account menu's dialog sets a password of your own; screenshots are
saved under tests/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.controllers.client import start_client
from app.models.settings import ConnectParams, SettingsStore
from app.models.trust import server_key
from app.views import view_factory
from app.views.accountdialog import AccountDialog
from app.views.dialogs import ConnectDialog, ModalDialog
from app.views.window import ChatWindow
from server.tcp import ServerHandle
from tests.gui.driver import enter, screenshot, when_dialog
from tests.gui.live import Chat, close_chat, wait_until
from tests.gui.test_screenshots import check_shot

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]


def test_gui_owned_nick_dialog_suggests_a_variant_and_the_account_dialog_sets_a_password(
        server: ServerHandle, tmp_path: Path) -> None:
    server.state.accounts.create("alice", "someone-elses-password")
    view = view_factory("full")("light")
    assert isinstance(view, ChatWindow)
    host, port = server.server_address
    store = SettingsStore(tmp_path / "config")
    failures: list[str] = []
    seen: dict[str, object] = {}

    def owned_then_enter(dialog: ModalDialog) -> None:
        assert isinstance(dialog, ConnectDialog)
        seen.update(error=dialog.error, nick=dialog.nick_var.get(),
                    focus=dialog.focus_widget() is dialog.nick_entry,
                    selected=dialog.nick_entry.selection_present())
        check_shot(screenshot(dialog.top, "connect-dialog-nick-owned"), dialog.top)
        enter(dialog)

    when_dialog(view, owned_then_enter, failures)
    controller = start_client(view, params=ConnectParams(host, port, "alice"),
                              settings_store=store)
    chat = Chat(view, controller)
    try:
        wait_until(view, lambda: view.status == "connected" or bool(failures), "alice2")
        assert failures == []
        assert "The name alice belongs to someone else" in str(seen["error"])
        assert "alice2" in str(seen["error"]) and seen["nick"] == "alice2" and seen["focus"]
        assert seen["selected"]  # typing another name replaces the suggestion
        wait_until(view, lambda: controller.session is not None
                   and controller.session.account == "alice2", "alice2's own account")
        assert "alice2" in view.header_text
        set_password_with_the_account_dialog(chat, store, failures, server_key(host, port))
    finally:
        close_chat(chat)


def set_password_with_the_account_dialog(chat: Chat, store: SettingsStore,
                                         failures: list[str], server: str) -> None:
    """Open Account > Set a password..., type two different ones (refused inline), then the
    same one twice; wait until it is stored."""
    def type_passwords(dialog: ModalDialog) -> None:
        assert isinstance(dialog, AccountDialog)
        dialog.new_entry.insert(0, "my-own-password")
        dialog.repeat_entry.insert(0, "my-own-passwrod")
        enter(dialog)
        assert dialog.is_open and "not the same" in dialog.error
        check_shot(screenshot(dialog.top, "account-dialog"), dialog.top)
        dialog.repeat_var.set("my-own-password")
        enter(dialog)

    when_dialog(chat.view, type_passwords, failures)
    chat.view.header.account_menu.invoke(0)
    assert failures == []
    wait_until(chat.view, lambda: store.credentials.get(server, "alice2") == "my-own-password",
               "the new password to be stored")
    check_shot(screenshot(chat.view.root, "main-password-set"), chat.view.root)


