"""The cache's writer thread: it owns the one connection that writes the cache and commits what
the Tk thread queued, in the order queued, everything waiting in one transaction, so no frame
of the window ever waits on the disk. A crash loses at most the newest writes, never one in the
middle."""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from app.models import cacheschema

Write = Callable[[sqlite3.Connection], object]
"""One change to the cache, run inside the writer's transaction."""

log = logging.getLogger(__name__)
_STOP = object()


class CacheWriter:
    """Started at once; put() never blocks. After a database error it keeps error (the reason)
    and drops every later write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.error = ""
        self._queue: queue.SimpleQueue[Write | object] = queue.SimpleQueue()
        self._changed = threading.Condition()
        self._queued = 0
        self._done = 0
        self._thread = threading.Thread(target=self._run, name="cache-writer", daemon=True)
        self._thread.start()

    def put(self, write: Write) -> None:
        """Queue write (committed soon, after every write queued before it)."""
        with self._changed:
            self._queued += 1
        self._queue.put(write)

    @property
    def committed(self) -> int:
        """How many writes were committed (or dropped after an error) so far."""
        with self._changed:
            return self._done

    def wait(self, timeout: float = 5.0) -> bool:
        """Wait until every write queued so far is committed (or dropped); False on timeout."""
        with self._changed:
            target = self._queued
            return self._changed.wait_for(lambda: self._done >= target, timeout)

    def close(self, timeout: float = 5.0) -> bool:
        """Commit what is queued and end the thread; False when it did not end in timeout."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        db = self._connect()
        try:
            while True:
                batch = [self._queue.get()]
                while not self._queue.empty():
                    batch.append(self._queue.get())
                writes = [item for item in batch if item is not _STOP]
                if db is not None and writes:
                    db = self._commit(db, writes)  # type: ignore[arg-type]
                with self._changed:
                    self._done += len(writes)
                    self._changed.notify_all()
                if len(writes) < len(batch):
                    return
        finally:
            if db is not None:
                db.close()

    def _connect(self) -> sqlite3.Connection | None:
        try:
            return cacheschema.connect(self.path)
        except (sqlite3.Error, OSError, cacheschema.NewerCacheError) as error:
            self._failed(error)
            return None

    def _commit(self, db: sqlite3.Connection, writes: list[Write]) -> sqlite3.Connection | None:
        """Run writes in one transaction; None (the writer is off) after an error."""
        try:
            with db:
                for write in writes:
                    write(db)
            return db
        except Exception as error:  # a database error, or a bug: either way the cache is off
            if not isinstance(error, sqlite3.Error):
                log.exception("bug while writing the cache")
            self._failed(error)
            db.close()
            return None

    def _failed(self, error: Exception) -> None:
        self.error = f"The local cache {self.path} cannot be written ({error}); history stays " \
                     f"on the server only"
        log.warning("%s", self.error)
