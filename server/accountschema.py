"""The schema of accounts.sqlite3 (the account store's tables and the privilege tables beside
them) and its migrations, applied when either store opens. Version 1 is the first marked one:
a file of today's tables with no mark (version 0) is simply marked."""

from __future__ import annotations

import logging
import sqlite3

from server.schemaversion import refuse_newer

log = logging.getLogger(__name__)
VERSION = 1  # PRAGMA user_version of a current accounts.sqlite3
WHAT = "account store"

SCHEMA = """
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


def open_accounts_db(path: str) -> sqlite3.Connection:
    """A connection (autocommit, WAL for a file) to a current accounts.sqlite3 at path;
    NewerSchemaError, with the file untouched, when a newer LocalChat wrote it."""
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=5.0)
    try:
        refuse_newer(db, VERSION, f"{WHAT} {path}")
        if path != ":memory:":
            db.execute("PRAGMA journal_mode=WAL")
        set_up(db)
    except sqlite3.Error:
        db.close()
        raise
    return db


def set_up(db: sqlite3.Connection) -> None:
    """Bring db (autocommit mode) to the current schema, in one transaction (idempotent: the
    other store or the operator's CLI may do the same at the same moment)."""
    found = refuse_newer(db, VERSION, WHAT)
    if found == VERSION:
        return
    had_tables = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'accounts'").fetchone()
    try:
        db.executescript(f"BEGIN IMMEDIATE; {SCHEMA} PRAGMA user_version = {VERSION}; COMMIT;")
    except sqlite3.Error:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    if had_tables:
        log.info("account store marked as schema version %d (its data is unchanged)", VERSION)
