"""A minimal IRC test client on a raw socket: every read has a deadline, PINGs are answered.

Used by the interop tests to talk to irssi and WeeChat through a server; not a general client.
"""

from __future__ import annotations

import socket
import time
from collections import deque
from collections.abc import Callable
from types import TracebackType

from ircproto.framing import LineDecoder, LineError
from ircproto.message import Message

DEFAULT_TIMEOUT = 15.0


class ExpectTimeout(AssertionError):
    """The expected message did not arrive before the deadline; carries what did arrive."""


class RawClient:
    """One connection to an IRC server, driven synchronously by the test."""

    def __init__(self, address: tuple[str, int], timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout
        self.sock = socket.create_connection(address, timeout=timeout)
        self._decoder = LineDecoder()
        self._pending: deque[Message] = deque()
        self.seen: list[Message] = []

    def send(self, line: str) -> None:
        """Send one line (CRLF is added)."""
        self.sock.sendall(line.encode("utf-8") + b"\r\n")

    def register(self, nick: str, user: str = "tester") -> Message:
        """NICK/USER, then wait for RPL_WELCOME (001)."""
        self.send(f"NICK {nick}")
        self.send(f"USER {user} 0 * :LocalChat interop tester")
        return self.expect("001")

    def join(self, channel: str) -> None:
        """JOIN and wait for the server's echo of it."""
        self.send(f"JOIN {channel}")
        self.expect("JOIN", lambda m: m.param(0).lower() == channel.lower())

    def expect(
        self,
        command: str,
        match: Callable[[Message], bool] | None = None,
        timeout: float | None = None,
    ) -> Message:
        """The next message with this command that satisfies match; others are skipped."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            while self._pending:
                message = self._pending.popleft()
                if message.verb == command.upper() and (match is None or match(message)):
                    return message
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                recent = "\n".join(m.format() for m in self.seen[-15:])
                raise ExpectTimeout(f"no {command} before the deadline; last lines:\n{recent}")
            self._read(remaining)

    def _read(self, remaining: float) -> None:
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            return
        if not data:
            raise ConnectionError("server closed the connection")
        for item in self._decoder.feed(data):
            if isinstance(item, LineError):
                raise AssertionError(f"server sent a bad line: {item}")
            self.seen.append(item)
            if item.verb == "PING":
                self.send(f"PONG :{item.param(0)}")
            self._pending.append(item)

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> RawClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def from_nick(message: Message, nick: str) -> bool:
    """Whether message comes from this nick (casefolding aside, as the tests use lower case)."""
    return (message.source or "").split("!", 1)[0] == nick
