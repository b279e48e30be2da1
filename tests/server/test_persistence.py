"""History survives the server: `python -m server --db FILE` killed with SIGKILL and restarted
returns every relayed message in order; read markers follow an account across reconnects."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.accounts import ACCOUNTS_FILE, AccountStore
from server.tcp import ServerHandle
from tests.server.conftest import config
from tests.server.fakes import FAST_HASHER, PASSWORD, sasl_plain
from tests.server.ircclient import RawClient

REPO = Path(__file__).resolve().parents[2]
START_DEADLINE = 15.0
HISTORY_CAPS = "batch server-time message-tags echo-message draft/read-marker"


class ServerProcess:
    """`python -m server` on port 0; the port is read from its log."""

    def __init__(self, db: Path, workdir: Path) -> None:
        self.log_path = workdir / f"server-{time.monotonic_ns()}.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", "0",
                 "--db", str(db), "--data-dir", str(workdir)],
                cwd=REPO, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            )
        self.address = ("127.0.0.1", self._wait_for_port())

    def _wait_for_port(self) -> int:
        deadline = time.monotonic() + START_DEADLINE
        while time.monotonic() < deadline:
            found = re.search(r"listening on 127\.0\.0\.1:(\d+)", self.log_path.read_text())
            if found:
                return int(found.group(1))
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.kill()
        raise AssertionError(f"the server did not start: {self.log_path.read_text()}")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator:
    started: list[ServerProcess] = []

    def make(db: Path) -> ServerProcess:
        started.append(ServerProcess(db, tmp_path))
        return started[-1]

    yield make
    for server in started:
        server.kill()


def login(address: tuple[str, int], nick: str) -> RawClient:
    """nick, logged in to the account of that name (PASSWORD), in #lobby with HISTORY_CAPS."""
    client = RawClient(address, timeout=5.0)
    client.log_in(nick, nick, PASSWORD, HISTORY_CAPS)
    client.expect(command="366")  # the auto-join's names
    return client


def create_accounts(store: AccountStore, *names: str) -> None:
    for name in names:
        store.create(name, PASSWORD)


def negotiate(client: RawClient, nick: str, caps: str) -> RawClient:
    """Register with caps requested before CAP END; wait for the end of the MOTD."""
    lines = ("CAP LS 302", f"CAP REQ :{caps}", f"NICK {nick}", f"USER {nick} 0 * :R", "CAP END")
    for line in lines:
        client.send(line)
    client.expect(command="CAP", params=["*", "ACK"])
    client.expect(command="001")
    client.expect(command="376")
    return client


def history(client: RawClient, line: str) -> list[tuple[str, str, str]]:
    """(msgid, source nick, text) of each message in the chathistory batch answering line."""
    client.send(line)
    batch = client.collect_until("BATCH")[-1]
    assert batch.params[1] == "chathistory", batch
    found = []
    for message in client.collect_until("BATCH")[:-1]:
        nick = (message.source or "").split("!")[0]
        found.append((message.tags["msgid"], nick, message.params[1]))
    return found


def test_persistence_every_relayed_message_survives_sigkill(spawn, tmp_path: Path):
    db = tmp_path / "history.sqlite3"
    store = AccountStore(str(tmp_path / ACCOUNTS_FILE), hasher=FAST_HASHER)
    create_accounts(store, "alice", "bob")  # the spawned servers use this data dir
    store.close()
    first = spawn(db)
    alice, bob = login(first.address, "alice"), login(first.address, "bob")
    relayed: list[tuple[str, str, str]] = []
    with alice, bob:
        for i in range(30):
            sender, receiver = (alice, bob) if i % 3 else (bob, alice)
            sender.send(f"PRIVMSG #lobby :message {i}")
            got = receiver.expect(command="PRIVMSG", params=["#lobby", f"message {i}"])
            relayed.append((got.tags["msgid"], (got.source or "").split("!")[0], got.params[1]))
        alice.send("PRIVMSG bob :just for you")
        private = bob.expect(command="PRIVMSG", params=["bob", "just for you"])
        first.kill()  # SIGKILL right after the last delivery: no shutdown, no flush
    second = spawn(db)
    with login(second.address, "alice") as alice, login(second.address, "bob") as bob:
        assert history(alice, "CHATHISTORY LATEST #lobby * 100") == relayed
        assert history(bob, "CHATHISTORY LATEST alice * 10") == [
            (private.tags["msgid"], "alice", "just for you")
        ]


@pytest.fixture
def server_config(tmp_path: Path):
    return config(db=str(tmp_path / "markers.sqlite3"))


def test_persistence_markread_follows_the_account_across_reconnects(server: ServerHandle):
    stamp = "2026-11-24T12:34:56.789Z"
    server.state.accounts._hasher = FAST_HASHER
    create_accounts(server.state.accounts, "alice")
    with login(server.server_address, "alice") as alice:
        alice.send(f"MARKREAD #lobby timestamp={stamp}")
        alice.expect(command="MARKREAD", params=["#lobby", f"timestamp={stamp}"])
        alice.send("QUIT")
        alice.expect_closed()
    with RawClient(server.server_address) as again:
        again.send("CAP LS 302")
        again.send("CAP REQ :sasl draft/read-marker")
        again.send("NICK ally")  # another nick: the marker is the account's
        again.send("USER ally 0 * :R")
        again.send("AUTHENTICATE PLAIN")
        again.send(f"AUTHENTICATE {sasl_plain('alice')}")
        again.send("CAP END")
        join = again.expect(command="JOIN", params=["#lobby"])
        marker = again.expect(command="MARKREAD", skip=False)
        assert (join.source or "").startswith("ally!")
        assert marker.params == ("#lobby", f"timestamp={stamp}")
        again.expect(command="366")


def test_persistence_options_default_to_a_file_in_the_data_dir(tmp_path: Path):
    from server.__main__ import HISTORY_FILE, build_parser, config_from_args
    from server.config import ServerConfig

    assert ServerConfig().db == ":memory:"  # tests and embedders never touch the user's files
    args = build_parser().parse_args(["--data-dir", str(tmp_path)])
    assert config_from_args(args).db == str(tmp_path / HISTORY_FILE)
    args = build_parser().parse_args(["--db", ":memory:", "--history-days", "7",
                                      "--history-max-per-target", "50"])
    chosen = config_from_args(args)
    assert (chosen.db, chosen.history_days, chosen.history_max_per_target) == (":memory:", 7, 50)


def test_persistence_bad_history_options_are_usage_errors(tmp_path: Path, capsys):
    from server.__main__ import main

    assert main(["--history-days", "0", "--db", ":memory:"]) == 2
    assert "history-days" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["--host", "127.0.0.1", "--port", "0", "--db", str(blocker / "h.db")]) == 2
    assert "cannot open the history database" in capsys.readouterr().err
