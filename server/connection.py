"""A client's output side: a bounded buffer filled in lock order and sent without ever blocking.

queue() only appends bytes (memory, no I/O), so it is called under the state lock and every
client's bytes are in the order the lock decided them: nobody's later line can overtake a
client's own JOIN echo. push(), after the lock is released, sends what is queued without
waiting (the socket is non-blocking; its reader waits with server.nonblocking.Receiver, on every
platform); lines queued by several threads
meanwhile leave in one send. Queued lines are kept as a list of the (shared) bytes objects and
joined only when more than one waits, so the common case copies nothing. What the kernel does
not take waits for the one shared Writer thread, which flushes buffers when their sockets
become writable. A buffer that grows past the SendQ limit ends the connection with
`ERROR :SendQ exceeded`.
Lines queued after a history write wait in the queue until that write is committed (`need`,
set by server.delivery.Outgoing): push() first has the history commit it (group commit,
server.historywrites), the writer thread leaves such lines alone.
With TLS (a TlsSession over memory BIOs) the queued plaintext is encrypted when it is sent and
the ciphertext leaves through the same plain socket, so nothing else changes.
"""

from __future__ import annotations

import logging
import selectors
import socket
import threading
from collections import deque
from collections.abc import Iterable
from typing import Protocol

from server.flusher import Flusher
from server.nonblocking import Selector, send_now
from server.state import Client
from server.tls import TlsError, TlsSession

log = logging.getLogger(__name__)
SENDQ_EXCEEDED = "SendQ exceeded"
SHUTTING_DOWN = "Server shutting down"  # why every connection ends when the server stops


class Durability(Protocol):
    """How far the history's writes are committed (server.historywrites.HistoryWrites)."""

    durable: int  # every write up to this number is committed

    def sync(self, seq: int) -> None:
        """Return once write seq is committed (committing it if nobody has)."""
        ...


class NoHistory:
    """Durability for output that never waits for a history (a Writer without one)."""

    durable = 1 << 62  # past every write number

    def sync(self, seq: int) -> None:
        pass


class Connection:
    """One client socket's output. Never blocks; abort() asks the reader thread to finish."""

    def __init__(
        self, sock: socket.socket, writer: Writer, sendq: int, tls: TlsSession | None = None
    ) -> None:
        sock.setblocking(False)  # a send never waits: what the kernel refuses waits for Writer
        self.sock = sock
        self.tls = tls
        self._wire = b""  # bytes ready for the socket (ciphertext with TLS) not yet taken
        self._writer = writer
        self._sendq = sendq
        self._lock = threading.Lock()
        self.inbox: deque[bytes] = deque()  # queue()'d, not yet in _chunks (no lock needed)
        self.queue = self.inbox.append
        """queue(data): append data to the output (memory only: safe under the state lock). A
        deque's append, no lock and no Python frame: it runs once per recipient of every
        message, with the state lock held. push() moves what is there under the connection's
        lock (dropping it once the connection refuses output)."""
        self._chunks: list[bytes] = []  # queued output, in order (joined only when sent)
        self._size = 0  # bytes in _chunks and _wire
        self._finishing = False  # finish() waits for the buffer to empty
        self._drained = threading.Event()  # set, once finishing, when it is empty
        self._waiting = False  # the kernel refused: the writer thread sends the rest
        self._overflowed = False  # SendQ exceeded; push() ends the connection
        self._dead = False  # output is impossible or abandoned
        self._refuse = False  # no more lines accepted (always so when _dead)
        self.need = 0  # the history write queued lines wait for (set before they are queued)
        self._durability = writer.durability
        self.close_reason: str | None = None  # why the server is ending this connection
        self.closing = threading.Event()  # set with close_reason: wakes a throttled reader

    @property
    def queued(self) -> int:
        """Bytes waiting for the kernel to take them."""
        return self._size + sum(map(len, self.inbox))

    def push(self) -> None:
        """Send what is queued, as far as the kernel takes it now, once the history writes it
        waits for are committed (never under the state lock: it may commit them itself)."""
        durability = self._durability
        while True:
            if self.need > durability.durable:
                durability.sync(self.need)
            self._lock.acquire()
            try:
                inbox = self.inbox
                if (len(inbox) == 1 and not (self._chunks or self._wire or self._waiting
                                             or self._refuse or self.tls)
                        and self.need <= durability.durable
                        and len(inbox[0]) <= self._sendq):  # one line to send: no copies
                    self._send_data(inbox.popleft())
                elif inbox and not self._take_inbox():
                    continue  # queued meanwhile after a newer write: wait for that one too
                elif self._overflowed:
                    self._drop_for_sendq()
                    return
                elif (self._chunks or self._wire) and not (self._waiting or self._dead):
                    self._send_buffer()
                else:
                    return
                if self._wire and not self._dead:  # the writer thread sends the rest
                    self._waiting = True
                    self._writer.want_write(self)
                return
            finally:
                self._lock.release()

    def push_all(self, groups: Iterable[Iterable[Client]]) -> None:
        """push() every client's connection in groups (this one among them), by this thread or
        by the one already flushing (server.flusher)."""
        self._writer.flusher.push_all(groups)

    def write(self, data: bytes) -> None:
        """queue() then push(): for lines whose order against others does not matter."""
        self.queue(data)
        self.push()

    def abort(self, reason: str) -> None:
        """End the connection from another thread: its reader wakes up and cleans up."""
        with self._lock:
            self._request_close(reason)

    def write_final(self, data: bytes) -> None:
        """Queue a last line (ERROR) and refuse later ones; push() sends it, abort() ends.
        What was queued before goes first, once its history is committed."""
        durability = self._durability
        while True:
            if self.need > durability.durable:
                durability.sync(self.need)
            with self._lock:
                if not self._take_inbox():
                    continue
                if data and not self._refuse:
                    self._chunks.append(data)
                    self._size += len(data)
                self._refuse = True
                return

    def finish(self, data: bytes | None, timeout: float) -> bool:
        """From the reader thread: send a last line, wait (bounded) until everything is
        flushed, then stop all output. True when everything was flushed."""
        self.write_final(data or b"")
        self.push()
        with self._lock:
            self._finishing = True
            if not (self._chunks or self._wire):
                self._drained.set()
        flushed = self._drained.wait(timeout)
        with self._lock:
            self._stop_output()
        return flushed

    def flush_some(self) -> bool:
        """From the writer thread: send what the kernel takes now; True if some is left."""
        with self._lock:
            self._take_inbox()  # (not what waits for the history: its pusher sends that)
            if (self._chunks or self._wire) and not self._dead:
                self._send_buffer()
            if self._wire and not self._dead:
                return True
            self._waiting = False
            if self._dead:
                self._stop_output()
            else:
                self._writer.discard(self)  # flushed: the writer stops watching it
                self._emptied()
            return False

    def fileno(self) -> int:
        return -1 if self._dead else self.sock.fileno()

    def _take_inbox(self) -> bool:
        """Move queue()'d data to _chunks (under self._lock), counting it against the SendQ;
        False (nothing moved) when some of it waits for a history write not yet committed."""
        inbox = self.inbox
        if self._refuse:
            inbox.clear()
            return True
        count = len(inbox)  # (appends meanwhile wait for the next push)
        if self.need > self._durability.durable:  # (read after count: Outgoing sets it first)
            return False
        if count == 1:  # the common case under a trickle
            data = inbox.popleft()
            self._chunks.append(data)
            self._size += len(data)
        else:
            taken = [inbox.popleft() for _ in range(count)]
            self._chunks += taken
            self._size += sum(map(len, taken))
        if self._size > self._sendq:
            self._overflowed = True
            self._stop_output()
        return True

    def _send_buffer(self) -> None:
        """Move the queued chunks to the wire (encrypting them with TLS) and send what the
        kernel takes; the rest stays in _wire. (Once per push of every recipient: inlined.)"""
        chunks, tls = self._chunks, self.tls
        if chunks or tls is not None:
            data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            chunks.clear()
            if tls is not None:
                try:
                    data = tls.encrypt(data)
                except TlsError as error:
                    log.debug("%s", error)
                    self._stop_output()
                    return
            if self._wire:
                data = self._wire + data
        else:
            data = self._wire
        self._send_data(data)

    def _send_data(self, data: bytes) -> None:
        """(self._lock held) Send what the kernel takes of data now (as send_now(): it never
        waits); the rest stays in _wire for the writer thread."""
        try:
            sent = self.sock.send(data) if data else 0
        except BlockingIOError:
            sent = 0
        except OSError as error:
            log.debug("send failed: %s", error)
            self._stop_output()
            return
        self._wire = data[sent:] if sent < len(data) else b""
        self._size = len(self._wire)
        if not self._wire and self._finishing:  # only then does anyone wait: Event.set() is dear
            self._drained.set()

    def _emptied(self) -> None:
        if self._finishing:
            self._drained.set()

    def _stop_output(self) -> None:
        """No more output, ever: drop what is queued."""
        self._dead = self._refuse = True
        self.inbox.clear()
        self._chunks.clear()
        self._wire = b""
        self._size = 0
        self._writer.discard(self)
        self._drained.set()

    def _drop_for_sendq(self) -> None:
        self._overflowed = False
        log.warning("SendQ exceeded (more than %d bytes queued), dropping the client", self._sendq)
        if self.tls is None:  # (with TLS a partial record is pending: no clean way to add one)
            try:  # best effort: CRLF first ends whatever partial line the client holds
                send_now(self.sock, b"\r\nERROR :" + SENDQ_EXCEEDED.encode() + b"\r\n")
            except OSError:
                pass
        self._writer.discard(self)
        self._request_close(SENDQ_EXCEEDED)

    def _request_close(self, reason: str) -> None:
        if self.close_reason is not None:
            return
        self.close_reason = reason
        self.closing.set()
        try:
            self.sock.shutdown(socket.SHUT_RD)  # wakes the reader thread's recv()
        except OSError:
            pass


class Writer:
    """The one thread that flushes buffers the kernel could not take at once."""

    def __init__(self, durability: Durability | None = None) -> None:
        self.durability: Durability = durability or NoHistory()  # what output waits for
        self._lock = threading.Lock()
        self._pending: set[Connection] = set()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._stopping = False
        self.flusher = Flusher(self._wake)  # who pushes queued output (it hands over to us)
        self._thread = threading.Thread(target=self._run, name="irc-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping = True
        self._wake()
        if self._thread.is_alive():
            self._thread.join(2.0)
        self.close()

    def close(self) -> None:
        """Release the wake-up sockets (stop() does it; also for a writer never started)."""
        self._wake_r.close()
        self._wake_w.close()

    def want_write(self, connection: Connection) -> None:
        with self._lock:
            self._pending.add(connection)
        self._wake()

    def discard(self, connection: Connection) -> None:
        with self._lock:
            self._pending.discard(connection)

    def _wake(self) -> None:
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass  # already awake (buffer full) or stopped

    def _run(self) -> None:
        more = False  # a reader handed flushing over and some is left after our rounds
        while not self._stopping:
            if more or self.flusher.handed_over:
                more = self.flusher.take_over()
            with self._lock:
                pending = list(self._pending)
            if more and not pending:
                continue  # flushing for the readers; no socket waits for room: no poll yet
            with Selector() as selector:  # poll, or select where there is none (Windows)
                selector.register(self._wake_r, selectors.EVENT_READ)
                for connection in pending:
                    fd = connection.fileno()
                    if fd < 0:
                        self.discard(connection)
                        continue
                    selector.register(fd, selectors.EVENT_WRITE, connection)
                try:
                    ready = selector.select(0 if more else None)
                except (OSError, ValueError):  # a socket closed meanwhile (select: EBADF)
                    self._flush_all(pending)
                    continue
            for key, _events in ready:
                if key.data is None:
                    self._drain_wake()
                else:
                    key.data.flush_some()

    def _flush_all(self, pending: list[Connection]) -> None:
        """Try each: a connection whose socket is gone fails its send and leaves the set."""
        for connection in pending:
            connection.flush_some()

    def _drain_wake(self) -> None:
        try:
            while self._wake_r.recv(4096):
                pass
        except OSError:
            pass
