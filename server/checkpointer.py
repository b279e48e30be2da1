"""Moves SQLite's WAL checkpoints off the hot path: a thread of its own copies the WAL into the
database (and fsyncs it) every so often, so no message waits on an fsync under the state lock.

SQLite's automatic checkpoint runs inside whichever commit crosses the WAL size limit; measured
here that made one commit in a few hundred take 10-20 ms instead of ~50 us, while every other
client waited on the state lock. A PASSIVE checkpoint on a separate connection runs beside the
writer without blocking it. Under a steady stream of writes a PASSIVE checkpoint never catches
the writer, so the WAL cannot start over; once it passes WAL_LIMIT a RESTART checkpoint makes the
writer wait for one checkpoint (a rare pause instead of one every few hundred messages).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading

log = logging.getLogger(__name__)
CHECKPOINT_SECONDS = 1.0
WAL_LIMIT = 64 * 1024 * 1024


class Checkpointer:
    """Checkpoints the WAL of the database at path every `every` seconds until stop()."""

    def __init__(self, path: str, every: float = CHECKPOINT_SECONDS) -> None:
        self._path = path
        self._every = every
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="history-checkpoint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (the caller checkpoints once more with its own connection)."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(5.0)

    def _run(self) -> None:
        db = sqlite3.connect(self._path, timeout=2.0, isolation_level=None)
        try:
            while not self._stopping.wait(self._every):
                checkpoint(db, "RESTART" if self._wal_size() > WAL_LIMIT else "PASSIVE")
        finally:
            db.close()

    def _wal_size(self) -> int:
        try:
            return os.path.getsize(self._path + "-wal")
        except OSError:
            return 0


def checkpoint(db: sqlite3.Connection, mode: str) -> None:
    """Run one WAL checkpoint; a failure is logged, the next one tries again."""
    try:
        db.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    except sqlite3.Error as error:
        log.warning("history checkpoint (%s) failed: %s", mode, error)
