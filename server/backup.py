"""`python -m server backup FILE`: a consistent copy of the server's databases, also while it
runs (SQLite's online backup API, from its own connections), with the TLS certificate, its key
and server.toml, in one tar archive (0600) that unpacks into a data directory."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path

from server.configfile import ConfigError, Settings, load
from server.options import ACCOUNTS_FILE, CONFIG_FILE, HISTORY_FILE
from server.schemaversion import schema_version
from server.tls import CERT_NAME, KEY_NAME

PROG = "localchat-server backup"
MEMORY = ":memory:"


class BackupError(Exception):
    """The backup cannot be made: one line, exit status 1."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Copy the server's databases (consistently, also while it "
        "runs), its TLS certificate and key and server.toml into FILE, a tar archive. "
        "Restore: stop the server, `tar -xf FILE -C DATA-DIR`, start it.")
    parser.add_argument("file", metavar="FILE", help="the archive to write (e.g. "
                        "localchat-2026-12-01.tar)")
    parser.add_argument("--config", metavar="FILE", help="the server's config file "
                        f"(default: {CONFIG_FILE} in the data directory, if present)")
    parser.add_argument("--data-dir", metavar="DIR", help="the server's data directory "
                        "(default: as the server: the config file's, else the user data "
                        "directory for localchat)")
    parser.add_argument("--db", metavar="PATH", help="the history database (default: as "
                        "the server)")
    return parser


def copy_database(source: str, target: Path) -> int:
    """Copy the SQLite database at source to target with the online backup API (a snapshot:
    the server may write meanwhile); the copy's schema version."""
    if not Path(source).is_file():
        raise BackupError(f"there is no database {source}")
    src = sqlite3.connect(source, timeout=10.0)  # only read (a WAL file needs its -shm)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # all pages in one step: one read transaction, so one snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file
            return schema_version(dst)
        finally:
            dst.close()
    finally:
        src.close()


def members(settings: Settings) -> list[tuple[Path, str]]:
    """The plain files to archive beside the databases: (path, name in the archive)."""
    values = settings.values
    data = settings.config.data_path
    cert = Path(values["tls-cert"]) if values["tls-cert"] else data / CERT_NAME
    key = Path(values["tls-key"]) if values["tls-key"] else data / KEY_NAME
    found = [(cert, CERT_NAME if cert.parent == data else cert.name),
             (key, KEY_NAME if key.parent == data else key.name)]
    if settings.source is not None:
        found.append((settings.source, CONFIG_FILE))
    return [(path, name) for path, name in found if path.is_file()]


def make_backup(settings: Settings, archive: Path) -> list[str]:
    """Write the archive (atomically, 0600: it holds the key and password hashes); the names
    in it."""
    databases = [(settings.config.accounts_db, ACCOUNTS_FILE)]
    if settings.config.db != MEMORY:
        databases.insert(0, (settings.config.db, HISTORY_FILE))
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="localchat-backup-") as work:
        names = []
        fd, partial = tempfile.mkstemp(dir=archive.parent, prefix=f".{archive.name}.")
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
                for source, name in databases:
                    copy = Path(work) / name
                    copy_database(source, copy)
                    os.chmod(copy, 0o600)
                    tar.add(copy, arcname=name)
                    names.append(name)
                for path, name in members(settings):
                    tar.add(path, arcname=name)
                    names.append(name)
            os.chmod(partial, 0o600)
            os.replace(partial, archive)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return names


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    flags = {key: value for key, value in (("data-dir", args.data_dir), ("db", args.db))
             if value is not None}
    try:
        settings = load(flags, args.config)
        names = make_backup(settings, Path(args.file))
    except (ConfigError, BackupError) as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2 if isinstance(error, ConfigError) else 1
    except (OSError, sqlite3.Error, tarfile.TarError) as error:
        print(f"{PROG}: error: cannot write {args.file}: {error}", file=sys.stderr)
        return 1
    print(f"backed up {', '.join(names)} to {args.file}")
    return 0
