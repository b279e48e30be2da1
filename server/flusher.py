"""Who sends queued output: one thread at a time pushes every connection lines were queued for.

A thread that has queued lines (after the state lock) hands the recipients to the Flusher. When
nobody is flushing, that thread flushes them itself at once (no added latency under a trickle);
when another thread is flushing, it only adds them to the pending list and goes back to its own
client: the flushing thread takes them in its next round. So under load the lines of several
messages wait in a recipient's buffer for the one send() that takes them all, and only one
thread at a time releases the GIL once per send. A reader thread flushes at most ROUNDS rounds,
then hands what is still pending to the writer thread, so its own client is not kept waiting.

Order is the connections' business: each Connection queues in state-lock order and sends under
its own lock, whoever calls push(); a connection queued since its last push is marked
(its queue is not empty), so a recipient named by several pending lists is pushed once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sized
from typing import Protocol

from server.state import Client

ROUNDS = 4  # rounds a reader thread flushes for others before the writer thread takes over


class Marked(Protocol):
    """A connection's outbox as the Flusher sees it (server.connection.Connection)."""

    inbox: Sized  # what was queued since its last push()

    def push(self) -> None: ...


class Flusher:
    """The pending recipients and whether a thread is flushing them; wake() calls the writer."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self._lock = threading.Lock()
        self._pending: list[Iterable[Client]] = []
        self._flushing = False
        self._handed_over = False  # the writer thread is to take the pending lists
        self._wake = wake

    def push_all(self, groups: Iterable[Iterable[Client]]) -> None:
        """Have every client in groups pushed: now by this thread, or soon by the one flushing."""
        with self._lock:
            self._pending.extend(groups)
            if self._flushing:
                return
            self._flushing = True
        if self._rounds():
            self._wake()

    @property
    def handed_over(self) -> bool:
        return self._handed_over

    def take_over(self) -> bool:
        """From the writer thread: flush what a reader handed over; True if some is left (call
        again after a look at the sockets)."""
        with self._lock:
            if not self._handed_over:
                return False
            self._handed_over = False
        return self._rounds()

    def _rounds(self) -> bool:
        """Flush pending lists, at most ROUNDS rounds; True when some are still pending: they
        are then handed over to the writer thread (still flushing, so nobody else starts)."""
        try:
            for _ in range(ROUNDS):
                with self._lock:
                    groups = self._pending
                    if not groups:
                        self._flushing = False
                        return False
                    self._pending = []
                push_marked(groups)
        except BaseException:  # a bug in a push: the next pusher takes what is pending
            with self._lock:
                self._flushing = False
            raise
        with self._lock:
            if self._pending:
                self._handed_over = True
                return True
            self._flushing = False
            return False


def push_marked(groups: list[Iterable[Client]]) -> None:
    """push() each outbox in groups queued since its last push (once, however often named)."""
    for group in groups:
        for client in group:
            outbox: Marked = client.outbox  # type: ignore[assignment]
            if outbox.inbox:
                outbox.push()
