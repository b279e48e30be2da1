"""The local cache of the log: server lines per conversation and our unconfirmed messages in
SQLite under the user data dir (or $LOCALCHAT_DATA_DIR), 0600 in a 0700 directory, keyed by
server host:port and nick, so a window shows its conversations at once on start, history resumes
after the last msgid seen and nothing typed is lost. Reads run on the caller's thread, writes on
the writer thread (app.models.cachewriter). A bad cache warns, never crashes."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import platformdirs

from app.models import cacheschema
from app.models.cachesearch import Hit, search
from app.models.cachewriter import CacheWriter, Write
from app.models.log import DEFAULT_LOG_LIMIT, EntryKind, LogEntry
from app.models.outbox import Outgoing
from app.models.privatefiles import private_file
from app.models.settings import CONFIG_DIR_ENV

DATA_DIR_ENV = "LOCALCHAT_DATA_DIR"
FILE_NAME = "cache.sqlite3"
WAIT_S = 5.0
"""How long reading waits for the writes queued before it, and closing for the last ones."""
log = logging.getLogger(__name__)


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
    """The cache of one account (host:port and nick). Reads answer []/None and set .error on a
    database or file error; writes are queued and answer False once the cache is off (after an
    error, also one the writer thread met: then .error says why)."""

    def __init__(self, directory: Path, account: str, limit: int = DEFAULT_LOG_LIMIT) -> None:
        self.path = directory / FILE_NAME
        self.account = account
        self.limit = limit
        self._error = ""
        self._db: sqlite3.Connection | None = None
        self._writer: CacheWriter | None = None
        try:
            private_file(self.path)  # 0600 in a 0700 directory: it holds private messages
            self._db = cacheschema.connect(self.path)
        except cacheschema.NewerCacheError as error:
            self._fail(error, "LocalChat runs without it; a newer LocalChat can still use it")
        except (sqlite3.Error, OSError) as error:
            self._fail(error)

    @property
    def error(self) -> str:
        """Why the cache is off ('' while it works)."""
        if not self._error and self._writer is not None and self._writer.error:
            self._error = self._writer.error
            self.close()
        return self._error

    def _fail(self, error: Exception, then: str = "history stays on the server only") -> None:
        self._error = f"The local cache {self.path} cannot be used ({error}); {then}"
        log.warning("%s", self._error)
        self.close()

    def close(self) -> bool:
        """Commit what is queued and close (the cache is off afterwards); False when the
        writer did not finish in time."""
        finished = True
        if self._writer is not None:
            finished = self._writer.close(WAIT_S)
            self._error = self._error or self._writer.error
            self._writer = None
        if self._db is not None:
            self._db.close()
            self._db = None
        return finished

    def wait(self, timeout: float = WAIT_S) -> bool:
        """Wait until every write queued so far is on disk (committed); False on timeout."""
        return self._writer is None or self._writer.wait(timeout)

    def _write(self, write: Write) -> bool:
        """Queue write for the writer thread (started by the first write)."""
        if self._db is None or self.error:
            return False
        if self._writer is None:
            self._writer = CacheWriter(self.path)
        self._writer.put(write)
        return True

    def load(self) -> list[CachedConversation]:
        """Every cached conversation of the account, its newest `limit` lines oldest first."""
        if self._db is None or not self.wait():
            return []
        try:
            return [self._conversation(row) for row in self._db.execute(
                "SELECT conversation, name, private, last_msgid, last_time, read_until "
                "FROM positions WHERE account = ? ORDER BY rowid", (self.account,)).fetchall()]
        except (sqlite3.Error, ValueError) as error:
            self._fail(error)
            return []

    def _conversation(self, row: tuple) -> CachedConversation:  # type: ignore[type-arg]
        assert self._db is not None
        key, name, private, last_msgid, last_time, read_until = row
        found = CachedConversation(name, bool(private), last_msgid, _time(last_time),
                                   _time(read_until))
        rows = self._db.execute(
            "SELECT time, sender, target, text, kind, own, private, msgid, reply_to, reactions "
            "FROM lines WHERE account = ? AND conversation = ? ORDER BY time DESC, seq DESC "
            "LIMIT ?", (self.account, key, self.limit)).fetchall()
        found.entries = [LogEntry(datetime.fromisoformat(t), sender, target, text,
                                  EntryKind(kind), bool(own), bool(priv), msgid, replayed=True,
                                  reply_to=reply_to, reactions=_reactions_of(reactions))
                         for t, sender, target, text, kind, own, priv, msgid, reply_to, reactions
                         in reversed(rows)]
        account, limit = self.account, self.limit
        self._write(lambda db: db.execute(  # what fell off the log's end falls out of the cache
            "DELETE FROM lines WHERE account = ? AND conversation = ? AND seq NOT IN (SELECT "
            "seq FROM lines WHERE account = ? AND conversation = ? ORDER BY time DESC, "
            "seq DESC LIMIT ?)", (account, key, account, key, limit)))
        return found

    def store(self, lines: list[tuple[str, LogEntry]],
              positions: list[tuple[str, CachedConversation]]) -> bool:
        """Add lines ((conversation key, entry) with a msgid) and save the positions
        ((key, conversation without entries)) in one transaction."""
        account = self.account
        line_rows = [(account, key, _text(e.time), e.sender, e.target, e.text, e.kind.value,
                      int(e.own), int(e.private), e.msgid, e.reply_to, _reactions(e))
                     for key, e in lines]
        position_rows = [(account, key, c.name, int(c.private), c.last_msgid,
                          _text(c.last_time), _text(c.read_until)) for key, c in positions]

        def write(db: sqlite3.Connection) -> None:
            db.executemany(  # a line filed again (its reactions changed) keeps its place
                "INSERT INTO lines (account, conversation, time, sender, target, text, kind, "
                "own, private, msgid, reply_to, reactions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?) ON CONFLICT (account, conversation, msgid) DO UPDATE SET "
                "reactions = excluded.reactions", line_rows)
            db.executemany("INSERT OR REPLACE INTO positions VALUES (?, ?, ?, ?, ?, ?, ?)",
                           position_rows)
        return self._write(write)

    def keep(self, item: Outgoing) -> bool:
        """Keep item (typed, not yet confirmed) until dropped, also across a crash."""
        row = (self.account, item.target, item.text, int(item.action), int(item.sent),
               _text(item.entry.time), int(item.entry.private), item.uid, item.reply_to)
        return self._write(lambda db: db.execute(
            "INSERT OR REPLACE INTO outbox (account, target, text, action, sent, time, "
            "private, uid, reply_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row))

    def mark_sent(self, items: Iterable[Outgoing]) -> bool:
        """items went out (history may hold them from now on)."""
        uids = [(item.uid,) for item in items]
        return self._write(lambda db: db.executemany(
            "UPDATE outbox SET sent = 1 WHERE uid = ?", uids))

    def drop(self, item: Outgoing) -> bool:
        """item was confirmed (or handed to a server that does not echo): forget it."""
        uid = item.uid
        return self._write(lambda db: db.execute("DELETE FROM outbox WHERE uid = ?", (uid,)))

    def load_outbox(self, sender: str) -> list[Outgoing]:
        """The messages not confirmed when the client last ran, oldest first, as pending lines
        of sender; those sent then are marked sent (history decides if they arrived)."""
        if self._db is None or not self.wait():
            return []
        try:
            rows = self._db.execute(
                "SELECT target, text, action, sent, time, private, uid, reply_to FROM outbox "
                "WHERE account = ? ORDER BY seq", (self.account,)).fetchall()
        except sqlite3.Error as error:
            self._fail(error)
            return []
        return [Outgoing(target, text, bool(action), LogEntry(
                    datetime.fromisoformat(moment), sender, target, text,
                    EntryKind.ACTION if action else EntryKind.CHAT, True, bool(private),
                    pending=True, reply_to=reply_to), sent=bool(sent), uid=uid,
                             reply_to=reply_to)
                for target, text, action, sent, moment, private, uid, reply_to in rows]

    def search(self, text: str, limit: int = 100) -> list[Hit]:
        """The account's cached lines matching text, newest first (app.models.cachesearch),
        once the writes queued before are in; raises SearchError for a text of too many
        words."""
        if self._db is None or not self.wait():
            return []
        try:
            return search(self._db, self.account, text, limit)
        except sqlite3.Error as error:
            self._fail(error)
            return []

    def forget_message(self, key: str, msgid: str) -> bool:
        """Drop one message of a conversation (it was deleted: REDACT); its words leave the
        search index with it (after the writes queued before, which may hold it)."""
        row = (self.account, key, msgid)
        return self._write(lambda db: db.execute(
            "DELETE FROM lines WHERE account = ? AND conversation = ? AND msgid = ?", row))

    def forget(self, key: str) -> bool:
        """Drop a conversation (we left the channel)."""
        account = self.account

        def write(db: sqlite3.Connection) -> None:
            for table in ("lines", "positions"):
                db.execute(f"DELETE FROM {table} WHERE account = ? AND conversation = ?",
                           (account, key))
        return self._write(write)


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _text(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="microseconds") if moment is not None else None


def _reactions(entry: LogEntry) -> str:
    """entry's reactions as the cache keeps them: JSON [[reaction, [nick, ...]], ...], or ''."""
    return json.dumps([[reaction, list(nicks)] for reaction, nicks in entry.reactions],
                      ensure_ascii=False) if entry.reactions else ""


def _reactions_of(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The reactions _reactions() wrote (ValueError for anything else: the cache is broken)."""
    if not text:
        return ()
    data = json.loads(text)
    if not isinstance(data, list) or not all(
            isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
            and isinstance(item[1], list) and all(isinstance(n, str) for n in item[1])
            for item in data):
        raise ValueError(f"unreadable reactions in the cache: {text[:80]!r}")
    return tuple((reaction, tuple(nicks)) for reaction, nicks in data)
