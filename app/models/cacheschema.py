"""The client cache's schema and its version (PRAGMA user_version): a new file gets the current
schema, an older one is migrated forward on open, one written by a newer LocalChat is refused
and left exactly as it is. Every connection runs in WAL with synchronous=NORMAL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.models.cachesearch import INDEX, ensure_index

VERSION = 2
"""PRAGMA user_version of a current cache. 0: a cache from before versions (2026-12 and
older), whose outbox rows had no uid; 1: outbox rows keyed by uid, written as they are typed;
2: each line keeps the msgid it answers (reply_to) and its reactions (JSON), each unsent
message the msgid it answers."""

SCHEMA = """
CREATE TABLE lines (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, conversation TEXT NOT NULL,
    time TEXT NOT NULL, sender TEXT NOT NULL, target TEXT NOT NULL, text TEXT NOT NULL,
    kind TEXT NOT NULL, own INTEGER NOT NULL, private INTEGER NOT NULL, msgid TEXT NOT NULL,
    reply_to TEXT NOT NULL DEFAULT '', reactions TEXT NOT NULL DEFAULT '',
    UNIQUE (account, conversation, msgid));
CREATE INDEX lines_by_time ON lines (account, conversation, time, seq);
CREATE TABLE positions (
    account TEXT NOT NULL, conversation TEXT NOT NULL, name TEXT NOT NULL,
    private INTEGER NOT NULL, last_msgid TEXT NOT NULL, last_time TEXT, read_until TEXT,
    PRIMARY KEY (account, conversation));
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, target TEXT NOT NULL,
    text TEXT NOT NULL, action INTEGER NOT NULL, sent INTEGER NOT NULL, time TEXT NOT NULL,
    private INTEGER NOT NULL, uid TEXT NOT NULL DEFAULT '', reply_to TEXT NOT NULL DEFAULT '');
CREATE UNIQUE INDEX outbox_by_uid ON outbox (uid) WHERE uid != '';
"""

V0 = """
CREATE TABLE IF NOT EXISTS lines (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, conversation TEXT NOT NULL,
    time TEXT NOT NULL, sender TEXT NOT NULL, target TEXT NOT NULL, text TEXT NOT NULL,
    kind TEXT NOT NULL, own INTEGER NOT NULL, private INTEGER NOT NULL, msgid TEXT NOT NULL,
    UNIQUE (account, conversation, msgid));
CREATE INDEX IF NOT EXISTS lines_by_time ON lines (account, conversation, time, seq);
CREATE TABLE IF NOT EXISTS positions (
    account TEXT NOT NULL, conversation TEXT NOT NULL, name TEXT NOT NULL,
    private INTEGER NOT NULL, last_msgid TEXT NOT NULL, last_time TEXT, read_until TEXT,
    PRIMARY KEY (account, conversation));
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, target TEXT NOT NULL,
    text TEXT NOT NULL, action INTEGER NOT NULL, sent INTEGER NOT NULL, time TEXT NOT NULL,
    private INTEGER NOT NULL);
"""
"""Version 0 as its last release made it (an earlier one may lack a table: it is added)."""

TO_1 = """
ALTER TABLE outbox ADD COLUMN uid TEXT NOT NULL DEFAULT '';
UPDATE outbox SET uid = 'v0-' || seq;
CREATE UNIQUE INDEX outbox_by_uid ON outbox (uid) WHERE uid != '';
"""
"""Version 0 to 1: the outbox kept at the last close gets a uid per row."""

TO_2 = """
ALTER TABLE lines ADD COLUMN reply_to TEXT NOT NULL DEFAULT '';
ALTER TABLE lines ADD COLUMN reactions TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN reply_to TEXT NOT NULL DEFAULT '';
"""
"""Version 1 to 2: lines and unsent messages keep their reply link, lines their reactions (none
for what is held)."""
STEPS = {0: "TO_1", 1: "TO_2"}
"""The script that takes a cache from each older version to the next (named: tests swap one)."""


class NewerCacheError(Exception):
    """The cache was written by a newer LocalChat: this one does not touch it."""


def connect(path: Path) -> sqlite3.Connection:
    """A connection to the cache at path at the current version (created or migrated, in WAL
    with synchronous=NORMAL). Raises NewerCacheError, leaving the file untouched, for a cache of
    a newer version; sqlite3.Error for a file that is not a database."""
    db = sqlite3.connect(path)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > VERSION:
            raise NewerCacheError(
                f"it was written by a newer LocalChat (cache version {version}; this one knows "
                f"up to {VERSION}); it is left as it is")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        if version < VERSION:
            _migrate(db, version)
    except BaseException:
        db.close()
        raise
    return db


def _migrate(db: sqlite3.Connection, version: int) -> None:
    """Bring db from version to VERSION in one transaction (a crash leaves the old version)."""
    fresh = not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'lines'").fetchone()
    if fresh:
        script = SCHEMA + INDEX
    else:
        if version == 0:
            db.executescript(f"BEGIN; {V0} COMMIT;")
            ensure_index(db)  # a cache from before the search index gets it first
        script = "".join(globals()[STEPS[step]] for step in range(version, VERSION))
    db.executescript(f"BEGIN; {script} PRAGMA user_version = {VERSION}; COMMIT;")
