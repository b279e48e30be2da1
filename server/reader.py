"""A client's reader thread, from accept to close: the TLS handshake, then recv -> LineDecoder
-> dispatch (decides and queues every recipient's lines under the state lock) -> flush (sends,
after it), paced by the flood bucket; then the QUIT to its channels and the last ERROR line.

Lines that are not valid UTF-8 get `FAIL <command> INVALID_UTF8` (UTF8ONLY, no fallback), too
long ones 417, unparsable ones 400, blank ones nothing; a line that never ends (RUNAWAY_LIMIT
bytes without a line break) gets ERROR and a close. Past its flood bucket a client's reader
waits (nobody else does); a backlog past FLOOD_BACKLOG is `Excess Flood`.
"""

from __future__ import annotations

import logging
import socket
import time
from typing import Protocol

from OpenSSL import SSL

from ircproto.framing import LineDecoder, LineError
from ircproto.message import Message
from server.commands import INTERNAL_ERROR, disconnect, dispatch, flush
from server.connection import SHUTTING_DOWN, Connection
from server.hub import Hub
from server.limits import EXCESS_FLOOD, RUNAWAY_LINE, TokenBucket, exempt
from server.nonblocking import Receiver
from server.sockets import RECV_SIZE, configure_socket, discard_input, format_host
from server.state import Client
from server.tls import TlsError, TlsSession

log = logging.getLogger(__name__)
FINISH_TIMEOUT = 1.0  # how long a closing connection may take to flush its last lines
FLOOD_BACKLOG = 200  # received commands waiting for the flood bucket before `Excess Flood`
RUNAWAY_LIMIT = 64 * 1024  # bytes without a line break before the connection is closed
HANDSHAKE_TIMEOUT = 10.0  # at most; never longer than the registration timeout
STILL_SENDING = frozenset({EXCESS_FLOOD, RUNAWAY_LINE})  # reasons a client is mid-send
SECRET_COMMANDS = frozenset({"PASS", "OPER", "AUTHENTICATE", "REGISTER",
                             "PASSWD"})  # never logged in full
Ending = tuple[str, str]  # (QUIT reason for the channels, ERROR text for the client or '')


class Host(Protocol):
    """What a reader needs from the listener that accepted its client (server.listener)."""

    @property
    def hub(self) -> Hub: ...

    @property
    def tls_context(self) -> SSL.Context | None: ...

    def track(self, connection: Connection) -> bool: ...

    def untrack(self, connection: Connection) -> None: ...

    def track_handshake(self, sock: socket.socket) -> bool: ...

    def untrack_handshake(self, sock: socket.socket) -> None: ...


class Reader:
    """One client's reader thread: run() returns when the connection is over and cleaned up."""

    def __init__(self, host: Host, sock: socket.socket, address: tuple[str, int]) -> None:
        self.host, self.hub, self.sock = host, host.hub, sock
        self.address = address[0]
        self.port = address[1]

    def run(self) -> None:
        configure_socket(self.sock)
        hub, host = self.hub, format_host(self.address)
        tls = None
        context = self.host.tls_context  # read once: a reload may swap it (server.tlsreload)
        if context is not None:
            tls = self.start_tls(context, host)
            if tls is None:
                return
        connection = Connection(self.sock, hub.writer, hub.config.sendq, tls)
        if not self.host.track(connection):
            return
        with hub.state.lock:
            client = hub.state.add_client(connection, host)
            client.certfp = tls.certfp if tls is not None else None
            client.secure = tls is not None
        log.info("connection from %s:%s", host, self.port)
        try:
            self.serve(connection, client)
        finally:
            connection.finish(None, 0)
            self.host.untrack(connection)

    def serve(self, connection: Connection, client: Client) -> None:
        """Read until the end, tell the channels, send the last line, close."""
        try:
            reason, error = self.read_loop(connection, client)
        except Exception as exc:
            self.hub.report_bug(exc, f"reading from {client.prefix}")
            reason = error = INTERNAL_ERROR
        disconnect(self.hub.state, client, reason).flush()
        log.info("%s left: %s", client.prefix if client.registered else client.host, reason)
        last_line = Message("ERROR", (error,)).encode() if error else None
        if connection.finish(last_line, FINISH_TIMEOUT) and reason in STILL_SENDING:
            discard_input(connection.sock)

    def start_tls(self, context: SSL.Context, host: str) -> TlsSession | None:
        """The TLS handshake, bounded in time; None (logged) when it fails."""
        tls = TlsSession(context)
        if not self.host.track_handshake(self.sock):
            return None
        try:
            timeout = min(HANDSHAKE_TIMEOUT, self.hub.config.registration_timeout)
            tls.handshake(self.sock, timeout)
        except TlsError as error:
            log.info("TLS connection from %s failed: %s", host, error)
            return None
        finally:
            self.host.untrack_handshake(self.sock)
        return tls

    def read_loop(self, connection: Connection, client: Client) -> Ending:
        """Read until the connection ends."""
        decoder, bucket = LineDecoder.from_clients(), self.flood_bucket()
        if connection.tls is not None:  # lines that came with the handshake's last flight
            ended = self.run_data(connection, client, decoder, bucket,
                                  decrypt(connection, connection.tls, b""))
            if ended is not None:
                return ended
        return self.read_until_end(connection, client, decoder, bucket, Receiver(connection.sock))

    def read_until_end(
        self, connection: Connection, client: Client, decoder: LineDecoder,
        bucket: TokenBucket | None, receiver: Receiver,
    ) -> Ending:
        while True:
            ended = self.read_once(connection, client, decoder, bucket, receiver)
            if ended is not None:
                return ended

    def read_once(
        self, connection: Connection, client: Client, decoder: LineDecoder,
        bucket: TokenBucket | None, receiver: Receiver,
    ) -> Ending | None:
        """Wait for the next bytes and run their lines; how it ends, if it does. What they were
        is dropped on return: an idle reader keeps no bytes or messages of its last lines."""
        data, lost = receive(receiver)
        if connection.close_reason:
            return connection.close_reason, connection.close_reason
        if not data:
            return lost, ""
        if connection.tls is not None:
            try:
                data = decrypt(connection, connection.tls, data)
            except TlsError as error:
                return str(error), str(error)
        ended = self.run_data(connection, client, decoder, bucket, data)
        if ended is not None:
            return ended
        if decoder.unterminated > RUNAWAY_LIMIT:
            return RUNAWAY_LINE, RUNAWAY_LINE
        if connection.tls is not None and connection.tls.closed:
            return "Connection closed", ""
        return None

    def run_data(
        self, connection: Connection, client: Client, decoder: LineDecoder,
        bucket: TokenBucket | None, data: bytes,
    ) -> Ending | None:
        """Decode and run the lines data completes; how it ends, if it must."""
        items = decoder.feed(data)
        log_received(client, items)
        return self.run_items(connection, client, items, bucket)

    def flood_bucket(self) -> TokenBucket | None:
        """This client's flood bucket; None when flood control is off or spares its address."""
        config = self.hub.config
        if config.flood_rate <= 0 or exempt(self.address, config.exempt_loopback):
            return None
        return TokenBucket(config.flood_burst, config.flood_rate, time.monotonic())

    def run_items(
        self, connection: Connection, client: Client, items: list[Message | LineError],
        bucket: TokenBucket | None,
    ) -> Ending | None:
        """Dispatch items as fast as the flood bucket allows; how it ends, if it must."""
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
            ctx = dispatch(self.hub.state, client, items[start : start + allowed])
            flush(ctx)
            if client.registered and not was_registered:
                log.info("%s registered", client.prefix)
            if ctx.close_reason:
                return ctx.close_reason, ctx.close_error
            start += allowed
        return None


def receive(receiver: Receiver) -> tuple[bytes, str]:
    """The next bytes from the socket, and (for when there are none) why the peer is gone."""
    try:
        return receiver.recv(RECV_SIZE), "Connection closed"
    except ConnectionResetError:
        return b"", "Connection reset by peer"
    except OSError as error:
        return b"", f"Connection error: {error.strerror or error}"


def decrypt(connection: Connection, tls: TlsSession, data: bytes) -> bytes:
    """Ciphertext in, plaintext out; TLS's own records (e.g. a key update) go out at once."""
    data = tls.decrypt(data)
    if tls.wants_write:
        connection.write(b"")
    return data


def log_received(client: Client, items: list[Message | LineError]) -> None:
    if log.isEnabledFor(logging.DEBUG):
        for item in items:
            log.debug("%s <- %s", client.nick, loggable(item))


def loggable(item: Message | LineError) -> str:
    """A received line for the debug log, with passwords and other secrets left out."""
    if isinstance(item, LineError):
        return repr(item)
    if item.verb in SECRET_COMMANDS:
        return f"{item.verb} <redacted>"
    return item.format()
