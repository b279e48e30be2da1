"""`python -m app`: command line, display errors, connecting straight away or via the dialog."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import app.__main__ as entry
from app.models.settings import SettingsStore
from app.views import make_view
from app.views.dialogs import ConnectDialog
from app.views.window import ChatWindow
from server.tcp import ServerHandle
from tests.gui.driver import enter, when_dialog

ROOT = Path(__file__).resolve().parents[2]


def run_app(*args: str, env_changes: dict[str, str | None]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True,
                          timeout=30, cwd=ROOT, env=env)


def test_main_without_display_says_so_in_one_line(tmp_path: Path) -> None:
    result = run_app("--nick", "alice", env_changes={"DISPLAY": None,
                                                     "LOCALCHAT_CONFIG_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr == "LocalChat needs a graphical display (DISPLAY is not set)\n"


def test_main_unreachable_display_is_a_clear_error(tmp_path: Path) -> None:
    result = run_app(env_changes={"DISPLAY": ":77", "LOCALCHAT_CONFIG_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr.startswith("LocalChat needs a graphical display (")
    assert "Traceback" not in result.stderr


def test_main_unknown_view_lists_the_names(tmp_path: Path) -> None:
    result = run_app("--view", "tiny", env_changes={"LOCALCHAT_CONFIG_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "unknown view 'tiny'; choose one of: full, compact" in result.stderr


def test_main_rejects_a_port_out_of_range(tmp_path: Path) -> None:
    result = run_app("--port", "70000", env_changes={"LOCALCHAT_CONFIG_DIR": str(tmp_path)})
    assert result.returncode == 2 and "from 1 to 65535" in result.stderr


def watch_views(monkeypatch: pytest.MonkeyPatch,
                then: Callable[[ChatWindow], None]) -> list[ChatWindow]:
    """Make main's views through the real registry, and run then(view) once each is built."""
    made: list[ChatWindow] = []

    def make(name: str, theme: str) -> ChatWindow:
        view = make_view(name, theme)
        assert isinstance(view, ChatWindow)
        made.append(view)
        then(view)
        return view

    monkeypatch.setattr(entry, "make_view", make)
    return made


def close_once_connected(view: ChatWindow) -> None:
    deadline = time.monotonic() + 15

    def check() -> None:
        if view.status == "connected" or time.monotonic() > deadline:
            view.close()
        else:
            view.schedule(50, check)

    view.schedule(50, check)


@pytest.mark.gui
@pytest.mark.timeout(60)
def test_main_connects_straight_away_with_host_port_and_nick(
        server: ServerHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCALCHAT_CONFIG_DIR", str(tmp_path))
    statuses: list[str] = []

    def then(view: ChatWindow) -> None:
        original = view.close
        monkeypatch.setattr(view, "close", lambda: (statuses.append(view.status), original()))
        close_once_connected(view)

    made = watch_views(monkeypatch, then)
    host, port = server.server_address
    assert entry.main(["--host", host, "--port", str(port), "--nick", "alice",
                       "--view", "compact", "--theme", "dark"]) == 0
    assert len(made) == 1 and made[0].compact and made[0].theme == "dark"
    assert statuses[0] == "connected"
    assert made[0].title == f"LocalChat — alice @ {host}:{port}"
    assert SettingsStore(tmp_path).load().nick == "alice"


@pytest.mark.gui
@pytest.mark.timeout(60)
def test_main_asks_with_given_and_remembered_values(
        server: ServerHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCALCHAT_CONFIG_DIR", str(tmp_path))
    assert SettingsStore(tmp_path).update(nick="remembered", theme="dark")
    failures: list[str] = []
    prefilled: list[tuple[str, str, str]] = []
    on_top: list[bool] = []

    def answer(dialog: ConnectDialog) -> None:
        prefilled.append((dialog.host_var.get(), dialog.port_var.get(), dialog.nick_var.get()))
        top = dialog.top
        top.update()
        centre = top.winfo_containing(top.winfo_rootx() + top.winfo_width() // 2,
                                      top.winfo_rooty() + top.winfo_height() // 2)
        on_top.append(centre is not None and centre.winfo_toplevel() is top)
        dialog.nick_var.set("bobby")
        enter(dialog)

    def then(view: ChatWindow) -> None:
        when_dialog(view, answer, failures)
        close_once_connected(view)

    made = watch_views(monkeypatch, then)
    host, port = server.server_address
    assert entry.main(["--host", host, "--port", str(port)]) == 0
    assert failures == []
    assert prefilled == [(host, str(port), "remembered")]
    assert on_top == [True], "the main window covers the dialog"
    assert made[0].theme == "dark" and not made[0].compact
    assert made[0].title == f"LocalChat — bobby @ {host}:{port}"


@pytest.mark.gui
@pytest.mark.timeout(60)
def test_main_cancelled_dialog_exits_quietly(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCALCHAT_CONFIG_DIR", str(tmp_path))
    failures: list[str] = []
    made = watch_views(monkeypatch, lambda view: when_dialog(view, lambda d: d.cancel(), failures))
    assert entry.main([]) == 0
    assert failures == [] and made[0].closed
