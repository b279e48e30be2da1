"""Connection tests over real loopback sockets: connect, lines in and out, and every way it ends."""

from __future__ import annotations

import queue
import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest

from app.models.connection import Connection, connect_error
from app.models.events import ConnectFailed, ConnectionClosed, ConnectionOpened
from ircproto.framing import LineError
from ircproto.message import Message
from tests.app.tlspeer import recv_until

DEADLINE = 5.0


def next_item(connection: Connection) -> object:
    try:
        return connection.events.get(timeout=DEADLINE)
    except queue.Empty:
        raise AssertionError(f"no event within {DEADLINE} s") from None


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(DEADLINE)
    yield sock
    sock.close()


def open_pair(listener: socket.socket) -> tuple[Connection, socket.socket]:
    host, port = listener.getsockname()
    connection = Connection(host, port, connect_timeout=DEADLINE)
    connection.start()
    peer, _ = listener.accept()
    peer.settimeout(DEADLINE)
    assert next_item(connection) == ConnectionOpened(host, port)
    return connection, peer


def test_connection_delivers_lines_and_sends(listener):
    connection, peer = open_pair(listener)
    with peer:
        peer.sendall(b":srv 001 me :Welcome\r\nPING :x\r\nPRIVMSG #a :caf\xe9\r\n")
        items = [next_item(connection) for _ in range(3)]
        assert [m.command for m in items] == ["001", "PING", "PRIVMSG"]
        assert items[2].params[1] == "café"  # latin-1 fallback for non-UTF-8 lines
        connection.send(Message("PONG", ("x",)))
        assert recv_until(peer, b"\r\n") == b"PONG x\r\n"
        connection.close()
    closed = next_item(connection)
    assert closed == ConnectionClosed("Disconnected", by_us=True)


def test_connection_queues_sends_made_before_connected_and_flushes_quit_on_close(listener):
    host, port = listener.getsockname()
    connection = Connection(host, port)
    connection.send(Message("NICK", ("early",)))
    connection.start()
    peer, _ = listener.accept()
    with peer:
        assert recv_until(peer, b"\r\n") == b"NICK early\r\n"
        connection.send(Message("QUIT", ("bye",)))
        connection.close()
        assert recv_until(peer, b"never") == b"QUIT bye\r\n"  # then EOF


def test_connection_peer_close_is_not_by_us(listener):
    connection, peer = open_pair(listener)
    peer.close()
    closed = next_item(connection)
    assert isinstance(closed, ConnectionClosed) and not closed.by_us
    assert "closed the connection" in closed.reason
    connection.close()


def test_connection_reset_by_peer_is_reported(listener):
    connection, peer = open_pair(listener)
    peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    peer.close()  # linger 0: the kernel sends RST
    closed = next_item(connection)
    assert isinstance(closed, ConnectionClosed) and not closed.by_us
    assert "reset" in closed.reason.lower() or "closed" in closed.reason
    connection.close()


def test_connection_refused_gives_clear_reason():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    connection = Connection("127.0.0.1", port)
    connection.start()
    assert next_item(connection) == ConnectFailed(f"Connection refused by 127.0.0.1:{port}")
    connection.close()


def test_connection_dns_failure_gives_clear_reason():
    def no_dns(address, timeout):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    connection = Connection("nowhere.invalid", 6667, socket_factory=no_dns)
    connection.start()
    assert next_item(connection) == ConnectFailed("Could not resolve host 'nowhere.invalid'")
    connection.close()


def test_connect_error_texts_for_timeout_and_other():
    assert connect_error("h", 1, TimeoutError()) == "Timed out connecting to h:1"
    assert "No route" in connect_error("h", 1, OSError(113, "No route to host"))


def test_connection_reports_too_long_line_and_continues(listener):
    connection, peer = open_pair(listener)
    with peer:
        peer.sendall(b"PRIVMSG #a :" + b"x" * 600 + b"\r\nPING :ok\r\n")
        error = next_item(connection)
        assert isinstance(error, LineError) and error.reason == "too long"
        assert next_item(connection) == Message("PING", ("ok",))
        connection.close()


def test_connection_close_before_start_and_twice_is_safe():
    connection = Connection("127.0.0.1", 1)
    connection.close()
    connection.close()
    assert connection.events.empty()



def test_connection_close_while_connecting_returns_soon_and_cancels(listener):
    release = threading.Event()

    def slow_connect(address, timeout):
        release.wait(DEADLINE)  # a connect() that no other thread can interrupt
        return socket.create_connection(listener.getsockname(), timeout)

    connection = Connection("slow.example", 1, socket_factory=slow_connect)
    connection.start()
    started = time.monotonic()
    connection.close()
    assert not connection.wait_closed(0.2)  # the connect() is still in progress
    assert time.monotonic() - started < DEADLINE / 2
    release.set()
    assert next_item(connection) == ConnectFailed("Connecting was cancelled")
    assert connection.wait_closed(DEADLINE)
    connection.close()  # now the reader has ended
    accepted, _ = listener.accept()
    accepted.close()


class BrokenPipeSocket:
    """A socket whose sends fail; recv blocks until shutdown, like a real one."""

    def __init__(self) -> None:
        self.down = threading.Event()
        self.closed = False

    def settimeout(self, value):
        pass

    def recv(self, size):
        self.down.wait(DEADLINE)
        return b""

    def sendall(self, data):
        raise BrokenPipeError(32, "Broken pipe")

    def shutdown(self, how):
        self.down.set()

    def close(self):
        self.closed = True


def test_connection_send_failure_reason_is_reported():
    fake = BrokenPipeSocket()
    connection = Connection("h", 1, socket_factory=lambda address, timeout: fake)
    connection.start()
    assert next_item(connection) == ConnectionOpened("h", 1)
    connection.send(Message("PING", ("x",)))
    closed = next_item(connection)
    assert closed == ConnectionClosed("Sending to h:1 failed: Broken pipe", by_us=False)
    assert fake.closed
    connection.close()


class BuggySocket(BrokenPipeSocket):
    """A socket whose recv (or sendall) raises what no socket should: a bug in the stack."""

    def __init__(self, recv_error: Exception | None = None,
                 send_error: Exception | None = None) -> None:
        super().__init__()
        self.recv_error, self.send_error = recv_error, send_error

    def recv(self, size):
        if self.recv_error is not None:
            raise self.recv_error
        return super().recv(size)

    def sendall(self, data):
        if self.send_error is not None:
            raise self.send_error
        self.down.wait(DEADLINE)


def test_connection_a_bug_in_the_reader_is_reported_at_once(caplog):
    fake = BuggySocket(recv_error=RuntimeError("decoder bug"))
    connection = Connection("h", 1, socket_factory=lambda address, timeout: fake)
    started = time.monotonic()
    connection.start()
    assert next_item(connection) == ConnectionOpened("h", 1)
    closed = next_item(connection)
    assert time.monotonic() - started < DEADLINE / 2  # not after a keepalive
    assert closed == ConnectionClosed(
        "Internal error in the connection to h:1: RuntimeError('decoder bug')", by_us=False)
    assert fake.closed and "the reader of h:1 failed" in caplog.text
    assert connection.wait_closed(DEADLINE)


def test_connection_a_bug_in_the_writer_ends_the_connection_at_once(caplog):
    fake = BuggySocket(send_error=RuntimeError("encoder bug"))
    connection = Connection("h", 1, socket_factory=lambda address, timeout: fake)
    connection.start()
    assert next_item(connection) == ConnectionOpened("h", 1)
    connection.send(Message("PING", ("x",)))
    closed = next_item(connection)
    assert closed == ConnectionClosed(
        "Internal error sending to h:1: RuntimeError('encoder bug')", by_us=False)
    assert "the writer of h:1 failed" in caplog.text
    connection.close()
    assert connection.wait_closed(DEADLINE)


def test_connection_close_returns_at_once_while_a_send_blocks():
    fake = BuggySocket()  # sendall blocks until the socket is shut down
    connection = Connection("h", 1, socket_factory=lambda address, timeout: fake)
    connection.start()
    assert next_item(connection) == ConnectionOpened("h", 1)
    connection.send(Message("QUIT", ("bye",)))
    started = time.monotonic()
    connection.close()
    assert time.monotonic() - started < 0.2  # the closer thread waits, not the caller
    assert next_item(connection) == ConnectionClosed("Disconnected", by_us=True)
    assert connection.wait_closed(DEADLINE) and fake.closed
