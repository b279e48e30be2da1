"""One TCP connection to an IRC server: a reader thread connects, then only does
recv -> LineDecoder.feed -> queue.put, and a writer thread sends, so the UI thread never waits.
Failures become ConnectFailed / ConnectionClosed items on the same queue as the Messages."""

from __future__ import annotations

import logging
import queue
import socket
import threading
from collections.abc import Callable

from app.models.events import ConnectFailed, ConnectionClosed, ConnectionOpened
from ircproto.framing import LineDecoder
from ircproto.message import Message

CONNECT_TIMEOUT = 10.0
RECV_SIZE = 4096
FLUSH_TIMEOUT = 1.0
CLOSE_WAIT = 2.0
"""close() waits this long for the reader; only a connect() still in progress (which no
thread can interrupt) outlasts it, and that thread then closes its socket when connect ends."""
STATES = ("connecting", "connected", "disconnected")

SocketFactory = Callable[[tuple[str, int], float], socket.socket]
log = logging.getLogger(__name__)


class Connection:
    """Call start(); read items from .events; send() from any thread; close() when done."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        connect_timeout: float = CONNECT_TIMEOUT,
        socket_factory: SocketFactory = socket.create_connection,
    ) -> None:
        self.host = host
        self.port = port
        self.events: queue.Queue[object] = queue.Queue()
        self._timeout = connect_timeout
        self._factory = socket_factory
        self._state = "disconnected"
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._closing = False
        self._send_error = ""
        self._outgoing: queue.Queue[bytes | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, name=f"irc-reader {host}:{port}",
                                        daemon=True)
        self._writer = threading.Thread(target=self._write, name=f"irc-writer {host}:{port}",
                                        daemon=True)

    @property
    def state(self) -> str:
        """One of STATES."""
        return self._state

    @property
    def address(self) -> str:
        """host:port, for messages."""
        return f"{self.host}:{self.port}"

    def start(self) -> None:
        """Connect in the background; the outcome arrives on .events."""
        self._state = "connecting"
        self._reader.start()

    def send(self, message: Message) -> None:
        """Queue message for the writer thread; returns at once. Messages sent while connecting
        go out once connected; close() flushes what was queued before it, then drops the rest."""
        self._outgoing.put(message.encode())

    def close(self, timeout: float | None = None) -> None:
        """Close the connection (a ConnectionClosed with by_us=True follows on .events) and join
        both threads (at most CLOSE_WAIT for a connect in progress); safe to call twice."""
        with self._lock:
            self._closing = True
            sock = self._sock
        self._outgoing.put(None)
        if self._writer.is_alive():
            self._writer.join(FLUSH_TIMEOUT)  # let a QUIT queued just before go out first
        if sock is not None:
            _shutdown(sock)
        wait = CLOSE_WAIT if timeout is None else timeout
        for thread in (self._reader, self._writer):
            if thread.is_alive():
                thread.join(wait)
        self._state = "disconnected"

    def _read(self) -> None:
        sock = self._connect()
        if sock is None:
            self._state = "disconnected"
            return
        reason, by_us = self._receive(sock)
        with self._lock:
            by_us = by_us or self._closing
            self._closing = True
        self._outgoing.put(None)
        if self._writer.is_alive():
            self._writer.join()
        sock.close()
        self._state = "disconnected"
        reason = "Disconnected" if by_us else self._send_error or reason
        self.events.put(ConnectionClosed(reason, by_us))

    def _connect(self) -> socket.socket | None:
        try:
            sock = self._factory((self.host, self.port), self._timeout)
        except OSError as error:
            self.events.put(ConnectFailed(connect_error(self.host, self.port, error)))
            return None
        with self._lock:
            if self._closing:
                sock.close()
                self.events.put(ConnectFailed("Connecting was cancelled"))
                return None
            self._sock = sock
        sock.settimeout(None)
        self._state = "connected"
        self.events.put(ConnectionOpened(self.host, self.port))
        self._writer.start()
        return sock

    def _receive(self, sock: socket.socket) -> tuple[str, bool]:
        """Read until the end; returns (why it ended, whether we ended it)."""
        decoder = LineDecoder(fallback_encoding="latin-1")
        while True:
            try:
                data = sock.recv(RECV_SIZE)
            except OSError as error:
                return f"Connection to {self.address} lost: {_describe(error)}", self._closing
            if not data:
                return f"{self.address} closed the connection", self._closing
            for item in decoder.feed(data):
                self.events.put(item)

    def _write(self) -> None:
        while (data := self._outgoing.get()) is not None:
            sock = self._sock
            if sock is None:
                return
            try:
                sock.sendall(data)
            except OSError as error:
                log.info("send to %s failed: %s", self.address, error)
                self._send_error = f"Sending to {self.address} failed: {_describe(error)}"
                _shutdown(sock)  # the reader then reports the loss
                return


def connect_error(host: str, port: int, error: OSError) -> str:
    """A sentence for the user saying why connecting to host:port failed."""
    if isinstance(error, socket.gaierror):
        return f"Could not resolve host '{host}'"
    if isinstance(error, ConnectionRefusedError):
        return f"Connection refused by {host}:{port}"
    if isinstance(error, TimeoutError):
        return f"Timed out connecting to {host}:{port}"
    return f"Could not connect to {host}:{port}: {_describe(error)}"


def _describe(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed or never connected: nothing left to wake
