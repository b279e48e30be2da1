"""The cache's writer thread: writes committed in the order queued, one transaction per batch;
after an error (a database error or a bug in a write) it says why, drops what follows and never
blocks a waiter; close commits what is queued."""

from __future__ import annotations

import sqlite3

from app.models.cachewriter import CacheWriter


def rows(path) -> list[int]:
    with sqlite3.connect(path) as db:
        return [n for (n,) in db.execute("SELECT n FROM t ORDER BY rowid")]


def test_cachewriter_commits_in_order_and_close_writes_what_is_queued(tmp_path):
    path = tmp_path / "c.sqlite3"
    writer = CacheWriter(path)
    writer.put(lambda db: db.execute("CREATE TABLE t (n INTEGER)"))
    for n in range(200):
        writer.put(lambda db, n=n: db.execute("INSERT INTO t VALUES (?)", (n,)))
    assert writer.wait() and rows(path) == list(range(200))
    writer.put(lambda db: db.execute("INSERT INTO t VALUES (200)"))
    assert writer.close() and rows(path)[-1] == 200 and writer.committed == 202
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_cachewriter_error_rolls_back_its_batch_and_turns_it_off(tmp_path):
    path = tmp_path / "c.sqlite3"
    writer = CacheWriter(path)
    writer.put(lambda db: db.execute("CREATE TABLE t (n INTEGER)"))
    assert writer.wait()
    writer.put(lambda db: db.execute("NOT SQL"))
    assert writer.wait() and "cannot be written" in writer.error
    writer.put(lambda db: db.execute("INSERT INTO t VALUES (1)"))
    assert writer.wait() and writer.close() and rows(path) == []


def test_cachewriter_bug_in_a_write_is_logged_and_turns_it_off(tmp_path, caplog):
    writer = CacheWriter(tmp_path / "c.sqlite3")
    writer.put(lambda db: 1 / 0)
    assert writer.wait() and "division by zero" in writer.error
    assert "bug while writing the cache" in caplog.text
    assert writer.close()


def test_cachewriter_unopenable_file_says_so(tmp_path):
    writer = CacheWriter(tmp_path / "missing-dir" / "c.sqlite3")
    writer.put(lambda db: None)
    assert writer.wait() and "cannot be written" in writer.error and writer.close()
