"""The SQLite history store on its own: durability across reopen, retention, read markers, times."""

from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ircproto.servertime import format_server_time, format_server_time_ms, parse_server_time_ms
from server.history import NEWEST_BOUND, HistoryStore, new_msgid
from server.historyschema import private_key

DAY = 86400.0


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def put(store: HistoryStore, target_key: str, text: str) -> None:
    store.store(new_msgid(), store.now_ms(), target_key, target_key, "a!a@h", "PRIVMSG", text, {})


def test_history_store_keeps_messages_across_reopen(tmp_path: Path):
    path = str(tmp_path / "sub" / "h.db")
    store = HistoryStore(path, 30, 100)
    put(store, "#a", "one")
    store.store(new_msgid(), store.now_ms(), "#a", "#a", "b!b@h", "NOTICE", "two", {"+x": "y z"})
    store.commit()
    store.mark_read("alice", "#a", 5000)
    store.commit()
    store.close()
    again = HistoryStore(path, 30, 100)
    try:
        found = again.before("#a", NEWEST_BOUND, 10)
        assert [(m.command, m.text, m.tags) for m in found] == [
            ("PRIVMSG", "one", {}), ("NOTICE", "two", {"+x": "y z"})
        ]
        assert again.read_marker("alice", "#a") == 5000
        assert again.now_ms() >= found[-1].ts  # times never go back after a restart
    finally:
        again.close()


def test_history_store_uncommitted_messages_are_not_durable(tmp_path: Path):
    path = str(tmp_path / "h.db")
    store = HistoryStore(path, 30, 100)
    put(store, "#a", "kept")
    store.commit()
    put(store, "#a", "pending")
    other = sqlite3.connect(path)  # what a restarted server would read
    try:
        rows = other.execute("SELECT text FROM messages").fetchall()
    finally:
        other.close()
        store.close()
    assert rows == [("kept",)]


def test_history_store_drops_messages_older_than_the_retention():
    clock = Clock()
    store = HistoryStore(":memory:", 2, 100, clock)
    put(store, "#a", "old")
    clock.now += 3 * DAY
    assert store.prune() == 1
    assert store.before("#a", NEWEST_BOUND, 10) == []
    store.close()


def test_history_store_retention_runs_periodically_with_a_group_commit():
    clock = Clock()
    store = HistoryStore(":memory:", 2, 100, clock)
    put(store, "#a", "old")
    store.sync(store.decided)
    clock.now += 3 * DAY  # the next store comes long after the last retention run
    put(store, "#a", "new")
    assert [m.text for m in store.before("#a", NEWEST_BOUND, 10)] == ["old", "new"]
    store.sync(store.decided)  # the group commit that makes "new" durable runs retention
    assert [m.text for m in store.before("#a", NEWEST_BOUND, 10)] == ["new"]
    store.close()


def test_history_store_keeps_at_most_max_per_target():
    store = HistoryStore(":memory:", 30, 3)
    for i in range(5):
        put(store, "#a", f"m{i}")
    put(store, "#b", "other")
    assert store.prune() == 2
    assert [m.text for m in store.before("#a", NEWEST_BOUND, 10)] == ["m2", "m3", "m4"]
    assert [m.text for m in store.before("#b", NEWEST_BOUND, 10)] == ["other"]
    store.close()


def test_history_store_retention_runs_on_start(tmp_path: Path):
    path = str(tmp_path / "h.db")
    store = HistoryStore(path, 30, 100)
    for i in range(4):
        put(store, "#a", f"m{i}")
    store.commit()
    store.close()
    smaller = HistoryStore(path, 30, 2)
    try:
        assert [m.text for m in smaller.before("#a", NEWEST_BOUND, 10)] == ["m2", "m3"]
    finally:
        smaller.close()


def test_history_store_read_marker_only_moves_forward():
    store = HistoryStore(":memory:", 30, 100)
    assert store.read_marker("alice", "#a") is None
    assert store.mark_read("alice", "#a", 2000) == 2000
    assert store.mark_read("alice", "#a", 1000) == 2000
    assert store.mark_read("alice", "#a", 3000) == 3000
    assert store.read_marker("bob", "#a") is None
    store.close()


def test_history_store_file_is_private(tmp_path: Path):
    path = tmp_path / "data" / "history.sqlite3"
    store = HistoryStore(str(path), 30, 100)
    put(store, "#a", "a message only the server's user may read")
    store.commit()
    store.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    path.chmod(0o644)  # a history file from before this rule is tightened on open
    HistoryStore(str(path), 30, 100).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_history_store_unwritable_path_is_a_clear_error(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(sqlite3.Error, match="cannot create"):
        HistoryStore(str(blocker / "h.db"), 30, 100)


def test_history_time_format_round_trips_in_milliseconds():
    assert format_server_time_ms(1_795_568_523_456) == "2026-11-25T01:02:03.456Z"
    assert parse_server_time_ms("2026-11-25T01:02:03.456Z") == 1_795_568_523_456
    assert parse_server_time_ms("2026-11-25T01:02:03Z") == 1_795_568_523_000
    for bad in ("", "yesterday", "2026-11-25T01:02:03", "2026-13-25T01:02:03.000Z"):
        assert parse_server_time_ms(bad) is None


def test_history_time_format_is_the_one_the_client_reads_and_writes():
    """ms (the server's history) and datetimes (the client) share one server-time format."""
    for ms in (0, 999, 1_795_568_523_456, 1_795_568_524_001):
        moment = datetime.fromtimestamp(ms // 1000, UTC).replace(microsecond=ms % 1000 * 1000)
        assert format_server_time(moment) == format_server_time_ms(ms)


def test_history_private_key_is_the_owners_own():
    assert private_key("alice", "bob") != private_key("bob", "alice")
    assert private_key("alice", "bob") != private_key("alice", "eve")
    assert private_key("alice", "bob") != "alice\nbob"  # a key from before accounts
    assert new_msgid() != new_msgid()
