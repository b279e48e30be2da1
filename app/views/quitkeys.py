"""Leaving the app the platform's way goes through the window's own close path: on macOS the
application menu's Quit and Cmd+Q (Tk's ::tk::mac::Quit command, and <Command-q> on Aqua) ask
and leave exactly as Escape and the window's X do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MAC_QUIT = "::tk::mac::Quit"  # what Tk on macOS runs for the app menu's Quit and Cmd+Q


def bind_quit(root: Any, on_close: Callable[[], None]) -> None:
    """Route macOS's Quit to on_close (harmless elsewhere: the command is just never run;
    <Command-q> is bound only on Aqua, where the Command modifier exists)."""
    root.createcommand(MAC_QUIT, on_close)
    if root.tk.call("tk", "windowingsystem") == "aqua":
        root.bind("<Command-q>", lambda _event: on_close())
        root.bind("<Command-Q>", lambda _event: on_close())
