"""Persistent message history and read markers in SQLite: stored before relay, read by CHATHISTORY.
Private messages and read markers belong to accounts (schema: server.historyschema).

One connection behind its own lock; callers use it under the state lock, so the stored order is
the delivery order. No socket I/O ever happens while either lock is held.
"""

from __future__ import annotations

import itertools
import json
import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.checkpointer import WAL_LIMIT, Checkpointer, checkpoint
from server.historyschema import COLUMNS, VERSION, WHAT, set_up
from server.historysearch import Scope, Search, search_sql
from server.privatefiles import create_private_file
from server.schemaversion import refuse_newer

log = logging.getLogger(__name__)

MEMORY = ":memory:"
PRUNE_EVERY_INSERTS = 1000  # retention runs on start, then every this many stores ...
PRUNE_EVERY_SECONDS = 600.0  # ... or when a store comes this long after the last run
LATEST_ID = 1 << 62  # an id above every real one, for "at or after this time" bounds
NO_EVENTS = " AND command != 'TAGMSG'"  # history for a client without draft/event-playback
PAGE_CACHE_KIB = 256
"""SQLite's page cache for the history connection (its default is 2,000 KiB). The file's pages
stay in the kernel's page cache either way: on a 150,000-message file, CHATHISTORY LATEST 100,
SEARCH and a store + commit took the same at 256 and 2,000 KiB (medians 0.4-0.7 ms, 10-15 ms,
150-250 us), while a 10-minute soak's RSS grew +4.3% after its first minute instead of +7.5%
(the cache filling to its limit for 5 minutes)."""


_msgid_prefix = secrets.token_hex(6)  # random per run, so ids stay unique across restarts
_msgid_counter = itertools.count(1)


def new_msgid() -> str:
    """A message id unique across runs of the server: a random prefix and a counter."""
    return f"{_msgid_prefix}{next(_msgid_counter):x}"


SEARCH_BUDGET = 0.05
"""Seconds one SEARCH may walk the history (under the state lock, so everyone waits on it)."""
PROGRESS_STEPS = 50_000
"""SQLite instructions between two looks at the clock while a SEARCH walks (a few ms; looking
more often costs more than the walk: FTS5's own statements count too)."""


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """One message as it was relayed: its row id orders it, ts and msgid name it."""

    id: int
    msgid: str
    ts: int
    target: str
    source: str
    command: str
    text: str
    tags: dict[str, str]
    account: str | None = None  # the sender's account when it sent it (None: a guest)
    lines: list[tuple[str, bool]] | None = None  # a multiline message: (text, concat) per line


@dataclass(frozen=True, slots=True)
class Found:
    """What a SEARCH found, oldest first; complete False when it stopped at its budget."""

    messages: list[StoredMessage]
    complete: bool


Bound = tuple[int, int]  # (ts, id): messages compare by time, then by arrival
NEWEST_BOUND: Bound = (LATEST_ID, LATEST_ID)  # after every message


class HistoryStore:
    """The SQLite store. Every method takes the store's lock; none does socket I/O."""

    def __init__(
        self, path: str, days: float, max_per_target: int, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = path
        self.days = days
        self.max_per_target = max_per_target
        self.clock = clock
        self._lock = threading.Lock()
        self.timer: Callable[[], float] = time.perf_counter
        """What SEARCH's budget is measured with, every progress_steps SQLite instructions."""
        self.progress_steps = PROGRESS_STEPS
        self._source_fold: Callable[[str], str] | None = None
        """The fold the SQL function source_key() was made with (made again for another)."""
        self._checkpointer: Checkpointer | None = None
        if path != MEMORY:
            try:
                create_private_file(Path(path))  # messages: 0600 in a 0700 directory
            except OSError as error:
                why = f"cannot create {path}: {error.strerror}"
                raise sqlite3.OperationalError(why) from error
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        try:
            self._setup()
        except sqlite3.Error:
            self._db.close()
            raise
        self._last_ts, last_id = self._db.execute(
            "SELECT COALESCE(MAX(ts), 0), COALESCE(MAX(id), 0) FROM messages"
        ).fetchone()
        self._ids = itertools.count(last_id + 1)
        self._stores_since_prune = 0
        self._pruned_at = self.clock()
        self.prune()
        self.commit()
        if path != MEMORY:
            self._checkpointer = Checkpointer(path)
            self._checkpointer.start()

    def _setup(self) -> None:
        # WAL + synchronous=NORMAL: a commit is in the WAL file (written, not fsynced) before we
        # relay, so it survives the server being killed; only an OS crash or power loss can lose
        # the last commits. FULL would fsync on every message, under the state lock.
        refuse_newer(self._db, VERSION, f"{WHAT} {self.path}")  # before changing anything
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA wal_autocheckpoint=0")  # the Checkpointer thread does it
        self._db.execute(f"PRAGMA journal_size_limit={WAL_LIMIT}")
        self._db.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")  # negative: KiB, not pages
        set_up(self._db)

    @property
    def autocheckpoint(self) -> int:
        """SQLite's automatic checkpoint threshold in pages: 0 (off), the Checkpointer thread
        checkpoints instead."""
        with self._lock:
            return int(self._db.execute("PRAGMA wal_autocheckpoint").fetchone()[0])

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        with self._lock:
            if self.path != MEMORY:
                checkpoint(self._db, "TRUNCATE")
            self._db.close()

    def now_ms(self) -> int:
        """The time for a new message: wall clock ms, never before the last stored message."""
        with self._lock:
            self._last_ts = max(self._last_ts, int(self.clock() * 1000))
            return self._last_ts

    # -- writing

    def store(
        self, msgid: str, ts: int, target_key: str, target: str, source: str, command: str,
        text: str, tags: dict[str, str], sender_key: str | None = None,
        recipient_key: str | None = None, owner_key: str | None = None, peer: str | None = None,
        account: str | None = None, lines: list[tuple[str, bool]] | None = None,
    ) -> None:
        """Add one relayed message to the open transaction (raises sqlite3.Error when it
        cannot); commit() makes it durable, before anyone is sent it. A private message is
        stored once per owner (an account's key), with peer, the nick it was with; account is
        the sender's, lines a multiline message's (its text is them joined)."""
        with self._lock:
            if not self._db.in_transaction:
                self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO messages (id, msgid, ts, target_key, target, source, command, text,"
                " tags, sender_key, recipient_key, owner_key, peer, account, lines)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (next(self._ids), msgid, ts, target_key, target, source, command, text,
                 json.dumps(tags) if tags else "", sender_key, recipient_key, owner_key, peer,
                 account, json.dumps(lines) if lines is not None else None),
            )
            self._stores_since_prune += 1
            due = self.clock() - self._pruned_at >= PRUNE_EVERY_SECONDS
        if due or self._stores_since_prune >= PRUNE_EVERY_INSERTS:
            self.prune()

    def commit(self) -> None:
        """Make every store since the last commit durable: one transaction per dispatched batch
        of lines, before its lines are queued (raises sqlite3.Error after rolling back)."""
        with self._lock:
            if not self._db.in_transaction:
                return
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def prune(self) -> int:
        """Apply retention: drop messages older than `days`, and beyond the newest
        max_per_target of each target. Returns how many rows went."""
        with self._lock:
            self._stores_since_prune, self._pruned_at = 0, self.clock()
            cutoff = int((self.clock() - self.days * 86400) * 1000)
            removed = self._db.execute("DELETE FROM messages WHERE ts < ?", (cutoff,)).rowcount
            crowded = self._db.execute(
                "SELECT target_key FROM messages GROUP BY target_key HAVING COUNT(*) > ?",
                (self.max_per_target,),
            ).fetchall()
            for (target_key,) in crowded:
                removed += self._db.execute(
                    "DELETE FROM messages WHERE target_key = ? AND id <= (SELECT id FROM messages"
                    " WHERE target_key = ? ORDER BY ts DESC, id DESC LIMIT 1 OFFSET ?)",
                    (target_key, target_key, self.max_per_target),
                ).rowcount
        if removed:
            log.info("history retention removed %d messages", removed)
        return removed

    # -- reading

    def find(self, target_key: str, msgid: str) -> Bound | None:
        """The (ts, id) of msgid in target_key's history, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT ts, id FROM messages WHERE target_key = ? AND msgid = ?",
                (target_key, msgid),
            ).fetchone()
        return (row[0], row[1]) if row else None

    def message(self, target_key: str, msgid: str) -> StoredMessage | None:
        """The message msgid in target_key's history, or None."""
        found = self._select("WHERE target_key = ? AND msgid = ?", (target_key, msgid))
        return found[0] if found else None

    def private_copies(self, msgid: str) -> list[tuple[str, str]]:
        """(target key, owner key) of each account's copy of the private message msgid."""
        with self._lock:
            rows = self._db.execute(
                "SELECT target_key, owner_key FROM messages WHERE msgid = ?"
                " AND owner_key IS NOT NULL", (msgid,),
            ).fetchall()
        return [(row[0], row[1]) for row in rows]

    def redact(self, target_keys: list[str], msgid: str, since: int) -> int:
        """Remove msgid (sent at ms since) from each of target_keys' histories (its FTS entry
        goes by trigger), and the reactions (TAGMSGs) replying to it, which came after it: a
        range scan from since on, in the open transaction as store() does. How many went."""
        removed = 0
        with self._lock:
            if not self._db.in_transaction:
                self._db.execute("BEGIN")
            for key in target_keys:
                removed += self._db.execute(
                    "DELETE FROM messages WHERE target_key = ?1 AND ts >= ?3 AND (msgid = ?2 OR"
                    " (command = 'TAGMSG' AND CASE WHEN json_valid(tags) THEN"
                    " json_extract(tags, '$.\"+draft/reply\"') = ?2"
                    " OR json_extract(tags, '$.\"+reply\"') = ?2 ELSE 0 END))",
                    (key, msgid, since),
                ).rowcount
        return removed

    def before(self, target_key: str, bound: Bound, limit: int, after: Bound | None = None,
               events: bool = True) -> list[StoredMessage]:
        """The newest `limit` messages before bound (and after `after`), oldest first; without
        events, PRIVMSG and NOTICE only (no TAGMSG: draft/event-playback)."""
        low = after or (-1, -1)
        rows = self._select(
            "WHERE target_key = ? AND (ts, id) < (?, ?) AND (ts, id) > (?, ?)"
            f"{'' if events else NO_EVENTS} ORDER BY ts DESC, id DESC LIMIT ?",
            (target_key, *bound, *low, limit),
        )
        return rows[::-1]

    def after(self, target_key: str, bound: Bound, limit: int, before: Bound | None = None,
              events: bool = True) -> list[StoredMessage]:
        """The oldest `limit` messages after bound (and before `before`), oldest first; events
        as in before()."""
        high = before or (LATEST_ID, LATEST_ID)
        return self._select(
            "WHERE target_key = ? AND (ts, id) > (?, ?) AND (ts, id) < (?, ?)"
            f"{'' if events else NO_EVENTS} ORDER BY ts, id LIMIT ?",
            (target_key, *bound, *high, limit),
        )

    def search(self, scope: Scope, search: Search, fold: Callable[[str], str],
               budget: float | None = None) -> Found:
        """The newest `search.limit` messages matching search that scope may read, oldest
        first; fold casefolds a nick (for from=). Full-text matching goes through the FTS5
        index; the walk stops after budget seconds (default SEARCH_BUDGET: a common word from
        a rare sender walks every match of the word), keeping the newest matches found so far."""
        query = search_sql(scope, search)
        if query is None:
            return Found([], True)
        sql, args = query
        with self._lock:
            if self._source_fold is not fold:
                self._db.create_function("source_key", 1, lambda source: fold(
                    source.partition("!")[0]), deterministic=True)
                self._source_fold = fold
            rows, complete = self._walk(sql, args, SEARCH_BUDGET if budget is None else budget)
        return Found(self._stored(rows)[::-1], complete)

    def _walk(self, sql: str, args: list[object], budget: float) -> tuple[list[Any], bool]:
        """The rows of sql, and False when budget (seconds of self.timer) ran out first."""
        timer = self.timer
        ends = timer() + budget
        self._db.set_progress_handler(lambda: timer() > ends, self.progress_steps)
        rows: list[Any] = []
        try:
            cursor = self._db.execute(sql, args)
            while batch := cursor.fetchmany(64):
                rows.extend(batch)
        except sqlite3.OperationalError as error:
            if "interrupt" not in str(error):
                raise
            return rows, False
        finally:
            self._db.set_progress_handler(None, 0)
        return rows, True

    def _select(self, where: str, args: tuple[object, ...]) -> list[StoredMessage]:
        with self._lock:
            rows = self._db.execute(f"SELECT {COLUMNS} FROM messages {where}", args).fetchall()
        return self._stored(rows)

    @staticmethod
    def _stored(rows: list[Any]) -> list[StoredMessage]:
        return [
            StoredMessage(row[0], row[1], row[2], row[3], row[4], row[5], row[6],
                          json.loads(row[7]) if row[7] else {}, row[8],
                          [(text, bool(concat)) for text, concat in json.loads(row[9])]
                          if row[9] else None)
            for row in rows
        ]

    def targets(self, channel_keys: list[str], owner_key: str | None, low: int, high: int,
                limit: int) -> list[tuple[str, int]]:
        """(target name, latest ts) of the channels in channel_keys and of the private
        conversations of owner_key (an account; None: a guest, who has none) with messages
        between low and high (ms, exclusive), oldest activity first."""
        marks = ",".join("?" * len(channel_keys))
        with self._lock:
            rows = self._db.execute(
                "SELECT target_key, MAX(ts), target, peer FROM messages"
                f" WHERE ts > ? AND ts < ? AND (target_key IN ({marks}) OR owner_key = ?)"
                " GROUP BY target_key ORDER BY MAX(ts) LIMIT ?",
                (low, high, *channel_keys, owner_key, limit),
            ).fetchall()
        return [(peer if peer is not None else target, ts) for _key, ts, target, peer in rows]

    # -- read markers, per account

    def mark_read(self, account_key: str, target_key: str, ts: int) -> int:
        """Move account_key's read marker for target_key forward to ts; returns the marker now."""
        with self._lock:
            if not self._db.in_transaction:
                self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO account_markers (account_key, target_key, ts) VALUES (?, ?, ?)"
                " ON CONFLICT (account_key, target_key) DO UPDATE SET ts = excluded.ts"
                " WHERE excluded.ts > account_markers.ts",
                (account_key, target_key, ts),
            )
        return self.read_marker(account_key, target_key) or ts

    def read_marker(self, account_key: str, target_key: str) -> int | None:
        with self._lock:
            row = self._db.execute(
                "SELECT ts FROM account_markers WHERE account_key = ? AND target_key = ?",
                (account_key, target_key),
            ).fetchone()
        return row[0] if row else None
