"""The one rule for the server's private files: a data directory made 0700 and files (accounts,
history, the TLS key) that only the server's user can read, 0600. SQLite's -wal and -shm files
take the database file's mode."""

from __future__ import annotations

import os
from pathlib import Path


def ensure_private_dir(path: Path) -> None:
    """The server's data directory: made 0700, or tightened to 0700 when it exists (an older
    version made it 0755)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask


def create_private_file(path: Path) -> None:
    """Make path's directory (0700, when we create it) and path itself (0600, also when it
    existed with wider permissions)."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
        os.chmod(path.parent, 0o700)  # mkdir's mode is filtered by the umask
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    os.chmod(path, 0o600)


def write_private_file(path: Path, data: bytes) -> None:
    """Replace path's content with data, the file 0600 (its directory as create_private_file)."""
    create_private_file(path)
    with path.open("wb") as handle:
        handle.write(data)
