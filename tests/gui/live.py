"""The real chat window connected through the real controller to a real server, and bounded
waits on it (the server and peer fixtures are in conftest.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from app.controllers.client import ClientController, start_client
from app.models.settings import ConnectParams, SettingsStore
from app.views import view_factory
from app.views.window import ChatWindow
from server.tcp import ServerHandle

DEADLINE_S = 15.0


def wait_until(view: ChatWindow, predicate: Callable[[], bool], what: str,
               timeout: float = DEADLINE_S) -> None:
    """Run the Tk loop until predicate() holds or the window closed; fail after timeout."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if view.closed:
            raise AssertionError(f"the window closed while waiting for {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; status {view.header_text!r}, "
                                 f"log: {view.log_lines[-8:]}")
        view.root.update()
        time.sleep(0.01)


def run_until_closed(view: ChatWindow, timeout: float = DEADLINE_S) -> None:
    """Run the Tk loop until the window closed; fail after timeout."""
    deadline = time.monotonic() + timeout
    while not view.closed:
        if time.monotonic() > deadline:
            raise AssertionError("the window did not close")
        view.root.update()
        time.sleep(0.01)


class Chat:
    """The window, its controller, and how to reach the server."""

    def __init__(self, view: ChatWindow, controller: ClientController) -> None:
        self.view = view
        self.controller = controller

    def user_nicks(self) -> list[str]:
        """Who the window knows is here: the user pane, or (compact) what Users would show."""
        if self.view.compact:
            return [user.nick for user in self.controller.current_users()]
        return [line.lstrip("~&@%+").split()[0] for line in self.view.user_lines]

    def wait_for_user(self, nick: str) -> None:
        wait_until(self.view, lambda: nick in self.user_nicks(), f"{nick} in the user pane")

    def wait_for_log(self, text: str) -> None:
        wait_until(self.view, lambda: any(text in line for line in self.view.log_lines),
                   f"{text!r} in the log")


def open_chat(server: ServerHandle, tmp_path: Path, view_name: str = "full",
              theme: str = "light", nick: str = "alice") -> Chat:
    view = view_factory(view_name)(theme)
    assert isinstance(view, ChatWindow)
    host, port = server.server_address
    controller = start_client(view, params=ConnectParams(host, port, nick),
                              settings_store=SettingsStore(tmp_path / "config"))
    chat = Chat(view, controller)
    try:
        wait_until(view, lambda: view.status == "connected", "connected")
        if not view.compact:
            chat.wait_for_user(nick)
    except BaseException as error:
        controller.shut_down()
        raise AssertionError(f"{error}; server errors: {server.take_errors()!r}") from error
    return chat


def close_chat(chat: Chat) -> None:
    errors = list(chat.view.callback_errors)
    if not chat.view.closed:
        chat.controller.shut_down()
    assert chat.view.closed
    assert errors == [], f"Tk callbacks raised: {errors!r}"
