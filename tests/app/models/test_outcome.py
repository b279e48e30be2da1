"""Outcome tests: what one step produced, in order."""

from app.models import events as ev
from app.models.outcome import Outcome


def test_outcome_send_and_emit_keep_order():
    out = Outcome()
    out.send("PONG", "tok")
    out.emit(ev.ErrorReceived("a"), ev.ServerNotice("b"))
    out.emit(ev.ServerNotice("c"))
    assert [m.format() for m in out.outgoing] == ["PONG tok"]
    assert out.events == [ev.ErrorReceived("a"), ev.ServerNotice("b"), ev.ServerNotice("c")]
