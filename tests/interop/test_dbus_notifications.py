"""The client's desktop notifications over a real D-Bus session bus (dbus-run-session) to a fake
org.freedesktop.Notifications service: a private message and a mention arrive with their title
and body, history and our own lines make no call, a click opens that conversation; and with no
service on the bus the client warns once and goes on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.interop.programs import require_program

pytestmark = pytest.mark.interop

ROOT = Path(__file__).resolve().parents[2]
PROBE_DEADLINE = 45.0


def run_probe(*args: str) -> tuple[dict, str]:
    """Run tests/interop/notifyprobe.py in its own D-Bus session; its report and stderr."""
    dbus_run_session = require_program("dbus-run-session")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    done = subprocess.run([dbus_run_session, "--", sys.executable, "-m",
                           "tests.interop.notifyprobe", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=PROBE_DEADLINE, check=False)
    assert done.returncode == 0, f"probe failed ({done.returncode}):\n{done.stdout}{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def test_dbus_notifications_reach_the_service_for_live_lines_only() -> None:
    report, _ = run_probe()
    assert not report["silent"]
    assert [(c["app"], c["title"], c["body"]) for c in report["calls"]] == [
        ("LocalChat", "bob", "are you there?"),
        ("LocalChat", "carol in #lobby", "me: standup now"),
    ]  # nothing for the two history lines, our own line, or a line without a mention
    assert all("default" in c["actions"] for c in report["calls"])


def test_dbus_notification_click_opens_that_conversation() -> None:
    report, _ = run_probe()
    assert report["after_click"] == "bob" and report["presented"] == 1


def test_dbus_without_a_notification_service_warns_once_and_goes_on() -> None:
    report, stderr = run_probe("--no-service")
    assert report["silent"] and report["calls"] == []
    assert report["handled_s"] < 2.0
    assert stderr.count("No desktop notifications") == 1
