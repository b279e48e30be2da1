"""Nothing typed is lost to a crash: a real `python -m app` (its window under Xvfb, driven by
tests/gui/typist.py) loses its server, three messages are typed, the process is killed with
SIGKILL, the server comes back, the client starts again, and the other side receives the three,
in order, once."""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from server.config import ServerConfig
from server.tcp import ServerHandle, start_server_thread
from tests.interop.rawclient import RawClient, from_nick

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 20.0
TYPED = ["first after the crash", "second after the crash", "third after the crash"]


class AppProcess:
    """python -m tests.gui.typist with the app's arguments; says() waits for a stdout line."""

    def __init__(self, port: int, home: Path) -> None:
        env = {**os.environ, "LOCALCHAT_CONFIG_DIR": str(home / "config"),
               "LOCALCHAT_DATA_DIR": str(home / "data"),
               "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.gui.typist", "--host", "127.0.0.1", "--port",
             str(port), "--nick", "alice"], cwd=ROOT, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.heard: list[str] = []
        self._looked = 0
        """heard[:_looked] was matched already: says() looks at what came after."""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def tell(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def says(self, wanted: str) -> None:
        """Wait until the app printed the line wanted after the last one waited for (raises
        with what it printed)."""
        end = time.monotonic() + DEADLINE
        while wanted not in self.heard[self._looked:]:
            try:
                self.heard.append(self.lines.get(timeout=max(0.0, end - time.monotonic())))
            except queue.Empty:
                raise AssertionError(f"the app never said {wanted!r}; it said {self.heard}, "
                                     f"stderr: {self._stderr()}") from None
        self._looked += self.heard[self._looked:].index(wanted) + 1

    def _stderr(self) -> str:
        if self.process.poll() is None:
            return "(still running)"
        assert self.process.stderr is not None
        return self.process.stderr.read()

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait(timeout=DEADLINE) == -signal.SIGKILL

    def quit(self) -> None:
        self.tell("quit")
        assert self.process.wait(timeout=DEADLINE) == 0, self._stderr()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=DEADLINE)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def serve(port: int, accounts: Path) -> ServerHandle:
    return start_server_thread(ServerConfig(host="127.0.0.1", port=port,
                                            accounts_db=str(accounts)))


def kept_in_cache(home: Path) -> list[str]:
    """The outbox rows the killed app left on disk, oldest first."""
    with sqlite3.connect(home / "data" / "cache.sqlite3") as db:
        return [text for (text,) in db.execute("SELECT text FROM outbox ORDER BY seq")]


def heard_from_alice(bob: RawClient, count: int) -> list[str]:
    said = [bob.expect("PRIVMSG", lambda m: from_nick(m, "alice"), timeout=DEADLINE)
            for _ in range(count)]
    return [message.param(1) for message in said]


@pytest.mark.gui
@pytest.mark.timeout(120)
def test_crash_typed_offline_then_sigkill_arrives_once_in_order_after_restart(
        tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.sqlite3"  # alice's account survives the server's restart
    server = serve(0, accounts)
    port = server.server_address[1]
    first = AppProcess(port, tmp_path)
    second: AppProcess | None = None
    bob: RawClient | None = None
    try:
        first.says("online")
        server.stop()
        first.says("status disconnected")
        for count, text in enumerate(TYPED, 1):
            first.tell(f"type {text}")
            first.says(f"kept {count}")
        first.kill()
        assert kept_in_cache(tmp_path) == TYPED
        server = serve(port, accounts)
        bob = RawClient(server.server_address)
        bob.register("bob")
        bob.join("#lobby")
        second = AppProcess(port, tmp_path)
        second.says("online")
        assert heard_from_alice(bob, 3) == TYPED
        second.says("pending 0")
        second.tell("type said live afterwards")
        assert heard_from_alice(bob, 1) == ["said live afterwards"]  # nothing came twice
        second.says("pending 0")  # its echo came back
        second.quit()
        assert kept_in_cache(tmp_path) == []
    finally:
        for made in (first, second):
            if made is not None:
                made.close()
        if bob is not None:
            bob.close()
        server.stop()
