"""What every listener of one server shares, and the server's life: the state, the writer, the
connection limits and the record of bugs; the liveness thread; and stop(), which ends it all in
order (farewell, sockets, threads, shutdown hooks)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from ircproto.message import Message
from server.config import ServerConfig
from server.connection import SHUTTING_DOWN, Connection, Writer
from server.limits import ConnectionLimits
from server.liveness import check_liveness, check_period
from server.memory import Trimmer, glibc_trim
from server.state import State

log = logging.getLogger(__name__)
STOP_TIMEOUT = 1.5  # how long stop() waits for reader threads


class Accepting(Protocol):
    """A listener, as stop() sees it (server.listener.Listener)."""

    def stop_accepting(self) -> list[Connection]:
        """Accept no more; close the listening socket; the connections still open."""
        ...

    def join_clients(self, deadline: float) -> None:
        """Wait (until deadline) for the reader threads; shut down the sockets of the rest."""
        ...


class Hub:
    """One server's shared parts. Binds nothing itself: listeners are added with add_listener()."""

    def __init__(self, config: ServerConfig, record_errors: bool = False) -> None:
        self.config = config
        self.state = State(config)
        self.writer = Writer(self.state.history)  # output waits for its history's commit
        self.limits = ConnectionLimits(config.max_clients, config.max_per_ip,
                                       config.exempt_loopback)
        self.listeners: list[Accepting] = []
        self.shutdown_hooks: list[Callable[[], None]] = [  # at the end
            self.state.history.close, self.state.accounts.close, self.state.privileges.close,
        ]
        self.record_errors = record_errors
        self._errors: list[BaseException] = []
        self._errors_lock = threading.Lock()
        self._stop_event = threading.Event()
        self.trimmer = Trimmer(glibc_trim())  # the heap given back once clients left
        self._liveness = threading.Thread(target=self._check_liveness, name="irc-liveness",
                                          daemon=True)
        self.state.error_hook = self.record_error

    def add_listener(self, listener: Accepting) -> None:
        self.listeners.append(listener)

    def start(self) -> None:
        """Start the writer and liveness threads (listeners serve wherever the caller likes)."""
        self.writer.start()
        self._liveness.start()

    def discard(self) -> None:
        """Release what the constructor opened, for a hub that never started."""
        self.writer.close()
        self.state.history.close()
        self.state.accounts.close()
        self.state.privileges.close()

    # -- bugs

    def report_bug(self, error: BaseException, doing: str) -> None:
        log.error("bug while %s", doing, exc_info=(type(error), error, error.__traceback__))
        self.record_error(error)

    def record_error(self, error: BaseException) -> None:
        """Note a bug (an unexpected exception) for take_errors(), when recording."""
        if self.record_errors:
            with self._errors_lock:
                self._errors.append(error)

    def take_errors(self) -> list[BaseException]:
        """The bugs recorded so far, forgotten here."""
        with self._errors_lock:
            errors, self._errors = self._errors, []
        return errors

    # -- liveness and stop

    def _check_liveness(self) -> None:
        period = check_period(self.state)
        while not self._stop_event.wait(period):
            try:
                out, drops = check_liveness(self.state, self.state.clock())
                out.flush()
                for client, reason in drops:
                    log.info("dropping %s: %s", client.prefix, reason)
                    client.outbox.abort(reason)
                with self.state.lock:
                    connections = len(self.state.clients)
                self.trimmer.check(connections)  # after the lock: it walks the C heap
            except Exception as error:
                self.report_bug(error, "checking liveness")

    def stop(self) -> None:
        """Tell every client of every listener, flush what they were sent (bounded), close
        every socket, join every thread, run the shutdown hooks. Not from a serve_forever
        thread."""
        connections = [c for listener in self.listeners for c in listener.stop_accepting()]
        farewell = Message("ERROR", (SHUTTING_DOWN,)).encode()
        for connection in connections:  # first all, so nobody hears of the others leaving
            connection.write_final(farewell)
        for connection in connections:
            connection.push()
            connection.abort(SHUTTING_DOWN)  # the reader flushes (FINISH_TIMEOUT), then closes
        deadline = time.monotonic() + STOP_TIMEOUT
        for listener in self.listeners:
            listener.join_clients(deadline)
        self._stop_event.set()
        if self._liveness.is_alive():
            self._liveness.join(2.0)
        self._run_shutdown_hooks()
        self.writer.stop()
        log.info("server stopped")

    def _run_shutdown_hooks(self) -> None:
        """Hooks for work that must end with the server (the history store flushes here)."""
        for hook in self.shutdown_hooks:
            try:
                hook()
            except Exception as error:
                self.report_bug(error, "running a shutdown hook")
