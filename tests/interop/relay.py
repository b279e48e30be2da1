"""A loopback TCP relay between one IRC client program and a server that keeps every line each
side sent, so a test can read what irssi or WeeChat asked and what they were answered."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from types import TracebackType

from ircproto.message import Message, MessageError, parse

READ_SIZE = 65536


class Relay:
    """Listens on 127.0.0.1 (port 0) for one client and joins it to upstream."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address: tuple[str, int] = self.listener.getsockname()[:2]
        self.sent: list[Message] = []  # by the client
        self.received: list[Message] = []  # by the client, from the server
        self._changed = threading.Condition()
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, name="irc-relay", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        try:
            near, _ = self.listener.accept()
        except OSError:  # closed before anyone came
            return
        far = socket.create_connection(self.upstream)
        self._sockets += [near, far]
        threading.Thread(target=self._pump, args=(far, near, self.received), daemon=True).start()
        self._pump(near, far, self.sent)

    def _pump(self, source: socket.socket, sink: socket.socket, lines: list[Message]) -> None:
        buffer = b""
        while True:
            try:
                data = source.recv(READ_SIZE)
            except OSError:
                break
            if not data:
                break
            buffer += data
            *complete, buffer = buffer.split(b"\n")
            with self._changed:  # recorded before it is passed on, so no answer to a line is
                for raw in complete:  # ever seen before the line itself
                    try:
                        lines.append(parse(raw.decode("utf-8", "replace")))
                    except MessageError:
                        continue
                self._changed.notify_all()
            try:
                sink.sendall(data)
            except OSError:
                break
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def wait_for(self, what: str, test: Callable[[Relay], bool], deadline: float = 15.0) -> None:
        """Until test(self) holds (checked whenever a line passes); fails after deadline."""
        with self._changed:
            if not self._changed.wait_for(lambda: test(self), deadline):
                sent = [m.format()[:120] for m in self.sent]
                raise AssertionError(f"never saw {what}; the client sent {sent}")

    def snapshot(self) -> tuple[list[Message], list[Message]]:
        """Copies of what the client sent and received so far."""
        with self._changed:
            return list(self.sent), list(self.received)

    def close(self) -> None:
        self.listener.close()
        for sock in self._sockets:
            sock.close()

    def __enter__(self) -> Relay:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
