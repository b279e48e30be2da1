"""WAL checkpoints run on their own thread, not inside a commit under the state lock."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from server.checkpointer import Checkpointer
from server.history import PAGE_CACHE_KIB, HistoryStore, new_msgid


def write_rows(path: Path, count: int) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE IF NOT EXISTS t (x TEXT)")
    for _ in range(count):
        db.execute("INSERT INTO t VALUES (?)", ("x" * 500,))
    db.close()


def test_checkpointer_copies_the_wal_into_the_database(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    write_rows(path, 1)  # closing the last connection checkpoints: start from an empty WAL
    keeper = sqlite3.connect(path)  # open and reading, so the WAL stays until checkpointed
    keeper.execute("SELECT COUNT(*) FROM t").fetchone()
    write_rows(path, 400)
    before = path.stat().st_size
    checkpointer = Checkpointer(str(path), every=0.05)
    checkpointer.start()
    try:
        deadline = time.monotonic() + 10
        while path.stat().st_size == before and time.monotonic() < deadline:
            time.sleep(0.02)
        after = path.stat().st_size  # measured while both connections are open
    finally:
        checkpointer.stop()
        keeper.close()
    assert after > before + 400 * 500 // 2


def test_history_store_commits_without_automatic_checkpoints_and_truncates_on_close(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    store = HistoryStore(str(path), 30, 100)
    try:
        assert store.autocheckpoint == 0
        store.store(new_msgid(), store.now_ms(), "#a", "#a", "a!a@h", "PRIVMSG", "hi", {})
        store.commit()
        assert Path(str(path) + "-wal").stat().st_size > 0
    finally:
        store.close()
    wal = Path(str(path) + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    again = HistoryStore(str(path), 30, 100)
    try:
        assert [m.text for m in again.before("#a", (1 << 62, 1 << 62), 10)] == ["hi"]
    finally:
        again.close()


def test_history_store_keeps_a_small_page_cache(tmp_path: Path) -> None:
    store = HistoryStore(str(tmp_path / "h.sqlite3"), 30, 100)
    try:
        with store._lock:  # the store's own connection, as its methods use it
            assert store._db.execute("PRAGMA cache_size").fetchone()[0] == -PAGE_CACHE_KIB
    finally:
        store.close()
    assert PAGE_CACHE_KIB < 2000  # smaller than SQLite's default, which a soak saw filling
