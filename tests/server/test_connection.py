"""Connection output buffering and the writer thread, over real socket pairs (no server)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from server.connection import Connection, Writer
from server.nonblocking import Receiver


@pytest.fixture
def writer():
    writer = Writer()
    writer.start()
    yield writer
    writer.stop()


@pytest.fixture
def pair():
    ours, theirs = socket.socketpair()
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    theirs.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    theirs.settimeout(5)
    yield ours, theirs
    ours.close()
    theirs.close()


def read_exactly(sock: socket.socket, size: int, timeout: float = 5.0) -> bytes:
    deadline = time.monotonic() + timeout
    data = bytearray()
    while len(data) < size:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(size - len(data))
        assert chunk, "closed early"
        data += chunk
    return bytes(data)


def test_connection_write_goes_straight_to_the_socket(writer, pair):
    ours, theirs = pair
    connection = Connection(ours, writer, sendq=10_000)
    connection.write(b"PING :x\r\n")
    assert connection.queued == 0
    assert read_exactly(theirs, 9) == b"PING :x\r\n"


def test_connection_buffers_what_the_kernel_refuses_and_writer_flushes_in_order(writer, pair):
    ours, theirs = pair
    connection = Connection(ours, writer, sendq=1_000_000)
    lines = [f"PRIVMSG #x :{i:05d} {'y' * 90}\r\n".encode() for i in range(2000)]
    for line in lines:
        connection.write(line)  # never blocks, though nobody reads yet
    assert connection.queued > 0
    expected = b"".join(lines)
    assert read_exactly(theirs, len(expected)) == expected
    assert connection.finish(None, timeout=2)


def test_connection_once_flushed_the_writer_stops_watching_it(writer, pair):
    """(The writer used to keep a flushed connection in its set: select said writable at once,
    for ever, and the thread spun at 100% CPU until the client left.)"""
    ours, theirs = pair
    connection = Connection(ours, writer, sendq=1_000_000)
    lines = [f"PRIVMSG #x :{i:05d} {'y' * 90}\r\n".encode() for i in range(2000)]
    for line in lines:
        connection.write(line)
    assert connection.queued > 0 and connection in writer._pending
    expected = b"".join(lines)
    assert read_exactly(theirs, len(expected)) == expected
    deadline = time.monotonic() + 5
    while connection in writer._pending and time.monotonic() < deadline:
        time.sleep(0.01)  # bounded wait for the writer thread's last flush_some()
    assert connection not in writer._pending
    connection.write(b"PING :again\r\n")  # still usable, straight to the socket
    assert read_exactly(theirs, 13) == b"PING :again\r\n"


def test_connection_sendq_exceeded_stops_output_and_wakes_reader(writer, pair):
    ours, _ = pair
    connection = Connection(ours, writer, sendq=20_000)
    got: list[bytes] = []
    receiver = Receiver(ours)  # as the reader thread waits (the socket is non-blocking now)
    reader = threading.Thread(target=lambda: got.append(receiver.recv(10)))
    reader.start()
    for _ in range(1000):
        connection.write(b"x" * 100 + b"\r\n")
        if connection.close_reason:
            break
    reader.join(5)
    assert not reader.is_alive() and got == [b""]  # the waiting recv returned: EOF
    assert connection.close_reason == "SendQ exceeded" and connection.queued == 0
    connection.write(b"more\r\n")
    assert connection.queued == 0


def test_connection_abort_wakes_blocked_reader_once(writer, pair):
    ours, _ = pair
    connection = Connection(ours, writer, sendq=10_000)
    got: list[bytes] = []
    receiver = Receiver(ours)
    reader = threading.Thread(target=lambda: got.append(receiver.recv(10)))
    reader.start()
    connection.abort("Ping timeout: 1 seconds")
    connection.abort("second reason is ignored")
    reader.join(5)
    assert got == [b""] and connection.close_reason == "Ping timeout: 1 seconds"


def test_connection_final_write_refuses_later_writes(writer, pair):
    ours, theirs = pair
    connection = Connection(ours, writer, sendq=10_000)
    connection.write_final(b"ERROR :Server shutting down\r\n")
    connection.write(b"PRIVMSG late\r\n")
    assert connection.finish(b"ERROR :again\r\n", timeout=2)
    ours.shutdown(socket.SHUT_WR)
    assert theirs.recv(100) == b"ERROR :Server shutting down\r\n"


def test_connection_write_to_closed_peer_is_quiet(writer, pair):
    ours, theirs = pair
    theirs.close()
    connection = Connection(ours, writer, sendq=10_000)
    connection.write(b"x\r\n")
    connection.write(b"y\r\n")
    assert connection.queued == 0 and connection.finish(None, timeout=0.5)


def test_connection_queue_sends_nothing_until_push(writer, pair):
    ours, theirs = pair
    connection = Connection(ours, writer, sendq=10_000)
    connection.queue(b"one\r\n")
    connection.queue(b"two\r\n")
    theirs.setblocking(False)
    with pytest.raises(BlockingIOError):
        theirs.recv(100)
    connection.push()
    theirs.setblocking(True)
    assert read_exactly(theirs, 10) == b"one\r\ntwo\r\n"


def test_connection_queue_overflow_is_acted_on_at_push(writer, pair):
    ours, _ = pair
    connection = Connection(ours, writer, sendq=1_000)
    connection.queue(b"x" * 1_001)
    assert connection.close_reason is None and connection.queued == 1_001
    connection.push()
    assert connection.close_reason == "SendQ exceeded" and connection.queued == 0
