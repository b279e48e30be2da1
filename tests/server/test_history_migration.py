"""A history database from before accounts (schema version 0, as main wrote it until issue 9)
opens: its channel history stays, its private messages and nick-keyed read markers are handed
to nobody, not even to an account later registered with one of those nicks."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from server.history import NEWEST_BOUND, HistoryStore, new_msgid
from server.historyschema import VERSION, private_key
from tests.server.fakes import Harness
from tests.server.test_chathistory import CAPS, history, texts

# server/history.py's SCHEMA before accounts, verbatim
VERSION_0_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    target_key TEXT NOT NULL,
    ts INTEGER NOT NULL,
    id INTEGER NOT NULL,
    msgid TEXT NOT NULL UNIQUE,
    target TEXT NOT NULL,
    source TEXT NOT NULL,
    command TEXT NOT NULL,
    text TEXT NOT NULL,
    tags TEXT NOT NULL,
    sender_key TEXT,
    recipient_key TEXT,
    PRIMARY KEY (target_key, ts, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS messages_sender ON messages (sender_key, ts) WHERE sender_key NOT NULL;
CREATE INDEX IF NOT EXISTS messages_recipient ON messages (recipient_key, ts)
    WHERE recipient_key NOT NULL;
CREATE TABLE IF NOT EXISTS read_markers (
    nick_key TEXT NOT NULL,
    target_key TEXT NOT NULL,
    ts INTEGER NOT NULL,
    PRIMARY KEY (nick_key, target_key)
);
"""
# what its store() and mark_read() wrote
INSERT = ("INSERT INTO messages (id, msgid, ts, target_key, target, source, command, text, tags,"
          " sender_key, recipient_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
NOW_MS = int(time.time() * 1000) - 60_000  # recent: retention keeps it


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    """A version 0 database: a channel line, carol's private message to bob keyed by both
    nicks, and bob's read marker keyed by his nick."""
    path = tmp_path / "history.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(VERSION_0_SCHEMA)
    db.execute(INSERT, (1, "m1", NOW_MS, "#lobby", "#lobby", "carol!carol@h", "PRIVMSG",
                        "hello all", "", None, None))
    db.execute(INSERT, (2, "m2", NOW_MS + 1, "bob\ncarol", "bob", "carol!carol@h", "PRIVMSG",
                        "the door code is 4711", "", "carol", "bob"))
    db.execute("INSERT INTO read_markers (nick_key, target_key, ts) VALUES (?, ?, ?)",
               ("bob", "#lobby", NOW_MS))
    db.commit()
    db.close()
    return path


def open_store(path: Path) -> HistoryStore:
    return HistoryStore(str(path), 30, 100, clock=lambda: NOW_MS / 1000 + 10)


def test_history_migration_keeps_channels_and_hands_private_rows_to_nobody(old_db: Path):
    store = open_store(old_db)
    try:
        assert [m.text for m in store.before("#lobby", NEWEST_BOUND, 10)] == ["hello all"]
        for owner, peer in (("bob", "carol"), ("carol", "bob")):
            assert store.before(private_key(owner, peer), NEWEST_BOUND, 10) == []
            assert store.targets(["#lobby"], owner, 0, NOW_MS + 100, 10) == [
                ("#lobby", NOW_MS)
            ]
        assert store.read_marker("bob", "#lobby") is None
        store.store("m3", store.now_ms(), private_key("bob", "carol"), "bob", "carol!c@h",
                    "PRIVMSG", "new", {}, "carol", "bob", "bob", "carol")
        store.store("m3", store.now_ms(), private_key("carol", "bob"), "bob", "carol!c@h",
                    "PRIVMSG", "new", {}, "carol", "bob", "carol", "bob")  # one msgid, 2 copies
        store.commit()
    finally:
        store.close()
    again = open_store(old_db)  # a current database opens as it is
    try:
        assert [m.text for m in again.before(private_key("bob", "carol"), NEWEST_BOUND, 10)] == [
            "new"
        ]
        assert again.now_ms() > NOW_MS + 1  # ids and times go on after the old rows
    finally:
        again.close()
    db = sqlite3.connect(old_db)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        assert "read_markers" not in tables and "account_markers" in tables
    finally:
        db.close()


def test_history_migration_the_account_named_like_the_nick_gets_nothing_old(old_db: Path):
    h = Harness(db=str(old_db))
    try:
        bob = h.log_in("bob", *CAPS, "draft/read-marker")
        assert history(h, bob, "CHATHISTORY LATEST carol * 50") == []
        reply = h.send(bob, "CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z "
                            "timestamp=2100-01-01T00:00:00.000Z 50")
        assert [m.params[1] for m in reply[1:-1]] == ["#lobby"]
        assert texts(history(h, bob, "CHATHISTORY LATEST #lobby * 50")) == ["hello all"]
        assert h.send(bob, "MARKREAD #lobby")[0].params == ("#lobby", "*")
    finally:
        h.state.history.close()


def test_history_migration_a_newer_database_is_refused_not_damaged(tmp_path: Path):
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {VERSION + 1}")
    db.close()
    with pytest.raises(sqlite3.DatabaseError, match="newer version"):
        open_store(path)


def test_history_migration_a_fresh_database_is_current(tmp_path: Path):
    store = open_store(tmp_path / "new.sqlite3")
    try:
        store.store(new_msgid(), store.now_ms(), "#a", "#a", "a!a@h", "PRIVMSG", "x", {})
        store.commit()
    finally:
        store.close()
    db = sqlite3.connect(tmp_path / "new.sqlite3")
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION
    finally:
        db.close()
