"""Both server databases carry PRAGMA user_version: accounts.sqlite3 as today's main wrote it
(unmarked) opens with its data and is marked; a file from a newer LocalChat is refused with a
clear message and left byte for byte as it was (history.sqlite3 too)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import argon2
import pytest

from server import accountschema, historyschema
from server.accounts import AccountStore
from server.history import HistoryStore
from server.privileges import PrivilegeStore
from server.schemaversion import NewerSchemaError

FAST = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # tests only

# server/accounts.py's and server/privileges.py's _SCHEMA on main before versions, verbatim
UNMARKED_ACCOUNTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    name_key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    password_hash TEXT NOT NULL,
    scram_salt BLOB NOT NULL,
    scram_stored_key BLOB NOT NULL,
    scram_server_key BLOB NOT NULL,
    scram_iterations INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS certfps (
    fingerprint TEXT PRIMARY KEY,
    name_key TEXT NOT NULL REFERENCES accounts (name_key) ON DELETE CASCADE,
    added_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS certfps_by_account ON certfps (name_key);
CREATE TABLE IF NOT EXISTS founders (
        channel_key TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        account_key TEXT NOT NULL,
        account TEXT NOT NULL,
        version INTEGER NOT NULL,
        set_at REAL NOT NULL
    );
CREATE INDEX IF NOT EXISTS founders_by_account ON founders (account_key);
CREATE TABLE IF NOT EXISTS opers (
        name_key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        account_created REAL NOT NULL,
        set_at REAL NOT NULL
    );
"""
CERT = "ab" * 32


@pytest.fixture
def unmarked(tmp_path: Path) -> Path:
    """accounts.sqlite3 as main wrote it before versions: bob (password 'correct horse'), his
    certificate, the channel #team he founded, and his oper flag."""
    path = tmp_path / "accounts.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(UNMARKED_ACCOUNTS_SCHEMA)
    db.execute("INSERT INTO accounts VALUES ('bob', 'Bob', NULL, ?, x'00', x'01', x'02', 4096, "
               "1000.0)", (FAST.hash("correct horse"),))
    db.execute("INSERT INTO certfps VALUES (?, 'bob', 1001.0)", (CERT,))
    db.execute("INSERT INTO founders VALUES ('#team', '#team', 'bob', 'Bob', 3, 1002.0)")
    db.execute("INSERT INTO opers VALUES ('bob', 'Bob', 1000.0, 1003.0)")
    db.commit()
    db.close()
    return path


def user_version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


def newer_file(path: Path, schema: str, version: int) -> str:
    """A file of a newer version (an extra table, its mark); its SHA-256 to compare later."""
    db = sqlite3.connect(path)
    db.executescript(schema + "CREATE TABLE from_the_future (x);")
    db.execute(f"PRAGMA user_version = {version}")
    db.commit()
    db.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_store_versions_unmarked_accounts_file_keeps_its_data_and_is_marked(unmarked: Path):
    store = AccountStore(str(unmarked), hasher=FAST)
    privileges = PrivilegeStore(str(unmarked))
    try:
        bob = store.verify("bob", "correct horse")
        assert bob is not None and bob.name == "Bob"
        assert store.certfps("bob") == [CERT]
        assert [(f.channel, f.account, f.version) for f in privileges.founders()] == [
            ("#team", "Bob", 3)]
        assert privileges.is_oper(bob)
    finally:
        privileges.close()
        store.close()
    assert user_version(unmarked) == accountschema.VERSION == 1


def test_store_versions_a_new_accounts_file_is_current(tmp_path: Path):
    path = tmp_path / "fresh" / "accounts.sqlite3"
    AccountStore(str(path), hasher=FAST).close()
    assert user_version(path) == accountschema.VERSION


@pytest.mark.parametrize("opener", [
    lambda path: AccountStore(path, hasher=FAST), PrivilegeStore])
def test_store_versions_a_newer_accounts_file_is_refused_untouched(tmp_path: Path, opener):
    path = tmp_path / "accounts.sqlite3"
    before = newer_file(path, UNMARKED_ACCOUNTS_SCHEMA, accountschema.VERSION + 1)
    with pytest.raises(NewerSchemaError, match=r"account store .* newer version \(schema 2; "
                       r"this LocalChat knows up to 1\)"):
        opener(str(path))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not (tmp_path / "accounts.sqlite3-wal").exists()


def test_store_versions_a_newer_history_file_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "history.sqlite3"
    before = newer_file(path, historyschema.SCHEMA, historyschema.VERSION + 1)
    with pytest.raises(NewerSchemaError, match=r"history database .* newer version"):
        HistoryStore(str(path), 30, 100)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not (tmp_path / "history.sqlite3-wal").exists()
