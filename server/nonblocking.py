"""Sends that never wait and reads that do, the same on Linux, macOS and Windows: a client's
socket is non-blocking once its TLS handshake is over (no MSG_DONTWAIT, which Windows lacks),
and its reader thread waits for input with poll where there is one, else select (the writer
thread's loop uses `selectors`, the same choice)."""

from __future__ import annotations

import select
import selectors
import socket

# poll needs no file descriptor of its own (epoll would take one per client); Windows has none
Selector: type[selectors.BaseSelector] = getattr(selectors, "PollSelector",
                                                 selectors.SelectSelector)
_poll = getattr(select, "poll", None)


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


def wait_readable(sock: socket.socket) -> None:
    """Until sock has input, its end or an error. A poll object made for this one wait: ~2 us
    (a kept PollSelector's select() took ~6 us), and a waiting reader holds ~0.5 KiB of it
    (tracemalloc) where the kept PollSelector and its key were ~0.9 KiB a client.
    select() where there is no poll (Windows, where one socket is within its FD_SETSIZE);
    on Linux select cannot take a descriptor past 1023."""
    if _poll is None:
        select.select([sock], [], [])
        return
    poller = _poll()
    poller.register(sock, select.POLLIN)
    poller.poll()


class Receiver:
    """One non-blocking socket's input for its reader thread: recv() waits until data (or the
    end) is there; nothing is held between two waits."""

    __slots__ = ("sock",)

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def recv(self, size: int) -> bytes:
        """The next bytes, b'' at the end (also after shutdown(SHUT_RD) from another thread)."""
        while True:
            try:
                return self.sock.recv(size)
            except BlockingIOError:
                pass  # waited for below, the exception gone: it is not kept while idle (0.5 KiB)
            wait_readable(self.sock)
