"""The window remembers its size and position: `python -m app` opens it where settings.json says
(fitted to the screen: one last seen on a monitor since unplugged comes back whole), and keeps
where it was when it closes, per window layout."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import app.__main__ as entry
from app.models.placement import parse_placement
from app.models.settings import Settings, SettingsStore
from app.views.window import ChatWindow
from server.tcp import ServerHandle
from tests.gui.test_main import watch_views

SCREEN = (1280, 900)  # pytest-xvfb's screen (pyproject.toml)


def wait_shown(view: ChatWindow, then) -> None:
    """Run then() once the window is mapped at its size (at most 10 s)."""
    deadline = time.monotonic() + 10

    def check() -> None:
        mapped = view.root.winfo_ismapped() and view.root.winfo_width() > 1
        if mapped or time.monotonic() > deadline:
            then()
        else:
            view.schedule(20, check)

    view.schedule(20, check)


def run_main(server: ServerHandle, monkeypatch, act) -> list[ChatWindow]:
    """main connecting straight away; act(view) runs once the window shows, then it closes."""
    def then(view: ChatWindow) -> None:
        wait_shown(view, lambda: (act(view), view.close()))

    made = watch_views(monkeypatch, then)
    host, port = server.server_address
    assert entry.main(["--host", host, "--port", str(port), "--nick", "alice"]) == 0
    return made


@pytest.mark.gui
@pytest.mark.timeout(60)
def test_placement_is_restored_fitted_and_saved_on_close(
        server: ServerHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCALCHAT_CONFIG_DIR", str(tmp_path))
    store = SettingsStore(tmp_path)
    store.save(Settings(windows={"full": "900x500+3000+2000", "compact": "500x700+10+10"}))
    seen: list[str] = []
    made = run_main(server, monkeypatch, lambda view: seen.append(view.root.geometry()))
    shown = parse_placement(seen[0])
    assert shown is not None and (shown.width, shown.height) == (900, 500)
    assert shown.x + shown.width <= SCREEN[0] and shown.y + shown.height <= SCREEN[1]
    assert shown.x > 0 and shown.y > 0  # pushed back from the far corner, not sent to 0,0
    assert made[0].placement == seen[0]
    assert store.load().windows == {"full": seen[0], "compact": "500x700+10+10"}

    def move(view: ChatWindow) -> None:
        view.root.geometry("820x460+40+30")
        view.root.update()
        seen.append(view.root.geometry())

    run_main(server, monkeypatch, move)
    assert seen[1] == "820x460+40+30"
    assert store.load().windows["full"] == "820x460+40+30"
    run_main(server, monkeypatch, lambda view: seen.append(view.root.geometry()))
    assert seen[2] == "820x460+40+30"  # opened where it was left


@pytest.mark.gui
@pytest.mark.timeout(60)
def test_placement_bad_value_in_settings_is_ignored(
        server: ServerHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCALCHAT_CONFIG_DIR", str(tmp_path))
    (tmp_path / "settings.json").write_text('{"windows": {"full": "huge"}}')
    seen: list[str] = []
    run_main(server, monkeypatch, lambda view: seen.append(view.root.geometry()))
    shown = parse_placement(seen[0])
    assert shown is not None and (shown.width, shown.height) == ChatWindow.size
    assert SettingsStore(tmp_path).load().windows == {"full": seen[0]}
