"""The history's writes and their group commit: order decided under the state lock, COMMIT after.

store() runs under the state lock and only numbers the row and queues it (no SQLite, no lock
of its own); redact() and mark_read() run their statement in the open transaction. Each write
takes the next sequence number (`decided`). After the state lock, whoever must send a line
decided after write N calls sync(N): the first such thread writes every queued row and
COMMITs them all in one transaction (group commit), the others find `durable` past their
number and go on. Connections hold back lines queued after a write until it is durable
(server.connection), so a message is stored before anyone receives it, and the state lock is
never held for a COMMIT.

A group that cannot be written or committed is rolled back and remembered (`failure()`): its
lines are released all the same (they were decided; the senders are told that their messages
may be missing from history), as a failed COMMIT always was.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

log = logging.getLogger(__name__)

PRUNE_EVERY_INSERTS = 1000  # retention runs on start, then every this many stores ...
PRUNE_EVERY_SECONDS = 600.0  # ... or when a store comes this long after the last run
FAILURES_KEPT = 64  # failed groups remembered for failure() (it is asked right after sync)
INSERT = (
    "INSERT INTO messages (id, msgid, ts, target_key, target, source, command, text, tags,"
    " sender_key, recipient_key, owner_key, peer, account, lines)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
Row = tuple[Any, ...]
Queued = tuple[int, Row]  # (write number, the row's values)


class HistoryWrites:
    """The write side of server.history.HistoryStore (which sets up _db, _lock, _ids, clock,
    days, max_per_target and _last_ts, then calls _start_writes())."""

    _db: sqlite3.Connection
    _lock: threading.Lock
    _ids: Iterator[int]
    _last_ts: int
    clock: Callable[[], float]
    days: float
    max_per_target: int

    def _start_writes(self) -> None:
        self._queued: deque[Queued] = deque()  # rows stored, not yet in the database
        self.decided = 0
        """The sequence number of the last write decided (under the state lock)."""
        self.durable = 0
        """Every write up to this number is committed (or its group failed: failure())."""
        self._failures: deque[tuple[int, int, str]] = deque(maxlen=FAILURES_KEPT)
        self._stores_since_prune = 0
        self._pruned_at = self.clock()

    def now_ms(self) -> int:
        """The time for a new message: wall clock ms, never before the last stored message
        (under the state lock, as every caller is)."""
        self._last_ts = max(self._last_ts, int(self.clock() * 1000))
        return self._last_ts

    # -- writes, under the state lock

    def store(
        self, msgid: str, ts: int, target_key: str, target: str, source: str, command: str,
        text: str, tags: dict[str, str], sender_key: str | None = None,
        recipient_key: str | None = None, owner_key: str | None = None, peer: str | None = None,
        account: str | None = None, lines: list[tuple[str, bool]] | None = None,
    ) -> int:
        """Queue one relayed message for the next group commit and return its write number
        (under the state lock: this is what orders history). A private message is stored once
        per owner (an account's key), with peer, the nick it was with; account is the
        sender's, lines a multiline message's (its text is them joined)."""
        seq = self.decided + 1
        self._queued.append((seq, (
            next(self._ids), msgid, ts, target_key, target, source, command, text,
            json.dumps(tags) if tags else "", sender_key, recipient_key, owner_key, peer,
            account, json.dumps(lines) if lines is not None else None,
        )))
        self._stores_since_prune += 1
        self.decided = seq  # after the row is queued: a committer that sees seq finds the row
        return seq

    def redact(self, target_keys: list[str], msgid: str, since: int) -> int:
        """Remove msgid (sent at ms since) from each of target_keys' histories (its FTS entry
        goes by trigger), and the reactions (TAGMSGs) replying to it, which came after it: a
        range scan from since on, in the open transaction. How many went."""
        removed = 0
        with self._lock:
            self._begin()
            for key in target_keys:
                removed += self._db.execute(
                    "DELETE FROM messages WHERE target_key = ?1 AND ts >= ?3 AND (msgid = ?2 OR"
                    " (command = 'TAGMSG' AND CASE WHEN json_valid(tags) THEN"
                    " json_extract(tags, '$.\"+draft/reply\"') = ?2"
                    " OR json_extract(tags, '$.\"+reply\"') = ?2 ELSE 0 END))",
                    (key, msgid, since),
                ).rowcount
            self.decided += 1
        return removed

    def mark_read(self, account_key: str, target_key: str, ts: int) -> int:
        """Move account_key's read marker for target_key forward to ts; returns the marker now."""
        with self._lock:
            self._begin()
            self._db.execute(
                "INSERT INTO account_markers (account_key, target_key, ts) VALUES (?, ?, ?)"
                " ON CONFLICT (account_key, target_key) DO UPDATE SET ts = excluded.ts"
                " WHERE excluded.ts > account_markers.ts",
                (account_key, target_key, ts),
            )
            self.decided += 1
            row = self._db.execute(
                "SELECT ts FROM account_markers WHERE account_key = ? AND target_key = ?",
                (account_key, target_key),
            ).fetchone()
        return row[0] if row else ts

    # -- making them durable, after the state lock

    def sync(self, seq: int) -> None:
        """Return once write seq is durable (committing it, and every write decided so far,
        in one transaction when nobody has yet). Never under the state lock."""
        if self.durable >= seq:
            return
        with self._lock:
            if self.durable < seq:  # not committed by the thread we waited for
                self._commit_group()

    def failure(self, first: int, last: int) -> str | None:
        """Why the commit of a write numbered first..last failed, if one did (ask after sync)."""
        for low, high, why in self._failures:
            if low <= last and first <= high:
                return why
        return None

    def commit(self) -> None:
        """Commit every write decided so far, now (raises sqlite3.Error if that failed)."""
        with self._lock:
            error = self._commit_group()
        if error is not None:
            raise error

    def _commit_group(self) -> sqlite3.Error | None:
        """(self._lock held) Write the queued rows and COMMIT, then prune when due; on failure
        roll the group back and remember it. Every write decided before this is then durable
        (or failed)."""
        decided = self.decided  # read before the queue: every row up to it is queued already
        try:
            self._write_queued()
            if self._db.in_transaction:
                self._db.execute("COMMIT")
            error = None
            self._prune_when_due()
        except sqlite3.Error as failed:
            log.error("cannot commit history: %s", failed)
            self._roll_back()
            decided, error = self.decided, failed  # what the transaction held is lost
            queued = self._queued
            while queued and queued[0][0] <= decided:
                queued.popleft()
            self._failures.append((self.durable + 1, decided, str(failed)))
        self.durable = max(self.durable, decided)
        return error

    def _roll_back(self) -> None:
        try:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
        except sqlite3.Error as error:  # (a closed or broken database: nothing to undo)
            log.error("cannot roll history back: %s", error)

    def _write_queued(self) -> None:
        """(self._lock held) Insert the queued rows into the open transaction (a read or a
        statement then sees them; COMMIT is the group commit's)."""
        queued = self._queued
        count = len(queued)  # (rows queued meanwhile wait for the next call)
        if not count:
            return
        if not self._db.in_transaction:
            self._db.execute("BEGIN")
        self._db.executemany(INSERT, (queued.popleft()[1] for _ in range(count)))

    def _begin(self) -> None:
        """(self._lock held) For a statement of the group: the queued rows go first, all in
        the open transaction."""
        if not self._db.in_transaction:
            self._db.execute("BEGIN")
        self._write_queued()

    # -- retention

    def prune(self) -> int:
        """Apply retention now: drop messages older than `days`, and beyond the newest
        max_per_target of each target. Returns how many rows went."""
        with self._lock:
            self._write_queued()
            return self._prune()

    def _prune_when_due(self) -> None:
        """(self._lock held, no transaction open) Retention, if it is time; it failing costs
        no message (each DELETE commits on its own)."""
        if (self._stores_since_prune < PRUNE_EVERY_INSERTS
                and self.clock() - self._pruned_at < PRUNE_EVERY_SECONDS):
            return
        try:
            self._prune()
        except sqlite3.Error as error:
            log.error("history retention failed: %s", error)

    def _prune(self) -> int:
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
