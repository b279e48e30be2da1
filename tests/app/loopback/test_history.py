"""Nothing is ever lost: the real client stack against the LocalChat server catches up on what it
missed while away (also across a SIGKILL and restart of the server), and sends what was typed
while the server was down, each message exactly once and in order."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.controllers import ClientController
from app.models.log import LogEntry
from server import config, tcp
from tests.app.loopback.conftest import Clients, pump_until
from tests.fakes import FakeView

ROOT = Path(__file__).resolve().parents[3]
COUNT = 200


def said_by(controller: ClientController, sender: str, channel: str = "#lobby") -> list[LogEntry]:
    """sender's chat lines in channel (not their joins and parts, which carry their nick too:
    whether bob's log shows alice rejoining depends on which of them reconnects first)."""
    found = controller.conversations.get(channel)
    return [e for e in found.entries() if e.sender == sender and not e.presence] if found else []


def lines_from(controller: ClientController, sender: str, channel: str = "#lobby") -> list[str]:
    return [e.text for e in said_by(controller, sender, channel)]


def pending(controller: ClientController, channel: str = "#lobby") -> int:
    found = controller.conversations.get(channel)
    return sum(e.pending for e in found.entries()) if found else 0


def go_offline(clients: Clients, controller: ClientController, view: FakeView) -> None:
    clients.cut(controller)
    pump_until([view], lambda: view.status[0] == "disconnected", "the loss to show")


def say_all(controller: ClientController, view: FakeView, texts: list[str]) -> None:
    """Send texts, then pump until the server has echoed every one."""
    for text in texts:
        controller.on_send(text)
    pump_until([view], lambda: pending(controller) == 0
               and lines_from(controller, controller.params.nick)[-1:] == texts[-1:],
               "every message to be echoed", deadline=30)


def assert_exactly_once_in_order(controller: ClientController, sender: str,
                                 expected: list[str]) -> None:
    heard = lines_from(controller, sender)
    assert heard == expected
    ids = [e.msgid for e in said_by(controller, sender)]
    assert all(ids) and len(set(ids)) == len(ids)
    times = [e.time for e in said_by(controller, sender)]
    assert times == sorted(times)


@pytest.fixture
def server() -> Iterator[object]:
    with tcp.start_server_thread(config.ServerConfig(host="127.0.0.1", port=0)) as srv:
        yield srv


def test_history_gap_after_reconnect_holds_every_message_once_in_order(server, clients):
    alice, alice_view = clients.online(server.server_address, "alice")
    bob, bob_view = clients.online(server.server_address, "bob")
    say_all(alice, alice_view, ["before"])
    pump_until([bob_view], lambda: lines_from(bob, "alice") == ["before"], "bob to hear")
    go_offline(clients, bob, bob_view)
    texts = [f"gap message {n}" for n in range(COUNT)]
    say_all(alice, alice_view, texts)
    pump_until([bob_view], lambda: len(lines_from(bob, "alice")) >= COUNT + 1,
               "bob to catch up", deadline=30)
    pump_until([bob_view], lambda: bob.caught_up, "the last history page")
    assert_exactly_once_in_order(bob, "alice", ["before", *texts])
    gap = [e for e in bob.conversations.get("#lobby").entries() if e.text in texts]
    assert all(e.replayed for e in gap)
    assert bob.session.history_limit < COUNT  # so it took more than one page


def test_history_client_restart_resumes_from_its_cache(server, clients):
    alice, alice_view = clients.online(server.server_address, "alice")
    bob, bob_view = clients.online(server.server_address, "bob", cache=True)
    say_all(alice, alice_view, ["before"])
    pump_until([bob_view], lambda: lines_from(bob, "alice") == ["before"], "bob to hear")
    bob.shut_down("restarting")
    texts = [f"while closed {n}" for n in range(COUNT)]
    say_all(alice, alice_view, texts)
    again, view = clients.start(server.server_address, "bob", cache=True)
    assert "before" in view.texts()  # from the cache, before the server said a word
    pump_until([view], lambda: len(lines_from(again, "alice")) >= COUNT + 1
               and again.caught_up, "bob to catch up after the restart", deadline=30)
    assert_exactly_once_in_order(again, "alice", ["before", *texts])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """`python -m server` on a fixed port with its history in a file; kill() is SIGKILL."""

    def __init__(self, port: int, data: Path) -> None:
        self.port, self.data = port, data
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", str(self.port),
             "--data-dir", str(self.data), "--db", str(self.data / "history.sqlite3")],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        end = time.monotonic() + 15
        while time.monotonic() < end:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError as error:
                if self.process.poll() is not None:
                    raise AssertionError(
                        self.process.stderr.read().decode()) from error  # type: ignore
                time.sleep(0.05)
        raise AssertionError("the server did not start listening in 15 s")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.stop()

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
            self.process.wait(timeout=15)
            assert self.process.stderr is not None
            self.process.stderr.close()
            self.process = None


@pytest.fixture
def server_process(tmp_path) -> Iterator[ServerProcess]:
    made = ServerProcess(free_port(), tmp_path / "server")
    made.data.mkdir()
    made.start()
    yield made
    made.stop()


def test_history_gap_across_server_sigkill_and_restart(server_process, clients):
    address = ("127.0.0.1", server_process.port)
    alice, alice_view = clients.online(address, "alice")
    bob, bob_view = clients.online(address, "bob")
    say_all(alice, alice_view, ["before"])
    pump_until([bob_view], lambda: lines_from(bob, "alice") == ["before"], "bob to hear")
    go_offline(clients, bob, bob_view)
    first = [f"first half {n}" for n in range(COUNT // 2)]
    say_all(alice, alice_view, first)
    server_process.kill()
    pump_until([alice_view], lambda: alice_view.status[0] == "disconnected", "alice's loss")
    server_process.start()
    pump_until([alice_view], lambda: alice.caught_up, "alice to reconnect", deadline=30)
    second = [f"second half {n}" for n in range(COUNT // 2)]
    say_all(alice, alice_view, second)
    pump_until([bob_view], lambda: len(lines_from(bob, "alice")) >= COUNT + 1,
               "bob to catch up", deadline=30)
    pump_until([bob_view], lambda: bob.caught_up, "the last history page")
    assert_exactly_once_in_order(bob, "alice", ["before", *first, *second])
    assert_exactly_once_in_order(alice, "alice", ["before", *first, *second])


def test_history_offline_outbox_arrives_once_in_order_after_restart(clients, tmp_path):
    accounts = str(tmp_path / "accounts.sqlite3")  # the clients' accounts survive the restart
    srv = tcp.start_server_thread(config.ServerConfig(host="127.0.0.1", port=0,
                                                      accounts_db=accounts))
    try:
        address = srv.server_address
        alice, alice_view = clients.online(address, "alice")
        bob, bob_view = clients.online(address, "bob")
        srv.stop()
        pump_until([alice_view], lambda: alice_view.status[0] == "disconnected", "the loss")
        typed = [f"typed offline {n}" for n in range(5)]
        for text in typed:
            alice.on_send(text)
        shown = [e for e in alice_view.entries if e.text in typed]
        assert [e.text for e in shown] == typed and all(e.pending for e in shown)
        srv = tcp.start_server_thread(config.ServerConfig(host="127.0.0.1", port=address[1],
                                                          accounts_db=accounts))
        pump_until([alice_view, bob_view], lambda: lines_from(bob, "alice") == typed
                   and pending(alice) == 0, "the outbox to arrive", deadline=30)
        pump_until([alice_view, bob_view], lambda: bob.caught_up and alice.caught_up,
                   "history to settle")
        assert_exactly_once_in_order(bob, "alice", typed)
        assert_exactly_once_in_order(alice, "alice", typed)
        delivered = [e for e in alice_view.entries if e.text in typed]
        assert [e.text for e in delivered] == typed and not any(e.pending for e in delivered)
    finally:
        srv.stop()
