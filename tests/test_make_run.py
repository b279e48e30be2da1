"""`make run` is a demo on this machine: its server listens (and so advertises) on 127.0.0.1 and
its client browses for servers on loopback only."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_make_run_keeps_mdns_on_loopback() -> None:
    out = subprocess.run(["make", "-n", "-o", ".venv/.installed", "run"], cwd=ROOT,
                         capture_output=True, text=True, timeout=30, check=True).stdout
    assert "-m server --host 127.0.0.1 " in out
    assert "LOCALCHAT_MDNS_INTERFACES=127.0.0.1 .venv/bin/python -m app" in out
