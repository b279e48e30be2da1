"""server.flusher: one thread at a time pushes; a second pusher only leaves its recipients to
it; after ROUNDS rounds the writer thread takes over. Bytes still all arrive, in order."""

from __future__ import annotations

import itertools
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from server.connection import Connection, Writer
from server.flusher import ROUNDS, Flusher

DEADLINE = 5.0


class MarkedOutbox:
    """Records which thread pushed it; a push may block until released, or run a hook."""

    def __init__(self, name: str, log: list[tuple[str, str]]) -> None:
        self.name, self.log = name, log
        self.inbox = [b"queued\r\n"]  # what push() would send
        self.entered = threading.Event()
        self.release: threading.Event | None = None
        self.hook: Callable[[], None] | None = None

    def push(self) -> None:
        self.inbox = []
        self.log.append((self.name, threading.current_thread().name))
        self.entered.set()
        if self.release is not None:
            assert self.release.wait(DEADLINE)
        if self.hook is not None:
            self.hook()


@dataclass(eq=False)
class Recipient:
    outbox: MarkedOutbox


def test_a_second_pusher_leaves_its_recipients_to_the_thread_flushing():
    log: list[tuple[str, str]] = []
    flusher = Flusher(lambda: None)
    a, b = MarkedOutbox("a", log), MarkedOutbox("b", log)
    a.release = threading.Event()
    first = threading.Thread(target=flusher.push_all, args=([[Recipient(a)]],), name="first")
    first.start()
    assert a.entered.wait(DEADLINE)  # "first" is inside a's push
    b_twice = [Recipient(b), Recipient(b)]
    flusher.push_all([b_twice, [Recipient(a)]])  # returns at once: "first" is flushing
    assert log == [("a", "first")]
    a.inbox.append(b"again\r\n")  # queued again meanwhile
    a.release.set()
    first.join(DEADLINE)
    assert log == [("a", "first"), ("b", "first"), ("a", "first")]  # b once, though named twice


def test_a_recipient_with_nothing_queued_is_skipped():
    log: list[tuple[str, str]] = []
    flusher = Flusher(lambda: None)
    a = MarkedOutbox("a", log)
    a.inbox = []  # someone pushed it since it was queued
    flusher.push_all([[Recipient(a)]])
    assert log == []


def test_after_its_rounds_a_reader_hands_the_rest_to_the_writer_thread():
    writer = Writer()
    writer.start()
    try:
        log: list[tuple[str, str]] = []
        outboxes = [MarkedOutbox(str(i), log) for i in range(ROUNDS + 2)]
        for this, following in itertools.pairwise(outboxes):
            # while this one is pushed, another thread queues to the next one
            this.hook = lambda following=following: writer.flusher.push_all(
                [[Recipient(following)]])
        writer.flusher.push_all([[Recipient(outboxes[0])]])
        assert outboxes[-1].entered.wait(DEADLINE)
        pushed_by = [thread for _, thread in log]
        main = threading.current_thread().name
        assert pushed_by == [main] * ROUNDS + ["irc-writer"] * 2
    finally:
        writer.stop()


def test_concurrent_pushers_deliver_every_line_in_lock_order():
    """Four threads queue under one lock (the state lock's part) and push after it; the peer
    reads every line, in the order the lock gave them."""
    writer = Writer()
    writer.start()
    ours, theirs = socket.socketpair()
    theirs.settimeout(DEADLINE)
    try:
        connection = Connection(ours, writer, sendq=10_000_000)
        recipient = Recipient(connection)  # type: ignore[arg-type]
        state_lock = threading.Lock()
        decided: list[bytes] = []

        def sender(n: int) -> None:
            for i in range(500):
                with state_lock:
                    line = f"PRIVMSG #x :{n} {i}\r\n".encode()
                    decided.append(line)
                    connection.queue(line)
                connection.push_all([[recipient]])

        threads = [threading.Thread(target=sender, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DEADLINE)
        expected = b"".join(decided)
        got = bytearray()
        while len(got) < len(expected):
            chunk = theirs.recv(65536)
            assert chunk, "closed early"
            got += chunk
        assert bytes(got) == expected
    finally:
        writer.stop()
        ours.close()
        theirs.close()


@pytest.mark.parametrize("final", [b"ERROR :bye\r\n", b""])
def test_lines_queued_before_the_final_line_go_first(final: bytes):
    writer = Writer()
    writer.start()
    ours, theirs = socket.socketpair()
    theirs.settimeout(DEADLINE)
    try:
        connection = Connection(ours, writer, sendq=10_000)
        connection.queue(b"one\r\n")  # queued, not pushed yet
        connection.write_final(final)
        connection.queue(b"late\r\n")  # refused: after the final line
        assert connection.finish(None, timeout=DEADLINE)
        ours.shutdown(socket.SHUT_WR)
        got = bytearray()
        while chunk := theirs.recv(100):
            got += chunk
        assert bytes(got) == b"one\r\n" + final
    finally:
        writer.stop()
        ours.close()
        theirs.close()

