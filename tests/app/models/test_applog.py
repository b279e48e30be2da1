"""The client's log: a rotating file in the user's log directory (XDG_STATE_HOME here, isolated
by tests/conftest.py), 0600, bounded; stderr only (and a warning) when it cannot be written.
/help names the file: tests/app/controllers/test_commands.py."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.models import applog
from app.models.applog import LOG_BACKUPS, log_path, set_up_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def test_applog_is_in_the_user_log_directory():
    assert log_path() == Path(os.environ["XDG_STATE_HOME"]) / "localchat" / "log" / \
        "localchat.log"


def test_applog_writes_a_private_rotating_file(tmp_path: Path, restore_logging, monkeypatch):
    monkeypatch.setattr(applog, "LOG_BYTES", 2000)
    path = set_up_logging(False, tmp_path / "logs" / "localchat.log")
    assert path == tmp_path / "logs" / "localchat.log"
    for i in range(200):
        logging.getLogger("app.test").info("line %d %s", i, "x" * 40)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert "line 199" in path.read_text()
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == ["localchat.log", *[f"localchat.log.{n}" for n in range(1, LOG_BACKUPS + 1)]]
    set_up_logging(False, path)  # again (a second run in one process): one file handler
    ours = [h for h in logging.getLogger().handlers if getattr(h, "localchat", False)]
    assert [type(h).__name__ for h in ours] == ["PrivateRotatingFileHandler"]  # pytest's
    # capture handlers are there, so no stderr handler of ours (as logging.basicConfig)


def test_applog_unwritable_means_stderr_only_and_a_warning(tmp_path: Path, restore_logging,
                                                          caplog):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert set_up_logging(False, blocker / "localchat.log") is None
    assert "cannot write the log file" in caplog.text

