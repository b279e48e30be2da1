"""The server's private-file rule: files 0600, a directory it creates 0700, content replaced."""

from __future__ import annotations

import stat
from pathlib import Path

from server.privatefiles import create_private_file, write_private_file


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_privatefiles_create_makes_a_private_directory_and_file(tmp_path: Path):
    path = tmp_path / "new" / "deeper" / "accounts.sqlite3"
    create_private_file(path)
    assert path.read_bytes() == b"" and mode(path) == 0o600
    assert mode(path.parent) == 0o700


def test_privatefiles_existing_file_keeps_its_content_and_is_tightened(tmp_path: Path):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"kept")
    path.chmod(0o644)
    tmp_path.chmod(0o755)
    create_private_file(path)
    assert path.read_bytes() == b"kept" and mode(path) == 0o600
    assert mode(tmp_path) == 0o755  # a directory we did not make (it may be /tmp) is left alone


def test_privatefiles_write_replaces_content_privately(tmp_path: Path):
    path = tmp_path / "key.pem"
    path.write_bytes(b"an old, longer key that must go")
    path.chmod(0o644)
    write_private_file(path, b"new key")
    assert path.read_bytes() == b"new key" and mode(path) == 0o600
