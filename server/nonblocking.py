"""Sends that never wait and reads that do, the same on Linux, macOS and Windows: a client's
socket is non-blocking once its TLS handshake is over (no MSG_DONTWAIT, which Windows lacks),
and its reader thread waits for input with `selectors` (poll where there is one, else select)."""

from __future__ import annotations

import selectors
import socket

# poll needs no file descriptor of its own (epoll would take one per client); Windows has none
Selector: type[selectors.BaseSelector] = getattr(selectors, "PollSelector",
                                                 selectors.SelectSelector)


def send_now(sock: socket.socket, data: bytes) -> int:
    """Send what the kernel takes at once from a non-blocking socket: the bytes sent (0 when
    its buffer is full). OSError when the connection is gone."""
    try:
        return sock.send(data)
    except BlockingIOError:
        return 0


def send_once(sock: socket.socket, data: bytes) -> None:
    """Best effort, before a close: one send that never waits, whatever the socket's mode."""
    try:
        sock.setblocking(False)
        sock.send(data)
    except OSError:
        pass


class Receiver:
    """One non-blocking socket's input for its reader thread: recv() waits until data (or the
    end) is there. close() releases the selector."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._selector = Selector()
        self._selector.register(sock, selectors.EVENT_READ)

    def recv(self, size: int) -> bytes:
        """The next bytes, b'' at the end (also after shutdown(SHUT_RD) from another thread)."""
        while True:
            try:
                return self.sock.recv(size)
            except BlockingIOError:
                self._selector.select()

    def close(self) -> None:
        self._selector.close()
