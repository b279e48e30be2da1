"""Helpers that drive a real ttkbootstrap view from a test: keys, clicks, dialogs, screenshots.

A modal dialog blocks inside Tcl, so answers are scheduled with `after` before it opens; every
wait is bounded.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from app.views.dialogs import ModalDialog
from app.views.window import ChatWindow

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
POLL_MS = 20
DIALOG_DEADLINE_S = 15.0


class RecordingActions:
    """ViewActions that record what the view reported."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[object, ...]]] = []
        self.typed: list[str] = []
        """What on_input_changed reported, apart from calls (it comes with every key)."""

    def _record(self, name: str, *args: object) -> None:
        self.calls.append((name, args))

    def on_send(self, text: str) -> None:
        self._record("on_send", text)

    def on_users(self) -> None:
        self._record("on_users")

    def on_escape(self) -> None:
        self._record("on_escape")

    def on_close(self) -> None:
        self._record("on_close")

    def on_theme_changed(self, theme: str) -> None:
        self._record("on_theme_changed", theme)

    def on_switch(self, name: str) -> None:
        self._record("on_switch", name)

    def on_account(self) -> None:
        self._record("on_account")

    def on_input_changed(self, text: str) -> None:
        self.typed.append(text)
    def on_notify_mode(self, name: str, mode: str) -> None:
        self._record("on_notify_mode", name, mode)

    def on_do_not_disturb(self, on: bool) -> None:
        self._record("on_do_not_disturb", on)

    def on_search(self, text: str) -> None:
        self._record("on_search", text)

    def on_search_pick(self, hit: object) -> None:
        self._record("on_search_pick", hit)

    def on_reply(self, entry: object) -> None:
        self._record("on_reply", entry)

    def on_cancel_reply(self) -> None:
        self._record("on_cancel_reply")

    def on_react(self, entry: object, reaction: str) -> None:
        self._record("on_react", entry, reaction)

    def on_delete(self, entry: object) -> None:
        self._record("on_delete", entry)

    def on_preferences(self) -> None:
        self._record("on_preferences")

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


def pump(view: ChatWindow, rounds: int = 3) -> None:
    """Let Tk process what is pending."""
    for _ in range(rounds):
        view.root.update()


def press(widget, key: str) -> None:
    """Give widget the focus and send it a key, as the keyboard would."""
    widget.focus_force()
    widget.update()
    widget.event_generate(key, when="now")
    widget.update()


def click(widget, x: int, y: int) -> None:
    """A left click at (x, y) in widget, as the mouse sends it."""
    for kind in ("<ButtonPress-1>", "<ButtonRelease-1>"):
        widget.event_generate(kind, x=x, y=y, when="now")
    widget.update()


def pick_conversation(view: ChatWindow, name: str) -> None:
    """Choose the conversation name the way a user would: a click on its row in the full
    window's sidebar, or its entry in the compact window's menu."""
    if view.compact:
        index = view.conversation_menu.entry_index(name)
        assert index >= 0, f"{name} is not in the conversation menu"
        view.conversation_menu.menu.invoke(index)
        return
    tree = view.conversation_list.tree
    row = view.conversation_list.row_of(name)
    assert row, f"{name} is not in the conversation list"
    tree.update()
    tree.see(row)
    x, y, width, height = tree.bbox(row)
    click(tree, x + width // 3, y + height // 2)


def when_dialog(view: ChatWindow, act: Callable[[ModalDialog], None],
                failures: list[str]) -> None:
    """Once a dialog is open and visible on view, run act(dialog). Failures (no dialog before the
    deadline, or act raising) are appended to failures, and the dialog is cancelled so the test
    does not hang."""
    deadline = time.monotonic() + DIALOG_DEADLINE_S

    def poll() -> None:
        dialog = view.active_dialog
        if dialog is not None and dialog.is_open and dialog.top.winfo_viewable():
            dialog.top.update()
            try:
                act(dialog)
            except Exception as error:  # reported by the test, never swallowed
                failures.append(f"{type(error).__name__}: {error}")
                dialog.cancel()
            return
        if time.monotonic() > deadline:
            failures.append("no dialog opened before the deadline")
            if dialog is not None:
                dialog.cancel()
            return
        view.root.after(POLL_MS, poll)

    view.root.after(POLL_MS, poll)


def enter(dialog: ModalDialog) -> None:
    """Press Enter in a dialog."""
    press(dialog.focus_widget(), "<Return>")


def escape(dialog: ModalDialog) -> None:
    """Press Escape in a dialog."""
    press(dialog.focus_widget(), "<Escape>")


def screenshot(window, name: str) -> Path:
    """Save the window (a Tk toplevel, drawn on the X display) as tests/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    window.update()
    path = SCREENSHOTS / f"{name}.png"
    subprocess.run(["import", "-window", "root", "-crop", _crop(window), "+repage", str(path)],
                   check=True, timeout=30, capture_output=True)
    return path


def _crop(window) -> str:
    return (f"{window.winfo_width()}x{window.winfo_height()}"
            f"+{window.winfo_rootx()}+{window.winfo_rooty()}")
