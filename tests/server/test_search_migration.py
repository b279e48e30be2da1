"""A history database of schema version 1 (issue 9, before SEARCH) opens at version 2 with every
old message in the full-text index; one of version 0 too, its old private rows still found by
nobody."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from server.historyschema import MESSAGES, VERSION
from server.historysearch import Scope, Search
from server.state import fold
from tests.server.test_history_migration import NOW_MS, old_db, open_store  # noqa: F401

# version 1 as issue 9 wrote it: the messages table and these, no FTS
VERSION_1_SCHEMA = MESSAGES.format(name="messages") + """
CREATE UNIQUE INDEX IF NOT EXISTS messages_msgid ON messages (msgid, target_key);
CREATE INDEX IF NOT EXISTS messages_owner ON messages (owner_key, ts) WHERE owner_key NOT NULL;
CREATE TABLE IF NOT EXISTS account_markers (
    account_key TEXT NOT NULL,
    target_key TEXT NOT NULL,
    ts INTEGER NOT NULL,
    PRIMARY KEY (account_key, target_key)
);
PRAGMA user_version = 1;
"""
INSERT_V1 = ("INSERT INTO messages (id, msgid, ts, target_key, target, source, command, text,"
             " tags, owner_key, peer) VALUES (?, ?, ?, ?, ?, ?, 'PRIVMSG', ?, '', ?, ?)")


def version_1_db(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.executescript(VERSION_1_SCHEMA)
    db.execute(INSERT_V1, (1, "m1", NOW_MS, "#lobby", "#lobby", "carol!c@h", "ship it today",
                           None, None))
    db.execute(INSERT_V1, (2, "m2", NOW_MS + 1, "bob\tcarol", "bob", "carol!c@h",
                           "ship the key", "bob", "carol"))
    db.commit()
    db.close()
    return path


def test_search_migration_version_1_is_indexed(tmp_path: Path):
    store = open_store(version_1_db(tmp_path / "history.sqlite3"))
    try:
        bob = store.search(Scope(("#lobby",), "bob"), Search(text="ship"), fold).messages
        assert [m.text for m in bob] == ["ship it today", "ship the key"]
        carol = store.search(Scope(("#lobby",), "carol"), Search(text="ship"), fold).messages
        assert [m.text for m in carol] == ["ship it today"]
        store.store("m3", store.now_ms(), "#lobby", "#lobby", "bob!b@h", "PRIVMSG",
                    "ship again", {})
        store.commit()
        later = store.search(Scope(("#lobby",), None), Search(text="again"), fold).messages
        assert [m.text for m in later] == ["ship again"]
    finally:
        store.close()
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION == 3
    finally:
        db.close()


def test_search_migration_version_0_private_rows_found_by_nobody(old_db: Path):  # noqa: F811
    store = open_store(old_db)
    try:
        for owner in ("bob", "carol", None):
            found = store.search(Scope(("#lobby",), owner), Search(text="door"), fold).messages
            assert found == []
        found = store.search(Scope(("#lobby",), None), Search(text="hello"), fold).messages
        assert [m.text for m in found] == ["hello all"]
    finally:
        store.close()
