"""`python -m server` as a service runs it: --version, a database from a newer LocalChat is one
clear line at start (exit 2, the file untouched), --log-file is written and reopened after
logrotate moves it (WatchedFileHandler), the log names the version and where it listens."""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from ircproto.version import localchat_version
from server import accountschema
from server.logsetup import set_up_logging
from tests.server.test_main import ROOT, finish, run_server, wait_for_port


def test_service_version_from_the_metadata():
    done = subprocess.run([sys.executable, "-m", "server", "--version"], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=30)
    assert (done.returncode, done.stdout) == (0, f"localchat-server {localchat_version()}\n")


def test_service_a_newer_account_store_is_one_clear_line_at_start(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    accounts = data / "accounts.sqlite3"
    db = sqlite3.connect(accounts)
    db.execute(f"PRAGMA user_version = {accountschema.VERSION + 1}")
    db.close()
    before = hashlib.sha256(accounts.read_bytes()).hexdigest()
    code, err = finish(run_server("--port", "0", "--data-dir", str(data)), timeout=20)
    assert code == 2 and "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"localchat-server: error: the account store {accounts} is of a "
                           "newer version (schema 2; this LocalChat knows up to 1)")
    assert hashlib.sha256(accounts.read_bytes()).hexdigest() == before
    assert not (data / "history.sqlite3-wal").exists()  # the history store was closed again


def test_service_log_file_is_reopened_after_logrotate_moves_it(tmp_path: Path):
    log_file = tmp_path / "server.log"
    proc = run_server("--port", "0", "--data-dir", str(tmp_path / "data"), "--log-file",
                      str(log_file))
    port = wait_for_port(proc)
    listening = f"listening on 127.0.0.1:{port} (LocalChat {localchat_version()})"
    deadline = time.monotonic() + 10  # the file handler writes just after the stderr one
    while listening not in log_file.read_text() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert listening in log_file.read_text()
    log_file.rename(tmp_path / "server.log.1")  # what logrotate does (then no copytruncate)
    proc.send_signal(signal.SIGTERM)
    code, err = finish(proc, timeout=10)
    assert code == 0, err
    assert "shutting down" in log_file.read_text()  # a new file, written after the move
    assert "shutting down" not in (tmp_path / "server.log.1").read_text()


def test_service_unwritable_log_file_is_a_clear_error(tmp_path: Path, capsys):
    from server.__main__ import main

    saved = list(logging.getLogger().handlers)
    try:
        assert main(["--log-file", str(tmp_path / "missing" / "server.log"), "--data-dir",
                     str(tmp_path)]) == 2
    finally:
        set_up_logging(False, None)
        for handler in [h for h in logging.getLogger().handlers if h not in saved]:
            logging.getLogger().removeHandler(handler)
    assert "error: cannot open the log file" in capsys.readouterr().err
