"""The window is LocalChat's own to the desktop: WM_CLASS ('localchat', 'Localchat'), the
.desktop file's id and StartupWMClass (Tk title-cases the class), our icon (not ttkbootstrap's)
in _NET_WM_ICON, and macOS's Quit / Cmd+Q take the same path as the window's X."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PIL import Image
from Xlib.display import Display

from app.assets import ICON_PNG, WM_CLASS, WM_INSTANCE
from app.views.quitkeys import MAC_QUIT, bind_quit
from app.views.window import ChatWindow
from tests.app.views.realview import close_real_view, make_real_view
from tests.gui.driver import RecordingActions, pump


@pytest.fixture
def window() -> Iterator[tuple[ChatWindow, RecordingActions]]:
    view = make_real_view("full")
    actions = RecordingActions()
    view.bind(actions)
    pump(view)
    yield view, actions
    close_real_view(view)


@pytest.mark.gui
def test_desktop_identity_wm_class_and_our_icon(window) -> None:
    view, _ = window
    view.root.update()
    display = Display()
    try:
        inner = display.create_resource_object("window", view.root.winfo_id())
        top = inner.query_tree().parent  # Tk's wrapper: the window the WM manages
        assert top.get_wm_class() == (WM_INSTANCE, WM_CLASS) == ("localchat", "Localchat")
        icon = top.get_full_property(display.intern_atom("_NET_WM_ICON"), 0)
        assert icon is not None
        width, height = icon.value[0], icon.value[1]
        with Image.open(ICON_PNG) as ours:
            assert (width, height) == ours.size == (256, 256)
            r, g, b, a = ours.convert("RGBA").getpixel((128, 20))
        argb = icon.value[2 + 20 * width + 128]  # the blue tile near the top edge
        assert (argb >> 16 & 255, argb >> 8 & 255, argb & 255, argb >> 24 & 255) == (r, g, b, a)
    finally:
        display.close()


@pytest.mark.gui
def test_desktop_identity_mac_quit_goes_where_the_x_goes(window) -> None:
    view, actions = window
    view.root.tk.call(MAC_QUIT)
    assert actions.calls[-1] == ("on_close", ())


class FakeRoot:
    """What bind_quit touches of a Tk root, on a chosen windowing system."""

    def __init__(self, system: str) -> None:
        self.system, self.commands, self.bindings = system, {}, {}
        self.tk = self

    def call(self, *args: str) -> str:
        assert args == ("tk", "windowingsystem")
        return self.system

    def createcommand(self, name, func) -> None:
        self.commands[name] = func

    def bind(self, sequence, func) -> None:
        self.bindings[sequence] = func


@pytest.mark.parametrize("system, keys", [("aqua", {"<Command-q>", "<Command-Q>"}),
                                          ("x11", set()), ("win32", set())])
def test_desktop_identity_cmd_q_is_bound_on_aqua_only(system, keys) -> None:
    root, closed = FakeRoot(system), []
    bind_quit(root, lambda: closed.append(True))
    assert set(root.bindings) == keys
    root.commands[MAC_QUIT]()
    for binding in root.bindings.values():
        binding(None)
    assert closed == [True] * (1 + len(keys))
