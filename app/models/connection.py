"""One TCP (or TLS) connection to an IRC server: a reader thread connects, then only does
recv -> LineDecoder.feed -> queue.put, and a writer thread sends, so the UI thread never waits.
Over TLS the reader first queues CertificateReceived and holds until trust_certificate().
Failures (any exception, at once) become ConnectFailed / ConnectionClosed items on the same queue
as the Messages; the queue is the only thing the UI thread reads, and close() never waits."""

from __future__ import annotations

import logging
import queue
import selectors
import socket
import ssl
import threading
from collections.abc import Callable

from app.models.events import ConnectFailed, ConnectionClosed, ConnectionOpened
from app.models.trust import CertificateReceived, fingerprint
from ircproto.framing import LineDecoder
from ircproto.message import Message

CONNECT_TIMEOUT = 10.0
RECV_SIZE = 4096
FLUSH_TIMEOUT = 1.0
CLOSE_WAIT = 2.0
"""wait_closed() waits this long for the threads by default; only a connect() still in progress
(which no thread can interrupt) outlasts it, and that thread then closes its socket when connect
ends."""
TRUST_TIMEOUT = 600.0
"""How long a TLS connection holds, its certificate shown, for trust_certificate()."""

SocketFactory = Callable[[tuple[str, int], float], socket.socket]
log = logging.getLogger(__name__)


class Connection:
    """Call start(); read items from .events; send() from any thread; close() when done.
    Threads: the reader owns the socket's reads and the decoder; the writer owns its sends; a
    short-lived closer flushes and shuts the socket down after close(). ._lock guards _sock and
    _closing; ._io_lock serialises OpenSSL calls. Nothing else is shared."""

    def __init__(
        self,
        host: str,
        port: int,
        tls: bool = False,
        *,
        connect_timeout: float = CONNECT_TIMEOUT,
        trust_timeout: float = TRUST_TIMEOUT,
        socket_factory: SocketFactory = socket.create_connection,
    ) -> None:
        self.host = host
        self.port = port
        self.tls = tls
        self._trust_timeout = trust_timeout
        self._answered = threading.Event()
        self._trusted = False
        self._io_lock = threading.Lock()
        """Over TLS, one OpenSSL call at a time: an SSLSocket is not safe to recv and send on
        from two threads at once."""
        self.events: queue.Queue[object] = queue.Queue()
        self._timeout = connect_timeout
        self._factory = socket_factory
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._closing = False
        self._send_error = ""
        self._outgoing: queue.Queue[bytes | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, name=f"irc-reader {host}:{port}",
                                        daemon=True)
        self._writer = threading.Thread(target=self._write, name=f"irc-writer {host}:{port}",
                                        daemon=True)
        self._closer: threading.Thread | None = None

    @property
    def address(self) -> str:
        """host:port, for messages."""
        return f"{self.host}:{self.port}"

    def start(self) -> None:
        """Connect in the background; the outcome arrives on .events."""
        self._reader.start()

    def send(self, message: Message) -> None:
        """Queue message for the writer thread; returns at once. Messages sent while connecting
        go out once connected; close() flushes what was queued before it, then drops the rest."""
        self._outgoing.put(message.encode())

    def trust_certificate(self, trusted: bool) -> None:
        """The answer to CertificateReceived: go on (True) or close without sending (False)."""
        self._trusted = trusted
        self._answered.set()

    def close(self) -> None:
        """Close the connection without waiting: a closer thread lets what was queued before
        go out (at most FLUSH_TIMEOUT), then shuts the socket down; a ConnectionClosed with
        by_us=True (or ConnectFailed while connecting) follows on .events. Safe to call twice."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
        self._answered.set()
        self._outgoing.put(None)
        if self._reader.is_alive():
            self._closer = threading.Thread(target=self._shut, name=f"irc-closer {self.address}",
                                            daemon=True)
            self._closer.start()

    def wait_closed(self, timeout: float = CLOSE_WAIT) -> bool:
        """Wait (at most timeout) for the threads to end after close(); True when they did.
        For the end of the program and for tests, never for the UI thread while it runs."""
        threads = (self._reader, self._writer, *([self._closer] if self._closer else []))
        for thread in threads:
            if thread.is_alive():
                thread.join(timeout)
        return not any(thread.is_alive() for thread in threads)

    def _shut(self) -> None:
        if self._writer.is_alive():
            self._writer.join(FLUSH_TIMEOUT)  # let a QUIT queued just before go out first
        with self._lock:
            sock = self._sock
        if sock is not None:
            _shutdown(sock)

    def _read(self) -> None:
        try:
            self._run()
        except Exception as error:  # a bug: reported at once, not after the keepalive
            log.exception("the reader of %s failed", self.address)
            with self._lock:
                self._closing = True
                sock = self._sock
            self._outgoing.put(None)
            if sock is not None:
                _shutdown(sock)
                sock.close()
                self.events.put(ConnectionClosed(
                f"Internal error in the connection to {self.address}: {error!r}", by_us=False))

    def _run(self) -> None:
        sock = self._connect()
        if sock is None:
                return
        reason, by_us = self._receive(sock)
        with self._lock:
            by_us = by_us or self._closing
            self._closing = True
        self._outgoing.put(None)
        if self._writer.is_alive():
            self._writer.join()
        sock.close()
        reason = "Disconnected" if by_us else self._send_error or reason
        self.events.put(ConnectionClosed(reason, by_us))

    def _connect(self) -> socket.socket | None:
        try:
            sock = self._factory((self.host, self.port), self._timeout)
        except OSError as error:
            self.events.put(ConnectFailed(connect_error(self.host, self.port, error)))
            return None
        if not self._hold(sock):
            return None
        if self.tls:
            secured = self._secure(sock)
            if secured is None:
                return None
            sock = secured
        else:
            sock.settimeout(None)
        self.events.put(ConnectionOpened(self.host, self.port))
        self._writer.start()
        return sock

    def _hold(self, sock: socket.socket) -> bool:
        """Make sock the one close() shuts down; False (it closed, ConnectFailed queued) when
        close() was called already."""
        with self._lock:
            if self._closing:
                sock.close()
                self.events.put(ConnectFailed("Connecting was cancelled"))
                return False
            self._sock = sock
        return True

    def _secure(self, raw: socket.socket) -> ssl.SSLSocket | None:
        """TLS handshake (any certificate: the pin is the trust anchor), then hold until the
        controller trusts the fingerprint; None (closed, ConnectFailed queued) otherwise."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        sock = context.wrap_socket(raw, do_handshake_on_connect=False,
                                   server_hostname=self.host or None)
        if not self._hold(sock):
            return None
        try:
            sock.do_handshake()
            der = sock.getpeercert(binary_form=True)
        except (OSError, ValueError) as error:
            sock.close()
            self.events.put(ConnectFailed(self._tls_error(error)))
            return None
        if der is None:
            sock.close()
            self.events.put(ConnectFailed(f"{self.address} sent no TLS certificate"))
            return None
        return sock if self._await_trust(sock, fingerprint(der)) else None

    def _tls_error(self, error: Exception) -> str:
        if self._closing:
            return "Connecting was cancelled"
        if isinstance(error, TimeoutError):
            return f"Timed out in the TLS handshake with {self.address}; is it a TLS port?"
        if isinstance(error, ssl.SSLError):
            return (f"TLS handshake with {self.address} failed ({error.reason or error}); "
                    "is it a TLS port?")
        return f"TLS handshake with {self.address} failed: {_describe(error)}"

    def _await_trust(self, sock: ssl.SSLSocket, seen: str) -> bool:
        """Queue the fingerprint and wait for trust_certificate(); nothing is sent before."""
        self.events.put(CertificateReceived(self.host, self.port, seen))
        answered = self._answered.wait(self._trust_timeout)
        if self._closing or not answered or not self._trusted:
            sock.close()
            reason = ("Connecting was cancelled" if self._closing
                      else f"The certificate of {self.address} was not trusted" if answered
                      else f"No answer about the certificate of {self.address}")
            self.events.put(ConnectFailed(reason))
            return False
        sock.setblocking(False)
        return True

    def _recv(self, sock: socket.socket) -> bytes:
        """One recv; over TLS, wait for data outside the I/O lock and read under it."""
        if not isinstance(sock, ssl.SSLSocket):
            return sock.recv(RECV_SIZE)
        while True:
            if not sock.pending():
                _wait(sock, selectors.EVENT_READ, None)
            with self._io_lock:
                try:
                    return sock.recv(RECV_SIZE)
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    continue
                except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                    return b""  # the peer closed (with or without a TLS close_notify)

    def _send_all(self, sock: socket.socket, data: bytes) -> None:
        """sendall; over TLS, each send under the I/O lock, waiting for room outside it."""
        if not isinstance(sock, ssl.SSLSocket):
            sock.sendall(data)
            return
        view = memoryview(data)
        while view:
            with self._io_lock:
                try:
                    sent = sock.send(view)
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    sent = 0
            view = view[sent:]
            if view and not sent:
                _wait(sock, selectors.EVENT_WRITE, FLUSH_TIMEOUT)

    def _receive(self, sock: socket.socket) -> tuple[str, bool]:
        """Read until the end; returns (why it ended, whether we ended it)."""
        decoder = LineDecoder(fallback_encoding="latin-1")
        while True:
            try:
                data = self._recv(sock)
            except (OSError, ValueError) as error:  # ValueError: waiting on a closed socket
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
                self._send_all(sock, data)
            except (OSError, ValueError) as error:
                log.info("send to %s failed: %s", self.address, error)
                self._send_error = f"Sending to {self.address} failed: {_describe(error)}"
                _shutdown(sock)  # the reader then reports the loss
                return
            except Exception as error:  # a bug: the reader reports the loss at once
                log.exception("the writer of %s failed", self.address)
                self._send_error = f"Internal error sending to {self.address}: {error!r}"
                _shutdown(sock)
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


def _describe(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def _wait(sock: socket.socket, event: int, timeout: float | None) -> None:
    """Block until sock is ready for event (or timeout); a shut-down socket counts as ready."""
    with selectors.DefaultSelector() as selector:
        selector.register(sock, event)
        selector.select(timeout)


def _shutdown(sock: socket.socket) -> None:
    # socket.socket's own shutdown, also for an SSLSocket: SSLSocket.shutdown() first drops its
    # TLS layer, and a send racing with it would then put plain text on the wire.
    try:
        if isinstance(sock, ssl.SSLSocket):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        else:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed or never connected: nothing left to wake
