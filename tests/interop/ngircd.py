"""Run Debian's ngircd in the foreground on a free 127.0.0.1 port, for loopback tests and the bench.

`with start_ngircd(tmp_path) as irc: host, port = irc.address`; the config and log live in tmp_path.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

NGIRCD = os.environ.get("LOCALCHAT_NGIRCD") or shutil.which("ngircd") or "/usr/sbin/ngircd"
START_DEADLINE = 10.0
STOP_DEADLINE = 5.0
PORT_ATTEMPTS = 3

# Limits raised so that a benchmark with thousands of clients on one IP is not throttled.
# MaxPenaltyTime = 0 turns off ngircd's per-command penalty (it warns that this is unusual).
# IdleTimeout: ngircd exits once it has had no client for that long, so one orphaned by a killed
# test run goes away by itself (as root it drops to "nobody", which clears PR_SET_PDEATHSIG).
BENCH_LIMITS = {
    "IdleTimeout": "120",
    "MaxConnections": "0",
    "MaxConnectionsIP": "0",
    "MaxJoins": "0",
    "MaxPenaltyTime": "0",
    "PingTimeout": "3600",
    "PongTimeout": "600",
    "MaxNickLength": "30",
}


PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """preexec_fn for child programs: SIGTERM them if the test process dies without cleaning up
    (pytest-timeout's thread method ends the process with os._exit, skipping every teardown)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class NgircdError(RuntimeError):
    """ngircd is missing, did not start, or did not accept connections in time."""


def ngircd_available() -> bool:
    """Whether the ngircd program exists on this machine."""
    return Path(NGIRCD).is_file() and os.access(NGIRCD, os.X_OK)


def free_port(host: str = "127.0.0.1") -> int:
    """A port that was free a moment ago (the caller retries if someone takes it meanwhile)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def write_config(path: Path, port: int, limits: dict[str, str] | None = None) -> Path:
    """Write an ngircd.conf listening on 127.0.0.1:port with no PAM, DNS or ident look-ups."""
    merged = {**BENCH_LIMITS, **(limits or {})}
    limit_lines = "\n".join(f"{key} = {value}" for key, value in merged.items())
    path.write_text(
        f"""[Global]
Name = irc.ngircd.test
Info = ngircd for LocalChat tests
AdminInfo1 = LocalChat tests
AdminInfo2 = 127.0.0.1
AdminEMail = nobody@localhost
Listen = 127.0.0.1
Ports = {port}
MotdPhrase = ngircd for LocalChat tests
[Limits]
{limit_lines}
[Options]
PAM = no
DNS = no
Ident = no
""",
        encoding="utf-8",
    )
    os.chmod(path, 0o644)
    return path


class NgircdHandle:
    """A running ngircd; use as a context manager or call stop()."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, config: Path, log: Path):
        self.process = process
        self.address: tuple[str, int] = ("127.0.0.1", port)
        self.config_path = config
        self.log_path = log

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        """What ngircd printed so far (it logs to stderr when run with -n)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not gone within the deadline; safe to call twice."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_DEADLINE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_DEADLINE)

    def __enter__(self) -> NgircdHandle:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_ngircd(tmp_path: Path, limits: dict[str, str] | None = None) -> NgircdHandle:
    """Start ngircd in the foreground on a free port and wait until it accepts connections."""
    if not ngircd_available():
        raise NgircdError(f"ngircd not found at {NGIRCD} (apt-get install ngircd)")
    tmp_path = Path(tmp_path)
    tmp_path.mkdir(parents=True, exist_ok=True)
    last_error = ""
    for attempt in range(PORT_ATTEMPTS):
        port = free_port()
        config = write_config(tmp_path / "ngircd.conf", port, limits)
        log = tmp_path / f"ngircd-{attempt}.log"
        handle = _launch(config, port, log)
        try:
            _wait_until_listening(handle)
            return handle
        except NgircdError as error:
            handle.stop()
            last_error = f"{error}\n{handle.log_text()}"
    raise NgircdError(f"ngircd did not start after {PORT_ATTEMPTS} attempts: {last_error}")


def _launch(config: Path, port: int, log: Path) -> NgircdHandle:
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [NGIRCD, "--nodaemon", "--config", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )
    return NgircdHandle(process, port, config, log)


def _wait_until_listening(handle: NgircdHandle) -> None:
    deadline = time.monotonic() + START_DEADLINE
    while time.monotonic() < deadline:
        if handle.process.poll() is not None:
            raise NgircdError(f"ngircd exited with status {handle.process.returncode}")
        try:
            with socket.create_connection(handle.address, timeout=1.0):
                return
        except OSError:
            time.sleep(0.05)
    raise NgircdError(f"ngircd did not accept connections within {START_DEADLINE} s")
