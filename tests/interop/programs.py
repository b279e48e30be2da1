"""Helpers for tests that run Debian's IRC programs: find them (or skip), and wait for their files.

A missing program skips the test, unless LOCALCHAT_REQUIRE_INTEROP=1 (CI), where it fails.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

POLL_INTERVAL = 0.05


def interop_required() -> bool:
    """Whether a missing program or server must fail the run instead of skipping."""
    return os.environ.get("LOCALCHAT_REQUIRE_INTEROP") == "1"


def require_program(name: str) -> str:
    """The path of a program, or skip (fail under LOCALCHAT_REQUIRE_INTEROP=1) when missing."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (scripts/system-deps.sh test installs it)"
        if interop_required():
            pytest.fail(message)
        pytest.skip(message)
    return path


def wait_for_text(path: Path, text: str, deadline: float = 15.0) -> str:
    """Poll a file until it contains text; return its content, or fail with what it holds."""
    end = time.monotonic() + deadline
    content = ""
    while time.monotonic() < end:
        if path.is_file():
            content = path.read_text(encoding="utf-8", errors="replace")
            if text in content:
                return content
        time.sleep(POLL_INTERVAL)
    raise AssertionError(f"{text!r} not in {path} within {deadline} s; it holds:\n{content}")
