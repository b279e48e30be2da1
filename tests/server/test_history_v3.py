"""A history database of schema version 2 (SEARCH's FTS5 index) opens at version 3: its rows
and their search entries stay (none indexed twice), the new account and lines columns are empty
for them, and new rows fill them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from server.historyschema import SCHEMA, VERSION
from server.historysearch import Scope, Search
from server.state import fold
from tests.server.test_history_migration import NOW_MS, open_store

INSERT_V2 = ("INSERT INTO messages (id, msgid, ts, target_key, target, source, command, text,"
             " tags) VALUES (?, ?, ?, '#lobby', '#lobby', 'carol!c@h', 'PRIVMSG', ?, '')")


def version_2_db(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.executescript(SCHEMA + "PRAGMA user_version = 2;")  # version 2 is SCHEMA as it is
    db.execute(INSERT_V2, (1, "m1", NOW_MS, "ship it today"))
    db.commit()
    db.close()
    return path


def test_history_v3_migration_keeps_rows_and_their_search_entries(tmp_path: Path):
    store = open_store(version_2_db(tmp_path / "history.sqlite3"))
    try:
        found = store.search(Scope(("#lobby",), None), Search(text="ship"), fold).messages
        assert [(m.text, m.account, m.lines) for m in found] == [("ship it today", None, None)]
        store.store("m2", store.now_ms(), "#lobby", "#lobby", "bob!b@h", "PRIVMSG", "a\nb", {},
                    account="bob", lines=[("a", False), ("b", False)])
        store.commit()
        newest = store.message("#lobby", "m2")
        assert newest is not None and (newest.account, newest.lines) == (
            "bob", [("a", False), ("b", False)])
    finally:
        store.close()
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION == 3
        assert db.execute("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'ship'"
                          ).fetchone()[0] == 1
    finally:
        db.close()
