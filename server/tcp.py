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
Too-long lines get 417 ERR_INPUTTOOLONG, unparsable ones 400 ERR_UNKNOWNERROR, blank lines are
ignored; a line that never ends (more than RUNAWAY_LIMIT bytes without a newline) gets ERROR and
a close. Limits (server.limits) are checked at accept time, before a thread starts: a refused
connection gets one ERROR line and is closed. Each client's commands pass a token bucket: past
it, its reader thread waits (nobody else does); a backlog past FLOOD_BACKLOG is `Excess Flood`.
With config.tls_port a second listener serves TLS (server.tls) sharing the same state and writer.
"""

from __future__ import annotations

import logging
import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from ircproto.framing import LineDecoder, LineError
from ircproto.message import Message
from server.commands import INTERNAL_ERROR, disconnect, dispatch
from server.config import ServerConfig
from server.connection import Connection, Writer
from server.limits import (
    EXCESS_FLOOD,
    RUNAWAY_LINE,
    SERVER_FULL,
    ConnectionLimits,
    TokenBucket,
    exempt,
)
from server.liveness import check_liveness, check_period
from server.state import Client, State
from server.tls import TlsError, TlsSession, context_for

log = logging.getLogger(__name__)
SHUTTING_DOWN = "Server shutting down"
RECV_SIZE = 16384
# A fixed kernel send buffer (Linux doubles it) instead of autotuning up to 4 MB, so a stopped
# reader fills its SendQ and is dropped soon, with a bounded amount of memory held for it.
SOCKET_SNDBUF = 64 * 1024
FINISH_TIMEOUT = 1.0  # how long a closing connection may take to flush its last lines
STOP_TIMEOUT = 1.5  # how long stop() waits for reader threads
FLOOD_BACKLOG = 200  # received commands waiting for the flood bucket before `Excess Flood`
RUNAWAY_LIMIT = 64 * 1024  # bytes without a newline before the connection is closed
HANDSHAKE_TIMEOUT = 10.0  # at most; never longer than the registration timeout
KEEPALIVE = (60, 15, 4)  # TCP keepalive: idle seconds, interval, probes (half-open peers)
DRAIN_TIMEOUT, DRAIN_LIMIT = 1.0, 1 << 20  # reading what a dropped flooder still sends
STILL_SENDING = frozenset({EXCESS_FLOOD, RUNAWAY_LINE})  # reasons a client is mid-send
SECRET_COMMANDS = frozenset({"PASS", "OPER", "AUTHENTICATE"})  # never logged in full
ACCEPT_POLL = 0.05  # how often serve_forever checks for shutdown (stop() waits this long)


class TlsSetupError(Exception):
    """The TLS certificate could not be read or made (a clear message for the command line)."""


class ServerBugsError(AssertionError):
    """Raised by ServerHandle.stop() when the server hit bugs (unexpected exceptions)."""


class ClientHandler(socketserver.BaseRequestHandler):
    """One client: read lines, dispatch them, and clean up however the connection ends."""

    server: IRCServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        configure_socket(sock)
        server, state = self.server, self.server.state
        host = format_host(self.client_address[0])
        tls = self.start_tls(sock, host) if server.tls_context is not None else None
        if server.tls_context is not None and tls is None:
            return
        connection = Connection(sock, server.writer, server.config.sendq, tls)
        if not server.track(connection):
            return
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
            if connection.finish(last_line, FINISH_TIMEOUT) and reason in STILL_SENDING:
                discard_input(connection.sock)
        finally:
            connection.finish(None, 0)
            server.untrack(connection)

    def start_tls(self, sock: socket.socket, host: str) -> TlsSession | None:
        """The TLS handshake, bounded in time; None (logged) when it fails."""
        server = self.server
        assert server.tls_context is not None
        tls = TlsSession(server.tls_context)
        if not server.track_handshake(sock):
            return None
        try:
            timeout = min(HANDSHAKE_TIMEOUT, server.config.registration_timeout)
            tls.handshake(sock, timeout)
        except TlsError as error:
            log.info("TLS connection from %s failed: %s", host, error)
            return None
        finally:
            server.untrack_handshake(sock)
        return tls

    def read_loop(self, connection: Connection, client: Client) -> tuple[str, str]:
        """Read until the connection ends; returns (QUIT reason, ERROR text or '')."""
        decoder, config = LineDecoder(), self.server.config
        bucket = None
        if config.flood_rate > 0 and not exempt(self.client_address[0], config.exempt_loopback):
            bucket = TokenBucket(config.flood_burst, config.flood_rate, time.monotonic())
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
            if connection.tls is not None:
                try:
                    data = connection.tls.decrypt(data)
                except TlsError as error:
                    return str(error), str(error)
                if connection.tls.wants_write:
                    connection.write(b"")  # TLS's own records (e.g. a key update) go out
            items = decoder.feed(data)
            runaway = decoder.unterminated > RUNAWAY_LIMIT
            if log.isEnabledFor(logging.DEBUG):
                for item in items:
                    log.debug("%s <- %s", client.nick, loggable(item))
            ended = self.run_items(connection, client, items, bucket)
            if ended is not None:
                return ended
            if runaway:
                return RUNAWAY_LINE, RUNAWAY_LINE
            if connection.tls is not None and connection.tls.closed:
                return "Connection closed", ""

    def run_items(
        self, connection: Connection, client: Client, items: list[Message | LineError],
        bucket: TokenBucket | None,
    ) -> tuple[str, str] | None:
        """Dispatch items as fast as the flood bucket allows; (reason, error) if it must end."""
        start = 0
        while start < len(items):
            allowed = len(items) - start
            if bucket is not None:
                allowed = bucket.take(allowed, time.monotonic())
                if len(items) - start - allowed > FLOOD_BACKLOG:
                    log.info("%s: excess flood", client.prefix)
                    return EXCESS_FLOOD, EXCESS_FLOOD
                if not allowed:  # this reader waits; abort() or stop() wake it
                    if connection.closing.wait(bucket.wait(time.monotonic())):
                        reason = connection.close_reason or SHUTTING_DOWN
                        return reason, reason
                    continue
            was_registered = client.registered
            ctx = dispatch(self.server.state, client, items[start : start + allowed])
            ctx.out.flush()
            if client.registered and not was_registered:
                log.info("%s registered", client.prefix)
            if ctx.close_reason:
                return ctx.close_reason, ctx.close_error
            start += allowed
        return None


def discard_input(sock: socket.socket) -> None:
    """After the last line to a client that is still sending: half-close, then read and drop
    its input for a moment, so closing with unread data (an RST) does not destroy the ERROR
    line before the client reads it."""
    deadline, total = time.monotonic() + DRAIN_TIMEOUT, 0
    try:
        sock.shutdown(socket.SHUT_WR)
        while total < DRAIN_LIMIT and (remaining := deadline - time.monotonic()) > 0:
            sock.settimeout(remaining)
            data = sock.recv(RECV_SIZE)
            if not data:
                break
            total += len(data)
    except OSError:  # (TimeoutError included) we tried; the socket is closed next anyway
        pass


def loggable(item: Message | LineError) -> str:
    """A received line for the debug log, with passwords and other secrets left out."""
    if isinstance(item, LineError):
        return repr(item)
    if item.verb in SECRET_COMMANDS:
        return f"{item.verb} <redacted>"
    return item.format()


def configure_socket(sock: socket.socket) -> None:
    """No Nagle delay, a bounded send buffer, and keepalive so half-open peers are found."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_SNDBUF)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for option, value in zip(("TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT"), KEEPALIVE):
        if hasattr(socket, option):
            sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, option), value)


def format_host(address: str) -> str:
    """The host part of nick!user@host: an IPv6 address must not start with ':'."""
    return "0" + address if address.startswith(":") else address


class IRCServer(socketserver.ThreadingTCPServer):
    """The LocalChat IRC server. Binds in the constructor; start() runs it in threads.

    A TLS listener is a second IRCServer made with parent= and tls_context=: it shares the
    parent's state, writer, limits and error record; the parent's stop() stops it too."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024  # socketserver's default of 5 drops SYNs when many join at once

    def __init__(
        self, config: ServerConfig, record_errors: bool = False, *,
        parent: IRCServer | None = None, tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.config = config
        self.parent = parent
        self.tls_context = tls_context
        self.state: State = parent.state if parent else State(config)
        self.writer: Writer = parent.writer if parent else Writer()
        self.limits: ConnectionLimits = parent.limits if parent else ConnectionLimits(
            config.max_clients, config.max_per_ip, config.exempt_loopback
        )
        self.children: list[IRCServer] = []
        self.shutdown_hooks: list[Callable[[], None]] = []  # run once every client is gone
        if parent is None:
            self.shutdown_hooks.append(self.state.history.close)  # after the last store
        self.record_errors = record_errors
        self.errors: list[BaseException] = []
        self.stopping = False
        self._lock = threading.Lock()
        self._connections: set[Connection] = set()
        self._handshakes: set[socket.socket] = set()
        self._client_threads: set[threading.Thread] = set()
        self._stop_event = threading.Event()
        self._reaper = threading.Thread(target=self._reap, name="irc-liveness", daemon=True)
        if ":" in config.host:
            self.address_family = socket.AF_INET6
        if parent is None:
            self.state.error_hook = self.record_error
        port = config.port if tls_context is None else (config.tls_port or 0)
        try:
            super().__init__((config.host, port), ClientHandler)
        except BaseException:
            if parent is None:
                self.writer.close()
                self.state.history.close()
            raise
        if parent is not None:
            parent.children.append(self)

    def start(self) -> None:
        """Start the writer and liveness threads (serve_forever runs wherever the caller likes)."""
        if self.parent is None:
            self.writer.start()
            self._reaper.start()

    def process_request(self, request: Any, client_address: Any) -> None:
        """In the accept thread: refuse (ERROR + close) or start the client's thread."""
        name = f"irc-client-{client_address[0]}:{client_address[1]}"
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), name=name,
            daemon=True,
        )
        with self._lock:
            if self.stopping:
                self.shutdown_request(request)
                return
            refusal = self.limits.admit(client_address[0])
            if refusal is not None:
                self.refuse(request, client_address, refusal)
                return
            self._client_threads.add(thread)
        try:
            thread.start()
        except RuntimeError as error:  # "can't start new thread": refuse, count nothing
            with self._lock:
                self._client_threads.discard(thread)
            self.limits.release(client_address[0])
            self.refuse(request, client_address, SERVER_FULL)
            log.error("cannot start a client thread: %s", error)

    def refuse(self, request: socket.socket, client_address: Any, reason: str) -> None:
        """One ERROR line, sent without waiting, and the socket closed (before any thread)."""
        log.warning("refused %s: %s", client_address[0], reason)
        if self.tls_context is None:  # a TLS client cannot read plain text before a handshake
            try:
                request.send(Message("ERROR", (reason,)).encode(), socket.MSG_DONTWAIT)
            except OSError:
                pass
        self.shutdown_request(request)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.limits.release(client_address[0])
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

    def track_handshake(self, sock: socket.socket) -> bool:
        """A socket in its TLS handshake: stop() shuts it down so the handshake ends at once."""
        with self._lock:
            if self.stopping:
                return False
            self._handshakes.add(sock)
            return True

    def untrack_handshake(self, sock: socket.socket) -> None:
        with self._lock:
            self._handshakes.discard(sock)

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
        if self.parent is not None:
            self.parent.record_error(error)
        elif self.record_errors:
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
        """Tell every client (of this server and its TLS child), flush what they were sent
        (bounded), close every socket, join every thread, run the shutdown hooks. Call from
        another thread than serve_forever's."""
        servers = [self, *self.children]
        connections = [c for server in servers for c in server._stop_accepting()]
        farewell = Message("ERROR", (SHUTTING_DOWN,)).encode()
        for connection in connections:  # first all, so nobody hears of the others leaving
            connection.write_final(farewell)
        for connection in connections:
            connection.push()
            connection.abort(SHUTTING_DOWN)  # the reader flushes (FINISH_TIMEOUT), then closes
        deadline = time.monotonic() + STOP_TIMEOUT
        for server in servers:
            server._join_clients(deadline)
        self._stop_event.set()
        if self._reaper.is_alive():
            self._reaper.join(2.0)
        self._run_shutdown_hooks()
        self.writer.stop()
        log.info("server stopped")

    def _stop_accepting(self) -> list[Connection]:
        with self._lock:
            self.stopping = True
            connections = list(self._connections)
            handshakes = list(self._handshakes)
        self.shutdown()
        self.server_close()
        for sock in handshakes:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        return connections

    def _run_shutdown_hooks(self) -> None:
        """Hooks for work that must end with the server (the history store flushes here)."""
        for hook in self.shutdown_hooks:
            try:
                hook()
            except Exception as error:
                self.report_bug(error, "running a shutdown hook")

    def _join_clients(self, deadline: float) -> None:
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
    """A running server (see the module docstring): server_address, tls_address, state, stop()."""

    def __init__(self, server: IRCServer) -> None:
        self.server = server
        self._threads = [
            threading.Thread(target=s.serve_forever, args=(ACCEPT_POLL,),
                             name="irc-accept" + ("-tls" if s.tls_context else ""), daemon=True)
            for s in (server, *server.children)
        ]
        self._stopped = False

    @property
    def server_address(self) -> tuple[str, int]:
        host, port = self.server.server_address[:2]
        return str(host), int(port)

    @property
    def tls_address(self) -> tuple[str, int] | None:
        """Where the TLS listener is bound, when there is one."""
        if not self.server.children:
            return None
        host, port = self.server.children[0].server_address[:2]
        return str(host), int(port)

    @property
    def state(self) -> State:
        return self.server.state

    def start(self) -> ServerHandle:
        self.server.start()
        for thread in self._threads:
            thread.start()
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
            for thread in self._threads:
                thread.join(2.0)
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
    """Bind (raises OSError if an address is in use) and serve in background threads; with
    config.tls_port also a TLS listener (a self-signed certificate is made if none is given)."""
    server = IRCServer(config, record_errors)
    if config.tls_port is not None:
        try:
            try:
                context = context_for(config.tls_cert, config.tls_key, config.data_dir)
            except (OSError, ValueError) as error:  # ssl.SSLError is an OSError
                detail = getattr(error, "reason", None) or getattr(error, "strerror", None)
                where = getattr(error, "filename", None)
                raise TlsSetupError(f"cannot set up TLS: {detail or error}"
                                    + (f" ({where})" if where else "")) from error
            IRCServer(config, record_errors, parent=server, tls_context=context)
        except BaseException:
            server.server_close()
            server.writer.close()
            raise
    return ServerHandle(server).start()
