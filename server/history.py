"""Persistent message history and read markers in SQLite: stored before relay, read by CHATHISTORY.
Private messages and read markers belong to accounts (schema: server.historyschema).

One connection behind its own lock; callers read and write under the state lock, so the stored
order is the delivery order; COMMIT happens after the state lock (group commit:
server.historywrites). No socket I/O ever happens while either lock is held.
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
from server.historywrites import HistoryWrites
from server.privatefiles import create_private_file
from server.schemaversion import refuse_newer

log = logging.getLogger(__name__)

MEMORY = ":memory:"
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


class HistoryStore(HistoryWrites):
    """The SQLite store. Reads take the store's lock (and see every write decided so far);
    none does socket I/O. Writes and their group commit: server.historywrites."""

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
        self._start_writes()
        self.prune()
        self.commit()
        if path != MEMORY:
            self._checkpointer = Checkpointer(path)
            self._checkpointer.start()

    def _setup(self) -> None:
        # WAL + synchronous=NORMAL: a commit is in the WAL file (written, not fsynced) before we
        # relay, so it survives the server being killed; only an OS crash or power loss can lose
        # the last commits. FULL would fsync on every group commit.
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
            self._commit_group()  # what was decided is kept
            if self.path != MEMORY:
                checkpoint(self._db, "TRUNCATE")
            self._db.close()

    # -- reading

    def find(self, target_key: str, msgid: str) -> Bound | None:
        """The (ts, id) of msgid in target_key's history, or None."""
        with self._lock:
            self._write_queued()  # every write decided so far is seen
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
            self._write_queued()  # every write decided so far is seen
            rows = self._db.execute(
                "SELECT target_key, owner_key FROM messages WHERE msgid = ?"
                " AND owner_key IS NOT NULL", (msgid,),
            ).fetchall()
        return [(row[0], row[1]) for row in rows]

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
            self._write_queued()  # every write decided so far is seen
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
            self._write_queued()  # every write decided so far is seen
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
            self._write_queued()  # every write decided so far is seen
            rows = self._db.execute(
                "SELECT target_key, MAX(ts), target, peer FROM messages"
                f" WHERE ts > ? AND ts < ? AND (target_key IN ({marks}) OR owner_key = ?)"
                " GROUP BY target_key ORDER BY MAX(ts) LIMIT ?",
                (low, high, *channel_keys, owner_key, limit),
            ).fetchall()
        return [(peer if peer is not None else target, ts) for _key, ts, target, peer in rows]

    # -- read markers, per account

    def read_marker(self, account_key: str, target_key: str) -> int | None:
        with self._lock:
            self._write_queued()  # every write decided so far is seen
            row = self._db.execute(
                "SELECT ts FROM account_markers WHERE account_key = ? AND target_key = ?",
                (account_key, target_key),
            ).fetchone()
        return row[0] if row else None
