"""The servers under test as child processes (LocalChat's `python -m server`, and ngircd), with the
CPU time, RSS and socket queues the bench reads from /proc/PID.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from server.config import ServerConfig
from tests.interop.ngircd import NgircdHandle, die_with_parent, free_port, start_ngircd

START_DEADLINE = 15.0
STOP_DEADLINE = 10.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
REPO_ROOT = Path(__file__).resolve().parent.parent
LOBBY = ServerConfig().channel  # the channel `python -m server` joins every client to


@dataclass
class ServerProcess:
    """A running server: its name, pid, address, log file, and how to stop it."""

    name: str
    pid: int
    address: tuple[str, int]
    log_path: Path
    _stop: object

    def cpu_seconds(self) -> float:
        """utime + stime of the server process (all its threads), from /proc/PID/stat."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def rss_bytes(self) -> int:
        """Resident set size, from /proc/PID/status (VmRSS)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError(f"no VmRSS for pid {self.pid}")

    def threads(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("Threads:"):
                return int(line.split()[1])
        return 0

    def log_tail(self, needle: str, limit: int = 5) -> list[str]:
        """The last log lines that mention needle."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return [line for line in text.splitlines() if needle in line][-limit:]

    def stop(self) -> None:
        self._stop()  # type: ignore[operator]


def start_localchat(workdir: Path, lobby: bool = False, tree: Path | None = None
                    ) -> ServerProcess:
    """`python -m server` on a free port: with its default auto-joined lobby channel (LOBBY), or
    with none (`--channel ''`, as ngircd); from the checkout `tree` (default: this one's)."""
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / "localchat-server.log"
    channel = [] if lobby else ["--channel", ""]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", str(port),
             *channel, "--ping-interval", "600", "--ping-timeout", "600",
             "--db", str(workdir / "history.sqlite3")],  # real persistence, never the user's
            cwd=tree or REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )
    address = ("127.0.0.1", port)

    def stop() -> None:
        _terminate(process)

    try:
        _wait_listening(address, process)
    except BaseException:
        stop()
        raise
    return ServerProcess("localchat", process.pid, address, log_path, stop)


def start_reference(workdir: Path) -> ServerProcess:
    """ngircd with its limits raised (see tests/interop/ngircd.py), on a free port."""
    handle: NgircdHandle = start_ngircd(workdir / "ngircd")
    return ServerProcess("ngircd", handle.pid, handle.address, handle.log_path, handle.stop)


def _wait_listening(address: tuple[str, int], process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            with socket.create_connection(address, timeout=1.0):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the server did not accept connections within {START_DEADLINE} s")


def _terminate(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_DEADLINE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_DEADLINE)


def tcp_queues(local_port: int, remote_port: int) -> tuple[int, int] | None:
    """(send queue, receive queue) in bytes of the 127.0.0.1 socket local_port -> remote_port,
    from /proc/net/tcp; None if there is no such socket (any more)."""
    local, remote = f"0100007F:{local_port:04X}", f"0100007F:{remote_port:04X}"
    with open("/proc/net/tcp", encoding="ascii") as table:
        next(table)
        for row in table:
            fields = row.split()
            if fields[1] == local and fields[2] == remote:
                tx, rx = fields[4].split(":")
                return int(tx, 16), int(rx, 16)
    return None


def kernel_bytes(client: socket.socket, server_port: int) -> int:
    """Bytes the kernel holds on the way to this client: the server socket's send queue plus the
    client socket's receive queue (both ends are on 127.0.0.1)."""
    local_port = client.getsockname()[1]
    server_side = tcp_queues(server_port, local_port)
    client_side = tcp_queues(local_port, server_port)
    return (server_side[0] if server_side else 0) + (client_side[1] if client_side else 0)


def listen_overflows() -> int:
    """How many times, machine-wide, a connection found a listen queue full (TcpExt
    ListenOverflows): the client then waits for a SYN retransmission, a second or more."""
    lines = Path("/proc/net/netstat").read_text(encoding="ascii").splitlines()
    for header, values in zip(lines[::2], lines[1::2]):
        if header.startswith("TcpExt:"):
            return int(dict(zip(header.split(), values.split()))["ListenOverflows"])
    return 0
