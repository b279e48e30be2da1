"""Views: the view protocol (base.py) and the ttkbootstrap windows that implement it.

The registry below names each view; Tk is imported only when a view is made, so
`import app.views` works without a display.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.views.base import ChatView, ViewFactory

DEFAULT_VIEW = "full"

_DESCRIPTIONS: dict[str, str] = {
    "full": "the chat window: header, log, user pane and input",
    "compact": "log and input only, the user list on demand (small screens)",
}


class UnknownViewError(ValueError):
    """A view name that is not in the registry; the message lists the names there are."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown view {name!r}; choose one of: {', '.join(view_names())}")
        self.name = name


class NoDisplayError(RuntimeError):
    """No window can be opened: there is no display, or it refused the connection."""


def view_names() -> tuple[str, ...]:
    """The names --view accepts, the default first."""
    return tuple(_DESCRIPTIONS)


def describe(name: str) -> str:
    """One line saying what the view named name is."""
    if name not in _DESCRIPTIONS:
        raise UnknownViewError(name)
    return _DESCRIPTIONS[name]


def _make_full(theme: str) -> ChatView:
    from app.views.window import ChatWindow

    return ChatWindow(theme)


def _make_compact(theme: str) -> ChatView:
    from app.views.window import CompactWindow

    return CompactWindow(theme)


_FACTORIES: dict[str, ViewFactory] = {"full": _make_full, "compact": _make_compact}


def view_factory(name: str) -> ViewFactory:
    """The factory of the view named name; UnknownViewError when there is none."""
    try:
        return _FACTORIES[name]
    except KeyError:
        raise UnknownViewError(name) from None


def make_view(name: str, theme: str) -> ChatView:
    """The view named name in theme; UnknownViewError for a bad name, NoDisplayError when Tk
    cannot reach a display."""
    factory = view_factory(name)
    import tkinter

    try:
        return factory(theme)
    except tkinter.TclError as error:
        if "display" not in str(error).lower():
            raise
        raise NoDisplayError(f"LocalChat needs a graphical display ({error})") from error
