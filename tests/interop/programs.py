"""Helpers for tests that run Debian's IRC programs: find them and the plugins they load (or skip),
and wait for their files.

A missing program skips the test, unless LOCALCHAT_REQUIRE_INTEROP=1 (CI), where it fails.
"""

from __future__ import annotations

import glob
import os
import shutil
import time
from pathlib import Path

import pytest

POLL_INTERVAL = 0.05
WEECHAT_PLUGIN_DIRS = ("/usr/lib/*/weechat/plugins", "/usr/lib/weechat/plugins")
"""Where Debian's weechat-core and weechat-plugins put their plugins (multiarch or not)."""


def interop_required() -> bool:
    """Whether a missing program or server must fail the run instead of skipping."""
    return os.environ.get("LOCALCHAT_REQUIRE_INTEROP") == "1"


def require_program(name: str) -> str:
    """The path of a program, or skip (fail under LOCALCHAT_REQUIRE_INTEROP=1) when missing."""
    path = shutil.which(name)
    if path is None:
        missing(f"{name} is not installed (scripts/system-deps.sh test installs it)")
    assert path is not None
    return path


def require_weechat_plugins(*names: str) -> None:
    """Skip (fail under LOCALCHAT_REQUIRE_INTEROP=1) unless every named WeeChat plugin exists:
    a weechat-headless without them starts, but never reads its fifo or writes its logs."""
    found = {Path(path).stem for pattern in WEECHAT_PLUGIN_DIRS
             for path in glob.glob(f"{pattern}/*.so")}
    absent = [name for name in names if name not in found]
    if absent:
        missing(f"WeeChat plugin {', '.join(absent)} is not installed (weechat-core has irc and "
                f"logger, weechat-plugins has fifo; scripts/system-deps.sh test installs them)")


def missing(message: str) -> None:
    """A program or file the test needs is missing: fail under LOCALCHAT_REQUIRE_INTEROP=1,
    else skip."""
    if interop_required():
        pytest.fail(message)
    pytest.skip(message)


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
