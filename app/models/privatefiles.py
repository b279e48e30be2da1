"""The one rule for the client's private files: its config and data directories are 0700 and
the files in them that hold messages or passwords (settings, credentials, the cache) are 0600,
an existing wider one tightened when it is opened."""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> None:
    """Make path (and its parents) when missing; path itself is 0700 afterwards. OSError when
    that cannot be done."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    tighten(path, DIR_MODE)


def private_file(path: Path) -> None:
    """path's directory as private_dir, and path 0600 (created empty when missing)."""
    private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    tighten(path, FILE_MODE)


def tighten(path: Path, mode: int) -> None:
    """chmod path to mode when it allows more than mode (the umask filters mkdir's and open's
    modes, and an older LocalChat made 0644 files); nothing when path is missing."""
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if current & ~mode:
        os.chmod(path, current & mode)
