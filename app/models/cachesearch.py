"""The cache's full-text index (FTS5 over its lines, kept by triggers) and its search: which
cached lines of one account match a text, newest first. A cache from before the index gets it
(and every old line in it) when it opens."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from ircproto.searchtext import fts_query

INDEX = """
CREATE VIRTUAL TABLE lines_fts USING fts5 (
    text, content='lines', content_rowid='seq', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER IF NOT EXISTS lines_fts_insert AFTER INSERT ON lines BEGIN
    INSERT INTO lines_fts (rowid, text) VALUES (new.seq, new.text);
END;
CREATE TRIGGER IF NOT EXISTS lines_fts_delete AFTER DELETE ON lines BEGIN
    INSERT INTO lines_fts (lines_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;
INSERT INTO lines_fts (lines_fts) VALUES ('rebuild');
"""


@dataclass(frozen=True, slots=True)
class Hit:
    """One line found: the conversation it is in (its name as shown), when, who, what."""

    conversation: str
    time: datetime
    sender: str
    text: str
    msgid: str
    private: bool


def ensure_index(db: sqlite3.Connection) -> None:
    """Add the index to a cache without one, filled from the lines already there."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'lines_fts'").fetchone():
        return
    db.executescript(f"BEGIN; {INDEX} COMMIT;")


def search(db: sqlite3.Connection, account: str, text: str, limit: int) -> list[Hit]:
    """account's cached lines matching text (every word, as a prefix), newest first, at most
    limit; [] for a text without words. Raises SearchError for too many words."""
    match = fts_query(text)
    if match is None:
        return []
    rows = db.execute(
        "SELECT COALESCE(p.name, l.conversation), l.time, l.sender, l.text, l.msgid, l.private"
        " FROM lines_fts JOIN lines l ON l.seq = lines_fts.rowid"
        " LEFT JOIN positions p ON p.account = l.account AND p.conversation = l.conversation"
        " WHERE lines_fts MATCH ? AND l.account = ? ORDER BY l.time DESC, l.seq DESC LIMIT ?",
        (match, account, limit)).fetchall()
    return [Hit(name, datetime.fromisoformat(moment), sender, line, msgid, bool(private))
            for name, moment, sender, line, msgid, private in rows]
