"""The TCP shell: a ThreadingTCPServer with one reader thread per client, plus the API for tests.

    from server.config import ServerConfig
    from server.tcp import start_server_thread

    with start_server_thread(ServerConfig(host="127.0.0.1", port=0)) as handle:
        host, port = handle.server_address     # the real port the server is bound to
        ...                                    # connect real sockets to (host, port)
    # leaving the block (or handle.stop()) sends every client `ERROR :Server shutting down`,
    # closes every socket and joins every thread. Bugs seen while running (handler exceptions)
    # are recorded: stop() then raises ServerBugsError, unless the test took them first with
    # handle.take_errors(). Pass record_errors=False to only log them.

Each reader thread does recv -> LineDecoder -> dispatch (decides and queues every recipient's
lines under the state lock, so each client sees them in lock order) -> flush (sends, after it).
Lines that are not valid UTF-8 are dropped with `FAIL <command> INVALID_UTF8 :...` (the IRCv3
UTF8ONLY behaviour; there is no fallback encoding): a client that sends Latin-1 learns why.
Too-long lines get 417 ERR_INPUTTOOLONG, unparsable ones 400 ERR_UNKNOWNERROR.
"""

from __future__ import annotations

import logging
import socket
import socketserver
import threading
import time
from types import TracebackType
from typing import Any

from ircproto.framing import LineDecoder
from ircproto.message import Message
from server.commands import INTERNAL_ERROR, disconnect, dispatch
from server.config import ServerConfig
from server.connection import Connection, Writer
from server.liveness import check_liveness, check_period
from server.state import Client, State

log = logging.getLogger(__name__)
SHUTTING_DOWN = "Server shutting down"
RECV_SIZE = 16384
# A fixed kernel send buffer (Linux doubles it) instead of autotuning up to 4 MB, so a stopped
# reader fills its SendQ and is dropped soon, with a bounded amount of memory held for it.
SOCKET_SNDBUF = 64 * 1024
FINISH_TIMEOUT = 1.0  # how long a closing connection may take to flush its last lines
STOP_TIMEOUT = 1.5  # how long stop() waits for reader threads
ACCEPT_POLL = 0.05  # how often serve_forever checks for shutdown (stop() waits this long)


class ServerBugsError(AssertionError):
    """Raised by ServerHandle.stop() when the server hit bugs (unexpected exceptions)."""


class ClientHandler(socketserver.BaseRequestHandler):
    """One client: read lines, dispatch them, and clean up however the connection ends."""

    server: IRCServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_SNDBUF)
        server, state = self.server, self.server.state
        connection = Connection(sock, server.writer, server.config.sendq)
        if not server.track(connection):
            return
        host = format_host(self.client_address[0])
        with state.lock:
            client = state.add_client(connection, host)
        log.info("connection from %s:%s", host, self.client_address[1])
        try:
            try:
                reason, error = self.read_loop(connection, client)
            except Exception as exc:
                server.report_bug(exc, f"reading from {client.prefix}")
                reason = error = INTERNAL_ERROR
            disconnect(state, client, reason).flush()
            log.info("%s left: %s", client.prefix if client.registered else host, reason)
            last_line = Message("ERROR", (error,)).encode() if error else None
            connection.finish(last_line, FINISH_TIMEOUT)
        finally:
            connection.finish(None, 0)
            server.untrack(connection)

    def read_loop(self, connection: Connection, client: Client) -> tuple[str, str]:
        """Read until the connection ends; returns (QUIT reason, ERROR text or '')."""
        decoder, state = LineDecoder(), self.server.state
        was_registered = False
        while True:
            try:
                data = connection.sock.recv(RECV_SIZE)
            except ConnectionResetError:
                data, lost = b"", "Connection reset by peer"
            except OSError as error:
                data, lost = b"", f"Connection error: {error.strerror or error}"
            else:
                lost = "Connection closed"
            if connection.close_reason:
                return connection.close_reason, connection.close_reason
            if not data:
                return lost, ""
            items = decoder.feed(data)
            if log.isEnabledFor(logging.DEBUG):
                for item in items:
                    shown = item.format() if isinstance(item, Message) else repr(item)
                    log.debug("%s <- %s", client.nick, shown)
            ctx = dispatch(state, client, items)
            ctx.out.flush()
            if client.registered and not was_registered:
                was_registered = True
                log.info("%s registered", client.prefix)
            if ctx.close_reason:
                return ctx.close_reason, ctx.close_error


def format_host(address: str) -> str:
    """The host part of nick!user@host: an IPv6 address must not start with ':'."""
    return "0" + address if address.startswith(":") else address


class IRCServer(socketserver.ThreadingTCPServer):
    """The LocalChat IRC server. Binds in the constructor; start() runs it in threads."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024  # socketserver's default of 5 drops SYNs when many join at once

    def __init__(self, config: ServerConfig, record_errors: bool = False) -> None:
        self.config = config
        self.state = State(config)
        self.writer = Writer()
        self.record_errors = record_errors
        self.errors: list[BaseException] = []
        self.stopping = False
        self._lock = threading.Lock()
        self._connections: set[Connection] = set()
        self._client_threads: set[threading.Thread] = set()
        self._stop_event = threading.Event()
        self._reaper = threading.Thread(target=self._reap, name="irc-liveness", daemon=True)
        if ":" in config.host:
            self.address_family = socket.AF_INET6
        self.state.error_hook = self.record_error
        try:
            super().__init__((config.host, config.port), ClientHandler)
        except BaseException:
            self.writer.close()
            raise

    def start(self) -> None:
        """Start the writer and liveness threads (serve_forever runs wherever the caller likes)."""
        self.writer.start()
        self._reaper.start()

    def process_request(self, request: Any, client_address: Any) -> None:
        name = f"irc-client-{client_address[0]}:{client_address[1]}"
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), name=name,
            daemon=True,
        )
        with self._lock:
            if self.stopping:
                self.shutdown_request(request)
                return
            self._client_threads.add(thread)
        thread.start()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._lock:
                self._client_threads.discard(threading.current_thread())

    def track(self, connection: Connection) -> bool:
        with self._lock:
            if self.stopping:
                return False
            self._connections.add(connection)
            return True

    def untrack(self, connection: Connection) -> None:
        with self._lock:
            self._connections.discard(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """socketserver calls this for exceptions escaping a handler: log and record them."""
        import sys

        error = sys.exc_info()[1]
        log.error("error serving %s", client_address, exc_info=True)
        if error is not None:
            self.record_error(error)

    def report_bug(self, error: BaseException, doing: str) -> None:
        log.error("bug while %s", doing, exc_info=(type(error), error, error.__traceback__))
        self.record_error(error)

    def record_error(self, error: BaseException) -> None:
        if self.record_errors:
            with self._lock:
                self.errors.append(error)

    def _reap(self) -> None:
        period = check_period(self.state)
        while not self._stop_event.wait(period):
            try:
                out, drops = check_liveness(self.state, self.state.clock())
                out.flush()
                for client, reason in drops:
                    log.info("dropping %s: %s", client.prefix, reason)
                    client.outbox.abort(reason)
            except Exception as error:
                self.report_bug(error, "checking liveness")

    def stop(self) -> None:
        """Tell every client, close every socket, join every thread. Call from another thread
        than serve_forever's."""
        with self._lock:
            self.stopping = True
            connections = list(self._connections)
        self.shutdown()
        self.server_close()
        farewell = Message("ERROR", (SHUTTING_DOWN,)).encode()
        for connection in connections:  # first all, so nobody hears of the others leaving
            connection.write_final(farewell)
        for connection in connections:
            connection.push()
            connection.abort(SHUTTING_DOWN)
        self._join_clients()
        self._stop_event.set()
        if self._reaper.is_alive():
            self._reaper.join(2.0)
        self.writer.stop()
        log.info("server stopped")

    def _join_clients(self) -> None:
        deadline = time.monotonic() + STOP_TIMEOUT
        with self._lock:
            threads = list(self._client_threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            leftovers = list(self._connections)
        for connection in leftovers:  # a reader that did not finish in time
            log.warning("a client thread did not end in time; shutting its socket down")
            try:
                connection.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class ServerHandle:
    """A running server (see the module docstring): server_address, state, stop()."""

    def __init__(self, server: IRCServer) -> None:
        self.server = server
        self._thread = threading.Thread(
            target=server.serve_forever, args=(ACCEPT_POLL,), name="irc-accept", daemon=True
        )
        self._stopped = False

    @property
    def server_address(self) -> tuple[str, int]:
        host, port = self.server.server_address[:2]
        return str(host), int(port)

    @property
    def state(self) -> State:
        return self.server.state

    def start(self) -> ServerHandle:
        self.server.start()
        self._thread.start()
        return self

    def take_errors(self) -> list[BaseException]:
        """The bugs recorded so far (and forget them, so stop() does not raise for them)."""
        with self.server._lock:
            errors, self.server.errors = self.server.errors, []
        return errors

    def stop(self, raise_errors: bool = True) -> None:
        """Stop the server and join its threads; raise ServerBugsError if bugs were recorded."""
        if not self._stopped:
            self._stopped = True
            self.server.stop()
            self._thread.join(2.0)
        errors = self.take_errors()
        if errors and raise_errors:
            raise ServerBugsError(f"the server hit {len(errors)} bug(s): {errors!r}") from errors[0]

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop(raise_errors=kind is None)


def start_server_thread(config: ServerConfig, record_errors: bool = True) -> ServerHandle:
    """Bind (raises OSError if the address is in use) and serve in background threads."""
    return ServerHandle(IRCServer(config, record_errors)).start()
