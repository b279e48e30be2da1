"""An irctest-style raw IRC client for loopback tests: send lines, expect messages by deadline."""

from __future__ import annotations

import base64
import socket
import time
from collections.abc import Sequence

from ircproto.framing import LineDecoder, LineError
from ircproto.message import Message

DEFAULT_TIMEOUT = 3.0


class ExpectationError(AssertionError):
    """The expected message did not arrive in time."""


class RawClient:
    """A real socket to the server. Every read has a deadline; nothing blocks forever."""

    def __init__(
        self, address: tuple[str, int], timeout: float = DEFAULT_TIMEOUT, rcvbuf: int | None = None
    ) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:  # before connect, so the TCP window is small from the start
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        try:
            self.sock.connect(address)
        except OSError:
            self.sock.close()
            raise
        self.timeout = timeout
        self.decoder = LineDecoder(body_limit=1 << 20)
        self.inbox: list[Message] = []
        self.closed = False

    def __enter__(self) -> RawClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.sock.close()

    def send(self, line: str) -> None:
        self.sock.sendall(line.encode("utf-8") + b"\r\n")

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _read(self, deadline: float) -> bool:
        """Read one chunk before deadline into the inbox; False on timeout or EOF."""
        remaining = deadline - time.monotonic()
        if remaining <= 0 or self.closed:
            return False
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            return False
        except ConnectionResetError:
            data = b""
        if not data:
            self.closed = True
            return False
        for item in self.decoder.feed(data):
            if isinstance(item, LineError):
                raise AssertionError(f"server sent a bad line: {item}")
            self.inbox.append(item)
        return True

    def expect(
        self,
        command: str | None = None,
        params: Sequence[str | None] | None = None,
        source: str | None = None,
        timeout: float | None = None,
        skip: bool = True,
    ) -> Message:
        """The first message matching command/params (None in params matches anything) and
        source. With skip, earlier unrelated messages are dropped; without, the next message must
        match. Raises ExpectationError after the deadline."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            while self.inbox:
                message = self.inbox.pop(0)
                if _matches(message, command, params, source):
                    return message
                if not skip:
                    raise ExpectationError(f"expected {command} {params}, got {message.format()}")
            if not self._read(deadline):
                raise ExpectationError(
                    f"no {command} {params or ''} within the deadline"
                    + (" (connection closed)" if self.closed else "")
                )

    def collect_until(self, command: str, timeout: float | None = None) -> list[Message]:
        """Every message up to and including the first with command."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        seen: list[Message] = []
        while True:
            while self.inbox:
                message = self.inbox.pop(0)
                seen.append(message)
                if message.command == command:
                    return seen
            if not self._read(deadline):
                raise ExpectationError(f"no {command} within the deadline; got {seen}")

    def expect_nothing(self, timeout: float = 0.3) -> None:
        """Nothing arrives within timeout (used sparingly: it always waits the full time)."""
        deadline = time.monotonic() + timeout
        while self._read(deadline):
            pass
        if self.inbox:
            raise ExpectationError(f"unexpected: {[m.format() for m in self.inbox]}")

    def expect_closed(self, timeout: float | None = None) -> list[Message]:
        """Read until the server closes the connection; returns what came before."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while not self.closed:
            if not self._read(deadline) and not self.closed:
                raise ExpectationError("the connection stayed open")
        seen, self.inbox = self.inbox, []
        return seen

    def register(self, nick: str, user: str | None = None) -> Message:
        """NICK + USER, then wait for the end of the welcome burst (and the auto-join names)."""
        self.send(f"NICK {nick}")
        self.send(f"USER {user or nick} 0 * :Real {nick}")
        welcome = self.expect(command="001")
        self.expect(command="376")
        return welcome


    def list_caps(self) -> list[str]:
        """CAP LS 302 and every capability the server lists (in one line or several: a line
        with '*' before the list says more follow)."""
        self.send("CAP LS 302")
        caps: list[str] = []
        while True:
            line = self.expect(command="CAP", params=["*", "LS"])
            caps += line.params[-1].split()
            if len(line.params) < 4 or line.params[2] != "*":
                return caps

    def log_in(self, nick: str, account: str, password: str, caps: str = "") -> Message:
        """Register as nick logged in to account with SASL PLAIN (before CAP END), caps also
        requested; waits for the end of the welcome burst."""
        self.send("CAP LS 302")
        self.send(f"CAP REQ :{' '.join(('sasl', *caps.split()))}")
        self.expect(command="CAP", params=["*", "ACK"])
        self.send(f"NICK {nick}")
        self.send(f"USER {nick} 0 * :Real {nick}")
        self.send("AUTHENTICATE PLAIN")
        self.expect(command="AUTHENTICATE", params=["+"])
        payload = base64.b64encode(f"\0{account}\0{password}".encode()).decode("ascii")
        self.send(f"AUTHENTICATE {payload}")
        self.expect(command="903")
        self.send("CAP END")
        welcome = self.expect(command="001")
        self.expect(command="376")
        return welcome


def _matches(
    message: Message, command: str | None, params: Sequence[str | None] | None, source: str | None
) -> bool:
    if command is not None and message.command != command:
        return False
    if source is not None and message.source != source:
        return False
    if params is not None:
        if len(params) > len(message.params):
            return False
        return all(p is None or p == actual for p, actual in zip(params, message.params))
    return True
