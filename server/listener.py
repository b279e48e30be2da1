"""A listening socket: a ThreadingTCPServer that admits or refuses each connection (the hub's
limits) and starts its reader thread, and keeps track of those threads, their connections and
the TLS handshakes in progress, so that stop_accepting() and join_clients() can end them."""

from __future__ import annotations

import logging
import socket
import socketserver
import sys
import threading
import time
from typing import Any

from OpenSSL import SSL

from ircproto.message import Message
from server.connection import Connection
from server.hub import Hub
from server.limits import SERVER_FULL
from server.listenaddress import IPV4_ANY, bind_plan, describe, unmapped, without_ipv6
from server.nonblocking import send_once
from server.reader import Reader
from server.sockets import shut_down

log = logging.getLogger(__name__)
# The stack each thread of `python -m server` gets (a reader per client), instead of the C
# library's default (8 MiB on glibc). Not RSS (an idle reader touches ~12 KiB of it whatever
# the size, bench.idlemem) but page tables (4.3 -> 1.3 MB for 1000 clients) and address space
# (9.3 -> 1.6 GB). The deepest use measured on the handler paths (TLS handshake, SCRAM, argon2,
# a 4 KB multiline batch, SEARCH) is in tests/server/test_stack_size.py, far below it.
THREAD_STACK_SIZE = 512 * 1024


def use_small_thread_stacks() -> None:
    """Threads started from now on in this process get THREAD_STACK_SIZE of stack. For a
    process that is the server (`python -m server`), not one that hosts it among others."""
    try:
        threading.stack_size(THREAD_STACK_SIZE)
    except (ValueError, RuntimeError) as error:  # a platform that cannot set it
        log.warning("thread stacks keep their default size: %s", error)


class ClientHandler(socketserver.BaseRequestHandler):
    """socketserver's per-connection hook: hands the socket to a Reader."""

    server: Listener

    def handle(self) -> None:
        Reader(self.server, self.request, self.client_address).run()


class Listener(socketserver.ThreadingTCPServer):
    """One port of the server (plain, or TLS with tls_context), bound in the constructor."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024  # socketserver's default of 5 drops SYNs when many join at once

    def __init__(self, hub: Hub, port: int, tls_context: SSL.Context | None = None) -> None:
        self.hub = hub
        self.tls_context = tls_context
        self.stopping = False
        self._lock = threading.Lock()  # guards stopping and the three sets below
        self._connections: set[Connection] = set()
        self._handshakes: set[socket.socket] = set()
        self._client_threads: set[threading.Thread] = set()
        self.plan = bind_plan(hub.config.host)
        try:
            self._bind(port)
        except OSError as error:
            if not (self.plan.dual and without_ipv6(error)):
                raise
            log.warning("this host has no IPv6 (%s): listening on IPv4 only", error.strerror)
            self.plan = IPV4_ANY
            self._bind(port)

    def _bind(self, port: int) -> None:
        self.address_family = self.plan.family
        super().__init__((self.plan.address, port), ClientHandler)

    def server_bind(self) -> None:
        if self.address_family == socket.AF_INET6:  # dual-stack, or IPv6 only
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(self.plan.v6only))
        super().server_bind()

    def get_request(self) -> tuple[socket.socket, Any]:
        """accept(), an IPv4 peer of a dual-stack socket named by its IPv4 address."""
        sock, address = self.socket.accept()
        return sock, (unmapped(address[0]), *address[1:])

    @property
    def address(self) -> tuple[str, int]:
        """Where it is bound (the real port when asked for port 0)."""
        host, port = self.server_address[:2]
        return str(host), int(port)

    @property
    def listening(self) -> str:
        """Where it listens, for the log: '*:13333 (IPv4 and IPv6)', '127.0.0.1:6697'."""
        return describe(self.plan, self.address[1])

    @property
    def handshakes(self) -> int:
        """How many TLS handshakes are in progress (stop_accepting() cuts them short)."""
        with self._lock:
            return len(self._handshakes)

    # -- accepting (in the serve_forever thread)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Refuse (ERROR + close) or start the client's reader thread."""
        name = f"irc-client-{client_address[0]}:{client_address[1]}"
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), name=name,
            daemon=True,
        )
        with self._lock:  # decided under the lock, the socket closed after it
            stopping = self.stopping
            refusal = None if stopping else self.hub.limits.admit(client_address[0])
            if not stopping and refusal is None:
                self._client_threads.add(thread)
        if stopping:
            self.shutdown_request(request)
            return
        if refusal is not None:
            self.refuse(request, client_address, refusal)
            return
        try:
            thread.start()
        except RuntimeError as error:  # "can't start new thread": refuse, count nothing
            with self._lock:
                self._client_threads.discard(thread)
            self.hub.limits.release(client_address[0])
            self.refuse(request, client_address, SERVER_FULL)
            log.error("cannot start a client thread: %s", error)

    def refuse(self, request: socket.socket, client_address: Any, reason: str) -> None:
        """One ERROR line, sent without waiting, and the socket closed (before any thread)."""
        log.warning("refused %s: %s", client_address[0], reason)
        if self.tls_context is None:  # a TLS client cannot read plain text before a handshake
            send_once(request, Message("ERROR", (reason,)).encode())
        self.shutdown_request(request)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.hub.limits.release(client_address[0])
            with self._lock:
                self._client_threads.discard(threading.current_thread())

    def handle_error(self, request: Any, client_address: Any) -> None:
        """socketserver calls this for exceptions escaping a handler: log and record them."""
        error = sys.exc_info()[1]
        log.error("error serving %s", client_address, exc_info=True)
        if error is not None:
            self.hub.record_error(error)

    # -- what the reader threads report (server.reader.Host)

    def track(self, connection: Connection) -> bool:
        """A new connection, to be ended by stop(); False when stopping already."""
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

    # -- stopping (server.hub.Accepting)

    def stop_accepting(self) -> list[Connection]:
        """Accept no more and close the listening socket (serve_forever must run in another
        thread); cut handshakes short; the connections still open."""
        with self._lock:
            self.stopping = True
            connections = list(self._connections)
            handshakes = list(self._handshakes)
        self.shutdown()
        self.server_close()
        for sock in handshakes:
            shut_down(sock)
        return connections

    def join_clients(self, deadline: float) -> None:
        """Wait (until deadline) for the reader threads; shut down the sockets of the rest."""
        with self._lock:
            threads = list(self._client_threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            leftovers = list(self._connections)
        for connection in leftovers:  # a reader that did not finish in time
            log.warning("a client thread did not end in time; shutting its socket down")
            shut_down(connection.sock)
