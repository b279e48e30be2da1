"""The client's log: a rotating file in the user's log directory (platformdirs; e.g.
~/.local/state/localchat/log/localchat.log), INFO and up, and stderr (warnings; all with -v).
/help names the file."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "localchat"
LOG_BYTES, LOG_BACKUPS = 1_000_000, 3  # localchat.log and .1 .. .3: at most 4 MB
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A RotatingFileHandler whose every file (also those made at rotation) is 0600."""

    def _open(self) -> Any:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)


def log_path() -> Path:
    """Where the client writes its log."""
    return Path(platformdirs.user_log_dir(APP_NAME)) / f"{APP_NAME}.log"


def set_up_logging(verbose: bool, path: Path | None = None) -> Path | None:
    """Log to the rotating file (made 0700/0600: it may name servers and nicks) and to stderr;
    the file's path, or None when it cannot be written (then stderr only, with a warning)."""
    path = path or log_path()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "localchat", False)]:
        root.removeHandler(handler)  # ours from an earlier run in this process (tests)
        handler.close()
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
    stderr.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    # as logging.basicConfig: no stderr handler when the root logger has others already (an
    # embedding program, pytest's capture): they decide where records go
    foreign = [h for h in root.handlers if not getattr(h, "localchat", False)]
    handlers: list[logging.Handler] = [] if foreign else [stderr]
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        rotating = PrivateRotatingFileHandler(
            path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
        rotating.setLevel(logging.DEBUG if verbose else logging.INFO)
        rotating.setFormatter(logging.Formatter(FORMAT))
        handlers.append(rotating)
    except OSError as error:
        problem: str | None = f"cannot write the log file {path}: {error.strerror or error}"
    else:
        problem = None
    for handler in handlers:
        handler.localchat = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    if problem:
        logging.getLogger("app").warning("%s", problem)
        return None
    return path
