"""The local cache of the log: server lines per conversation in SQLite under the user data dir
(or $LOCALCHAT_DATA_DIR), 0600 in a 0700 directory, keyed by server host:port and nick, so a
window shows its conversations at once on start and history resumes after the last msgid seen.
A bad cache warns, never crashes."""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import platformdirs

from app.models.cachesearch import Hit, ensure_index, search
from app.models.log import DEFAULT_LOG_LIMIT, EntryKind, LogEntry
from app.models.outbox import Outgoing
from app.models.privatefiles import private_file
from app.models.settings import CONFIG_DIR_ENV

DATA_DIR_ENV = "LOCALCHAT_DATA_DIR"
FILE_NAME = "cache.sqlite3"
log = logging.getLogger(__name__)
SCHEMA = """
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


def data_dir() -> Path:
    """$LOCALCHAT_DATA_DIR when set; else $LOCALCHAT_CONFIG_DIR when set (a portable or test
    setup keeps everything in one place); else the platform's per-user data dir."""
    for name in (DATA_DIR_ENV, CONFIG_DIR_ENV):
        override = os.environ.get(name, "").strip()
        if override:
            return Path(override)
    return Path(platformdirs.user_data_dir("localchat"))


@dataclass
class CachedConversation:
    """One conversation as the cache remembers it."""

    name: str
    private: bool
    last_msgid: str = ""
    last_time: datetime | None = None
    read_until: datetime | None = None
    entries: list[LogEntry] = field(default_factory=list)


class LogCache:
    """The cache of one account (host:port and nick). Every method answers False/[] and sets
    .error on a database or file error; after one error the cache is off."""

    def __init__(self, directory: Path, account: str, limit: int = DEFAULT_LOG_LIMIT) -> None:
        self.path = directory / FILE_NAME
        self.account = account
        self.limit = limit
        self.error = ""
        self._db: sqlite3.Connection | None = None
        try:
            private_file(self.path)  # 0600 in a 0700 directory: it holds private messages
            self._db = sqlite3.connect(self.path)
            self._db.executescript(SCHEMA)
            ensure_index(self._db)
        except (sqlite3.Error, OSError) as error:
            self._fail(error)

    def _fail(self, error: Exception) -> None:
        self.error = f"The local cache {self.path} cannot be used ({error}); history stays " \
                     f"on the server only"
        log.warning("%s", self.error)
        self.close()

    def close(self) -> None:
        """Close the database (the cache is off afterwards)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def load(self) -> list[CachedConversation]:
        """Every cached conversation of the account, its newest `limit` lines oldest first."""
        if self._db is None:
            return []
        try:
            return [self._conversation(row) for row in self._db.execute(
                "SELECT conversation, name, private, last_msgid, last_time, read_until "
                "FROM positions WHERE account = ? ORDER BY rowid", (self.account,))]
        except (sqlite3.Error, ValueError) as error:
            self._fail(error)
            return []

    def _conversation(self, row: tuple) -> CachedConversation:  # type: ignore[type-arg]
        assert self._db is not None
        key, name, private, last_msgid, last_time, read_until = row
        found = CachedConversation(name, bool(private), last_msgid, _time(last_time),
                                   _time(read_until))
        with self._db:  # what fell off the log's end falls out of the cache too
            self._db.execute(
                "DELETE FROM lines WHERE account = ? AND conversation = ? AND seq NOT IN (SELECT "
                "seq FROM lines WHERE account = ? AND conversation = ? ORDER BY time DESC, "
                "seq DESC LIMIT ?)", (self.account, key, self.account, key, self.limit))
        rows = self._db.execute(
            "SELECT time, sender, target, text, kind, own, private, msgid FROM lines "
            "WHERE account = ? AND conversation = ? ORDER BY time DESC, seq DESC LIMIT ?",
            (self.account, key, self.limit)).fetchall()
        found.entries = [LogEntry(datetime.fromisoformat(t), sender, target, text,
                                  EntryKind(kind), bool(own), bool(priv), msgid, replayed=True)
                         for t, sender, target, text, kind, own, priv, msgid in reversed(rows)]
        return found

    def store(self, lines: list[tuple[str, LogEntry]],
              positions: list[tuple[str, CachedConversation]]) -> bool:
        """Add lines ((conversation key, entry) with a msgid) and save the positions
        ((key, conversation without entries)) in one transaction."""
        if self._db is None:
            return False
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR IGNORE INTO lines (account, conversation, time, sender, target, "
                    "text, kind, own, private, msgid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(self.account, key, _text(e.time), e.sender, e.target, e.text,
                      e.kind.value, int(e.own), int(e.private), e.msgid) for key, e in lines])
                self._db.executemany(
                    "INSERT OR REPLACE INTO positions VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(self.account, key, c.name, int(c.private), c.last_msgid,
                      _text(c.last_time), _text(c.read_until)) for key, c in positions])
            return True
        except sqlite3.Error as error:
            self._fail(error)
            return False

    def save_outbox(self, items: list[Outgoing]) -> bool:
        """Replace the kept unconfirmed messages with items (oldest first)."""
        if self._db is None:
            return False
        try:
            with self._db:
                self._db.execute("DELETE FROM outbox WHERE account = ?", (self.account,))
                self._db.executemany(
                    "INSERT INTO outbox (account, target, text, action, sent, time, private) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(self.account, item.target, item.text, int(item.action),
                      int(item.sent), _text(item.entry.time), int(item.entry.private))
                     for item in items])
            return True
        except sqlite3.Error as error:
            self._fail(error)
            return False

    def load_outbox(self, sender: str) -> list[Outgoing]:
        """The messages not confirmed when the client last closed, oldest first, as pending
        lines of sender; those sent then are marked sent (history decides if they arrived)."""
        if self._db is None:
            return []
        try:
            rows = self._db.execute(
                "SELECT target, text, action, sent, time, private FROM outbox WHERE account = ? "
                "ORDER BY seq", (self.account,)).fetchall()
        except sqlite3.Error as error:
            self._fail(error)
            return []
        return [Outgoing(target, text, bool(action), LogEntry(
                    datetime.fromisoformat(moment), sender, target, text,
                    EntryKind.ACTION if action else EntryKind.CHAT, True, bool(private),
                    pending=True), sent=bool(sent))
                for target, text, action, sent, moment, private in rows]

    def search(self, text: str, limit: int = 100) -> list[Hit]:
        """The account's cached lines matching text, newest first (app.models.cachesearch);
        raises SearchError for a text of too many words."""
        if self._db is None:
            return []
        try:
            return search(self._db, self.account, text, limit)
        except sqlite3.Error as error:
            self._fail(error)
            return []

    def forget_message(self, key: str, msgid: str) -> bool:
        """Drop one message of a conversation (it was deleted: REDACT); its words leave the
        search index with it."""
        if self._db is None:
            return False
        try:
            with self._db:
                self._db.execute("DELETE FROM lines WHERE account = ? AND conversation = ? AND "
                                 "msgid = ?", (self.account, key, msgid))
            return True
        except sqlite3.Error as error:
            self._fail(error)
            return False

    def forget(self, key: str) -> bool:
        """Drop a conversation (we left the channel)."""
        if self._db is None:
            return False
        try:
            with self._db:
                for table in ("lines", "positions"):
                    self._db.execute(f"DELETE FROM {table} WHERE account = ? AND "
                                     f"conversation = ?", (self.account, key))
            return True
        except sqlite3.Error as error:
            self._fail(error)
            return False


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _text(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="microseconds") if moment is not None else None
