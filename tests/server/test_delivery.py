"""Outgoing batches: queued in order under the lock, one encoding per message, one queue and
one push per client."""

from __future__ import annotations

from collections.abc import Iterable

from ircproto.message import Message
from server.commands import dispatch
from server.delivery import Outgoing
from server.flusher import push_marked
from server.state import Client
from tests.server.fakes import Harness


class CountingOutbox:
    def __init__(self) -> None:
        self.queued: list[bytes] = []  # everything queued, in order
        self.inbox: list[bytes] = []  # queued since the last push (push_marked looks at it)
        self.pushes = 0

    def queue(self, data: bytes) -> None:
        self.queued.append(data)
        self.inbox.append(data)

    def push(self) -> None:
        self.pushes += 1
        self.inbox.clear()

    def push_all(self, groups: Iterable[Iterable[Client]]) -> None:
        push_marked(list(groups))  # as the Flusher does, in this thread

    def write(self, data: bytes) -> None:
        raise AssertionError("Outgoing must queue, then push")

    def abort(self, reason: str) -> None:
        raise AssertionError("not expected")


def test_outgoing_batch_queues_in_order_then_pushes_each_client_once():
    h = Harness()
    a = h.state.add_client(CountingOutbox(), "h")
    b = h.state.add_client(CountingOutbox(), "h")
    out = Outgoing()
    out.broadcast([a, b], Message("PRIVMSG", ("#x", "one")))
    out.send(a, Message("PRIVMSG", ("#x", "two")))
    out.broadcast([b, a], Message("PRIVMSG", ("#x", "three")))
    out.commit()
    assert b"".join(a.outbox.queued) == b"PRIVMSG #x one\r\nPRIVMSG #x two\r\nPRIVMSG #x three\r\n"
    assert b"".join(b.outbox.queued) == b"PRIVMSG #x one\r\nPRIVMSG #x three\r\n"
    assert a.outbox.pushes == 0 and out  # committed, not sent yet
    out.flush()
    assert a.outbox.pushes == 1 and b.outbox.pushes == 1
    assert not out


def test_outgoing_broadcast_encodes_once():
    h = Harness()
    clients = [h.state.add_client(CountingOutbox(), "h") for _ in range(3)]
    out = Outgoing()
    out.broadcast(clients, Message("PRIVMSG", ("#x", "shared")))
    out.flush()
    first = clients[0].outbox.queued[0]
    assert all(c.outbox.queued[0] is first for c in clients)


def test_dispatch_queues_under_the_lock_so_a_join_echo_comes_first():
    h = Harness()
    alice, bob = h.connect("alice"), h.connect("bob")
    h.send(alice, "JOIN #x")
    joined = dispatch(h.state, bob, [Message("JOIN", ("#x",))])  # decided, not yet flushed
    spoke = dispatch(h.state, alice, [Message("PRIVMSG", ("#x", "hi"))])
    spoke.out.flush()  # alice's thread flushes first...
    joined.out.flush()
    assert [m.command for m in h.peek(bob)] == ["JOIN", "353", "366", "PRIVMSG"]


class RecordingOutbox(CountingOutbox):
    """Records what happens to it, in order: queue, push, abort."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[str] = []

    def queue(self, data: bytes) -> None:
        self.events.append("queue")
        self.inbox.append(data)

    def push(self) -> None:
        self.events.append("push")
        self.inbox.clear()

    def abort(self, reason: str) -> None:
        self.events.append(f"abort: {reason}")


def test_outgoing_abort_waits_for_flush_after_the_push():
    h = Harness()
    victim = h.state.add_client(RecordingOutbox(), "h")
    out = Outgoing()
    out.abort(victim, "Killed")
    out.send(victim, Message("KILL", ("victim", "bye")))
    assert out
    out.commit()
    assert victim.outbox.events == ["queue"]  # nothing is closed under the lock
    out.flush()
    assert victim.outbox.events == ["queue", "push", "abort: Killed"]
    out.flush()
    assert len(victim.outbox.events) == 3 and not out
