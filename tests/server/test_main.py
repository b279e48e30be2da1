"""`python -m server` as a subprocess: clean exit on SIGTERM/SIGINT, and bad options."""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from server.__main__ import build_parser, config_from_args
from tests.server.ircclient import RawClient

ROOT = Path(__file__).resolve().parents[2]


def run_server(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "server", "--host", "127.0.0.1", "--no-advertise", *args],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def wait_for_port(proc: subprocess.Popen, timeout: float = 10.0) -> int:
    """Read the server's log until it says where it listens."""
    deadline = time.monotonic() + timeout
    seen = []
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        if match := re.search(r"listening on 127\.0\.0\.1:(\d+)", line):
            return int(match.group(1))
    proc.kill()
    proc.communicate(timeout=5)
    raise AssertionError(f"the server never said it was listening: {seen}")


def finish(proc: subprocess.Popen, timeout: float) -> tuple[int, str]:
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate(timeout=5)
        raise
    return proc.returncode, err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_main_signal_shuts_down_cleanly_within_two_seconds(signum):
    proc = run_server("--port", "0")
    port = wait_for_port(proc)
    with RawClient(("127.0.0.1", port)) as client:
        client.register("alice")
        started = time.monotonic()
        proc.send_signal(signum)
        assert client.expect_closed(timeout=2)[-1].format() == "ERROR :Server shutting down"
        code, err = finish(proc, timeout=2)
        assert time.monotonic() - started < 2
    assert code == 0, err
    assert "Traceback" not in err
    assert "alice!alice@127.0.0.1 registered" in err


def test_main_port_in_use_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = finish(run_server("--port", str(port)), timeout=10)
    assert code == 2
    assert err.strip().splitlines() == [
        f"localchat-server: error: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--port", "70000"], "port must be between 0 and 65535, not 70000"),
        (["--motd", "/nonexistent/motd.txt"], "cannot read the MOTD file /nonexistent/motd.txt"),
        (["--channel", "lobby"], "invalid channel name 'lobby'"),
        (["--ping-timeout", "0"], "ping-timeout must be more than 0 seconds"),
        (["--sendq", "10"], "sendq must be at least 1024 bytes"),
    ],
)
def test_main_bad_option_gives_one_line_error(args, message):
    code, err = finish(run_server(*args), timeout=10)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert lines[0].startswith("localchat-server: error")


def test_main_config_from_args_reads_motd_and_floats(tmp_path):
    motd = tmp_path / "motd.txt"
    motd.write_text("Hello LAN\r\nsecond line\n", encoding="utf-8")
    args = build_parser().parse_args(
        ["--motd", str(motd), "--ping-interval", "0.5", "--channel", "", "--port", "0"]
    )
    config = config_from_args(args)
    assert config.motd == ("Hello LAN", "second line")
    assert config.ping_interval == 0.5 and config.channel == "" and config.port == 0
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert config_from_args(build_parser().parse_args(["--motd", str(empty)])).motd_lines == ()


def test_main_registration_option_and_accounts_file_in_the_data_dir(tmp_path):
    args = build_parser().parse_args(["--data-dir", str(tmp_path), "--registration", "closed"])
    config = config_from_args(args)
    assert config.registration == "closed"
    assert config.accounts_db == str(tmp_path / "accounts.sqlite3")
    assert config_from_args(build_parser().parse_args([])).registration == "open"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--registration", "maybe"])


def test_main_the_data_directory_is_made_private(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)  # as an older version left it
    proc = run_server("--port", "0", "--data-dir", str(data))
    wait_for_port(proc)
    proc.send_signal(signal.SIGTERM)
    code, err = finish(proc, timeout=5)
    assert code == 0, err
    assert data.stat().st_mode & 0o777 == 0o700
    for name in ("history.sqlite3", "accounts.sqlite3"):
        assert (data / name).stat().st_mode & 0o777 == 0o600, name


def test_main_admin_email_option():
    args = build_parser().parse_args(["--admin-email", "ops@example.org"])
    assert config_from_args(args).admin_email == "ops@example.org"
    assert config_from_args(build_parser().parse_args([])).admin_email == ""
