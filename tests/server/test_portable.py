"""The server without what Windows lacks (socket.MSG_DONTWAIT, select.poll): it imports, and
the connection, writer and loopback tests pass with select() and plain non-blocking sends.
Simulated here by deleting both before anything is imported, in a child pytest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WITHOUT = """
import select, socket, sys
del socket.MSG_DONTWAIT, select.poll   # as on Windows
sys.modules.pop("selectors", None)     # (the interpreter's start-up may have imported it)
import selectors
assert not hasattr(selectors, "PollSelector")
from server import nonblocking
assert nonblocking.Selector is selectors.SelectSelector, nonblocking.Selector
import pytest
sys.exit(pytest.main(sys.argv[1:]))
"""
TESTS = ["tests/server/test_connection.py", "tests/server/test_robustness.py",
         "tests/server/test_tls.py::test_tls_client_chats_with_plain_client",
         "tests/server/test_tls.py::test_tls_slow_reader_is_dropped_for_sendq_while_others_chat"]


def test_portable_without_msg_dontwait_and_poll_the_server_works():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT, "-q", "-p", "no:cacheprovider", "-x", *TESTS],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failed" not in done.stdout
