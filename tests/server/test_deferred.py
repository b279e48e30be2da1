"""Deferred work (Context.defer): it runs without the state lock, its Finish runs under it before
the client's next line, a Finish may defer again, and labels span the whole command."""

from __future__ import annotations

import pytest

from ircproto.message import Message
from server.commands import COMMANDS, Command
from server.commands.base import Context, Finish
from tests.server.fakes import Harness, commands


@pytest.fixture
def harness(monkeypatch) -> Harness:
    h = Harness()
    seen: list[str] = []

    def work(step: int) -> Finish:
        assert not h.state.lock.locked()
        seen.append(f"work {step}")

        def finish(ctx: Context) -> None:
            assert h.state.lock.locked()
            seen.append(f"finish {step}")
            if step == 1:
                ctx.defer(lambda: work(2))
            else:
                ctx.notice("done")

        return finish

    # XTEST: a test-only command whose work is two deferred steps
    def handle_xtest(ctx: Context, message: Message) -> None:
        ctx.notice("started")
        ctx.defer(lambda: work(1))

    monkeypatch.setitem(COMMANDS, "XTEST", Command(handle_xtest, registered=False))
    h.seen = seen  # type: ignore[attr-defined]
    return h


def test_deferred_steps_run_in_order_before_the_next_line(harness):
    client = harness.connect()
    replies = harness.send(client, "XTEST", "PING after")
    assert [m.params[-1] for m in replies] == ["started", "done", "after"]
    assert harness.seen == ["work 1", "finish 1", "work 2", "finish 2"]
    assert harness.bugs == []


def test_deferred_labeled_command_is_one_labeled_batch(harness):
    client = harness.connect()
    harness.send(client, "CAP REQ :labeled-response batch")
    replies = harness.send(client, "@label=x XTEST")
    assert commands(replies) == ["BATCH", "NOTICE", "NOTICE", "BATCH"]
    assert replies[0].tags["label"] == "x"
