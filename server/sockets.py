"""Socket options and small socket chores for client connections: tuning a new socket, naming its
host, shutting one down, and draining a client that is still sending as it is dropped."""

from __future__ import annotations

import socket
import time

RECV_SIZE = 16384
# A fixed kernel send buffer (Linux doubles it) instead of autotuning up to 4 MB, so a stopped
# reader fills its SendQ and is dropped soon, with a bounded amount of memory held for it.
SOCKET_SNDBUF = 64 * 1024
KEEPALIVE = (60, 15, 4)  # TCP keepalive: idle seconds, interval, probes (half-open peers)
DRAIN_TIMEOUT, DRAIN_LIMIT = 1.0, 1 << 20  # reading what a dropped flooder still sends


def configure_socket(sock: socket.socket) -> None:
    """No Nagle delay, a bounded send buffer, and keepalive so half-open peers are found."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_SNDBUF)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for option, value in zip(("TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT"), KEEPALIVE,
                             strict=True):
        if hasattr(socket, option):
            sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, option), value)


def format_host(address: str) -> str:
    """The host part of nick!user@host: an IPv6 address must not start with ':'."""
    return "0" + address if address.startswith(":") else address


def shut_down(sock: socket.socket) -> None:
    """Shut both directions down, so a thread blocked in recv() on sock returns at once."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed or never connected
        pass


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
