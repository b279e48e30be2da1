"""Make a real view (under Xvfb) and close it afterwards, failing on errors its Tk callbacks
raised."""

from __future__ import annotations

from app.views import view_factory
from app.views.window import ChatWindow


def make_real_view(name: str, theme: str = "light") -> ChatWindow:
    view = view_factory(name)(theme)
    assert isinstance(view, ChatWindow)
    return view


def close_real_view(view: ChatWindow) -> None:
    errors = list(view.callback_errors)
    if not view.closed:
        view.close()
    assert errors == [], f"Tk callbacks raised: {errors!r}"
