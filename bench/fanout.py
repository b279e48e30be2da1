"""`python -m bench.fanout`: the server's own CPU per delivered line of one channel message, in
process, without the load generator: one thread dispatches PRIVMSGs to a channel of N members
(real Connections over socket pairs, drained by another thread) and its thread CPU time is
divided by the deliveries. Prints the figure with and without history, per message and per
recipient, so a change to the delivery path can be measured with little noise (issue 12).
"""

from __future__ import annotations

import argparse
import selectors
import socket
import statistics
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

from ircproto.framing import LineDecoder
from server.commands import dispatch, flush
from server.config import ServerConfig
from server.connection import Connection, Writer
from server.state import Client, State

CHANNEL = "#bench"
TEXT = "1764655200000000000 a message of a usual length, about sixty bytes"


class Drain:
    """Reads every receiving socket until closed (so sends never stop), in its own thread."""

    def __init__(self) -> None:
        self.selector = selectors.DefaultSelector()
        self.delivered = 0  # PRIVMSG lines received, all sockets together
        self._thread = threading.Thread(target=self._run, daemon=True)

    def add(self, sock: socket.socket) -> None:
        sock.setblocking(False)
        self.selector.register(sock, selectors.EVENT_READ)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while self.selector.get_map():
            for key, _ in self.selector.select(1.0):
                sock: socket.socket = key.fileobj  # type: ignore[assignment]
                try:
                    data = sock.recv(1 << 20)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    self.selector.unregister(sock)
                self.delivered += data.count(b" PRIVMSG ")

    def wait_for(self, deliveries: int, timeout: float) -> bool:
        """Whether `deliveries` PRIVMSG lines arrived within timeout seconds."""
        deadline = time.monotonic() + timeout
        while self.delivered < deliveries and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.delivered >= deliveries


def run_lines(state: State, client: Client, lines: list[str]) -> None:
    items = LineDecoder().feed("".join(f"{line}\r\n" for line in lines).encode())
    flush(dispatch(state, client, items))


def measure(members: int, messages: int, db: str) -> tuple[float, float]:
    """(thread CPU us per delivery, per message) of the sending thread; every delivery must
    arrive."""
    config = replace(ServerConfig(host="127.0.0.1", port=0), db=db, channel=CHANNEL,
                     flood_rate=0, sendq=1 << 30)
    state = State(config)
    writer = Writer(state.history)
    writer.start()
    drain = Drain()
    sockets: list[socket.socket] = []
    clients = []
    for index in range(members):
        ours, theirs = socket.socketpair()
        ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        sockets += (ours, theirs)
        drain.add(theirs)
        with state.lock:
            client = state.add_client(Connection(ours, writer, config.sendq), "127.0.0.1")
        run_lines(state, client, [f"NICK m{index}", f"USER m{index} 0 * :bench"])
        clients.append(client)
    drain.start()
    sender = clients[0]
    batch = [f"PRIVMSG {CHANNEL} :{TEXT}"]
    for _ in range(50):  # warm up
        run_lines(state, sender, batch)
    start = time.thread_time()
    for _ in range(messages):
        run_lines(state, sender, batch)
    spent = time.thread_time() - start
    expected = (50 + messages) * (members - 1)
    if not drain.wait_for(expected, 30.0):
        raise RuntimeError(f"{drain.delivered} of {expected} deliveries arrived")
    writer.stop()
    for sock in sockets:
        sock.close()
    state.history.close()
    state.accounts.close()
    state.privileges.close()
    per_message = spent / messages * 1e6
    return per_message / (members - 1), per_message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for label, db in (("history in a file", str(Path(tmp) / "history.sqlite3")),
                          ("history in memory", ":memory:")):
            runs = [measure(args.members, args.messages, db) for _ in range(args.runs)]
            per_delivery = [run[0] for run in runs]
            per_message = [run[1] for run in runs]
            print(f"{args.members} members, {label}: sender thread CPU per delivery "
                  f"median {statistics.median(per_delivery):.2f} us "
                  f"(runs {min(per_delivery):.2f}-{max(per_delivery):.2f}); per message "
                  f"{statistics.median(per_message):.0f} us")


if __name__ == "__main__":
    main()
