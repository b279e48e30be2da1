"""The fakes stay honest: FakeView has every ChatView method with the same parameters, the
connection fake matches the real Connection, and pump() runs callbacks in due order."""

import inspect

import pytest

from app.controllers.link import ConnectionLike
from app.models.connection import Connection
from app.views.base import ChatView
from tests.fakes import FakeConnection, FakeView


def protocol_methods(protocol: type) -> list[str]:
    return [name for name, value in vars(protocol).items()
            if callable(value) and not name.startswith("_")]


@pytest.mark.parametrize("protocol, fake", [(ChatView, FakeView), (ConnectionLike, Connection),
                                            (ConnectionLike, FakeConnection)])
def test_fakes_match_protocol_signatures(protocol, fake):
    methods = protocol_methods(protocol)
    assert methods, "no methods found on the protocol"
    for name in methods:
        expected = list(inspect.signature(getattr(protocol, name)).parameters)
        actual = list(inspect.signature(getattr(fake, name)).parameters)
        assert actual[: len(expected)] == expected, name


def test_fakeview_pump_runs_due_callbacks_in_order_and_advances_time():
    view = FakeView()
    ran = []
    view.schedule(30, lambda: ran.append("b"))
    view.schedule(10, lambda: ran.append("a"))
    view.schedule(10, lambda: view.schedule(0, lambda: ran.append("a2")))
    assert view.pump(9) == 0
    assert view.pump(1) == 3 and ran == ["a", "a2"]
    assert view.pump(20) == 1 and ran == ["a", "a2", "b"]
    assert view.now_ms == 30 and view.pending == 0


def test_fakeview_pump_stops_a_callback_loop():
    view = FakeView()

    def again():
        view.schedule(0, again)

    view.schedule(0, again)
    with pytest.raises(AssertionError, match="too many"):
        view.pump(0)


def test_fakeview_unscripted_dialog_fails_the_test():
    with pytest.raises(AssertionError):
        FakeView().confirm_exit()
