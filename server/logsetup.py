"""The server's logging: stderr always (journald under systemd, which stamps the time itself),
and with --log-file a file reopened whenever logrotate moves it (WatchedFileHandler)."""

from __future__ import annotations

import logging
import logging.handlers
import os

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JOURNAL_FORMAT = "%(levelname)s %(name)s: %(message)s"  # journald adds time and host


class LogFileError(Exception):
    """The log file cannot be opened (reported at start, naming the file)."""


def set_up_logging(verbose: bool, log_file: str | None) -> None:
    """Root logging to stderr and, when given, to log_file (appended, reopened after rotation)."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    stderr = logging.StreamHandler()
    stderr.setFormatter(logging.Formatter(
        JOURNAL_FORMAT if os.environ.get("JOURNAL_STREAM") else FORMAT))
    # as logging.basicConfig: no stderr handler when the root logger has others already (an
    # embedding program, pytest's capture): they decide where records go
    foreign = [h for h in root.handlers if not getattr(h, "localchat", False)]
    handlers: list[logging.Handler] = [] if foreign else [stderr]
    if log_file is not None:
        try:
            file = logging.handlers.WatchedFileHandler(log_file, encoding="utf-8")
        except OSError as error:
            raise LogFileError(f"cannot open the log file {log_file}: "
                               f"{error.strerror or error}") from error
        file.setFormatter(logging.Formatter(FORMAT))
        handlers.append(file)
    for handler in [h for h in root.handlers if getattr(h, "localchat", False)]:
        root.removeHandler(handler)  # ours from an earlier call (tests); others stay
        handler.close()
    for handler in handlers:
        handler.localchat = True  # type: ignore[attr-defined]
        root.addHandler(handler)
