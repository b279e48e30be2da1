"""The link to the server: one connection at a time, its queue drained on the UI thread, the
keepalive, the reconnect backoff, and timers that end with the connection they belong to."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from typing import Protocol

from app.models import events as ev
from app.views.base import ChatView, Scheduled
from ircproto.message import Message

POLL_MS = 40
BATCH_LIMIT = 200
BATCH_BUDGET_S = 0.006
"""A batch also ends when its lines took this long to handle, so that handling plus showing
them stays well inside one frame budget however costly each line is."""
BACKOFF_SECONDS = (1, 2, 4, 8, 16, 30)
KEEPALIVE_MS = 60_000
"""Silence this long makes us PING the server; twice this long means the link is dead."""


class ConnectionLike(Protocol):
    """What the link needs of a connection (Connection, or the tests' FakeConnection)."""

    events: queue.Queue[object]

    def start(self) -> None: ...

    def send(self, message: Message) -> None: ...

    def trust_certificate(self, trusted: bool) -> None: ...

    def close(self) -> None: ...

    def wait_closed(self, timeout: float = ...) -> bool: ...


ConnectionFactory = Callable[[str, int, bool], ConnectionLike]
"""Makes a connection to (host, port, tls)."""


class Link:
    """Opens connections with the factory and hands each queued item to handle (then calls
    after_batch once per batch), on the view's thread. connected follows the drained events
    (ConnectionOpened until a close or failure), never the reader thread's own state."""

    def __init__(self, view: ChatView, factory: ConnectionFactory,
                 handle: Callable[[object], None], after_batch: Callable[[], None],
                 on_silent: Callable[[int], None],
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self._view = view
        self._clock = clock
        self._factory = factory
        self._handle = handle
        self._after_batch = after_batch
        self._on_silent = on_silent
        self._connection: ConnectionLike | None = None
        self._connected = False
        self._registered = False
        self._heard = False
        self._pinged = False
        self._attempt = 0
        self._poll: Scheduled | None = None
        self._timers: list[Scheduled] = []
        """Timers of the current connection: cancelled when it is dropped."""
        self._later: list[Scheduled] = []
        """Timers that outlive a connection (reconnect, ask again): cancelled on close()."""
        self._last: ConnectionLike | None = None
        self._closed = False

    @property
    def connection(self) -> ConnectionLike | None:
        """The current connection (None between a drop and the next open)."""
        return self._connection

    @property
    def connected(self) -> bool:
        """True between the ConnectionOpened we drained and the connection's end."""
        return self._connected

    @property
    def attempt(self) -> int:
        """How many reconnects were scheduled since the last registration."""
        return self._attempt

    def open(self, host: str, port: int, tls: bool) -> None:
        """Drop any connection, start a new one to host:port, keep it alive, poll its queue."""
        self.drop()
        self._connection = self._factory(host, port, tls)
        self._connection.start()
        self._heard, self._pinged = True, False
        self.while_open(KEEPALIVE_MS, self._keepalive)
        if self._poll is None and not self._closed:
            self._poll = self._view.schedule(POLL_MS, self._drain)

    def send(self, message: Message) -> None:
        """Queue message on the current connection (dropped when there is none)."""
        if self._connection is not None:
            self._connection.send(message)

    def registered(self) -> None:
        """The server welcomed us: the keepalive starts to PING, the backoff starts over."""
        self._registered, self._attempt = True, 0

    def drop(self) -> None:
        """Close the current connection (without waiting) and cancel its timers."""
        for timer in self._timers:
            timer.cancel()
        self._timers = []
        if self._connection is not None:
            self._connection.close()
        self._connection, self._connected, self._registered = None, False, False

    def close(self) -> None:
        """The end: drop the connection, stop polling, cancel every timer."""
        self._last = self._connection
        self.drop()
        self._closed = True
        for timer in [self._poll, *self._later]:
            if timer is not None:
                timer.cancel()
        self._poll, self._later = None, []

    def wait_closed(self, timeout: float) -> bool:
        """After close(): wait at most timeout for the last connection's threads."""
        return self._last is None or self._last.wait_closed(timeout)

    def while_open(self, delay_ms: int, callback: Callable[[], None]) -> Scheduled:
        """Run callback after delay_ms unless this connection is dropped first."""
        return self._schedule(self._timers, delay_ms, callback)

    def later(self, delay_ms: int, callback: Callable[[], None]) -> Scheduled:
        """Run callback after delay_ms unless the link is closed first."""
        return self._schedule(self._later, delay_ms, callback)

    def _schedule(self, timers: list[Scheduled], delay_ms: int,
                  callback: Callable[[], None]) -> Scheduled:
        """Schedule callback, kept in timers until it runs."""
        def run() -> None:
            if timer in timers:
                timers.remove(timer)
            callback()

        timer = self._view.schedule(delay_ms, run)
        timers.append(timer)
        return timer

    def retry(self, reconnect: Callable[[], None]) -> tuple[int, int]:
        """Schedule reconnect after the next backoff delay: (delay in seconds, attempt)."""
        delay = BACKOFF_SECONDS[min(self._attempt, len(BACKOFF_SECONDS) - 1)]
        self._attempt += 1
        self.later(delay * 1000, reconnect)
        return delay, self._attempt

    def _drain(self) -> None:
        """Handle at most BATCH_LIMIT queued items (fewer when BATCH_BUDGET_S runs out), then
        after_batch, and come back: at once when there may be more, else after POLL_MS."""
        self._poll = None
        handled = 0
        connection = self._connection
        ends = self._clock() + BATCH_BUDGET_S
        more = False
        while connection is not None and connection is self._connection and not self._closed:
            if handled >= BATCH_LIMIT or (handled and self._clock() > ends):
                more = True
                break
            try:
                item = connection.events.get_nowait()
            except queue.Empty:
                break
            handled += 1
            self._heard = True
            if isinstance(item, ev.ConnectionOpened):
                self._connected = True
            elif isinstance(item, (ev.ConnectionClosed, ev.ConnectFailed)):
                self._connected = False
            self._handle(item)
        if self._closed:
            return
        self._after_batch()
        if not self._closed:
            self._poll = self._view.schedule(0 if more else POLL_MS, self._drain)

    def _keepalive(self) -> None:
        """Every KEEPALIVE_MS: PING after a silent interval; report the link dead after two.
        Before registration (a certificate question may take a while) it only waits."""
        if self._registered and self._connected:
            if self._heard:
                self._heard, self._pinged = False, False
            elif not self._pinged:
                self._pinged = True
                self.send(Message("PING", ("localchat",)))
            else:
                self._on_silent(2 * KEEPALIVE_MS // 1000)
                return
        self.while_open(KEEPALIVE_MS, self._keepalive)
