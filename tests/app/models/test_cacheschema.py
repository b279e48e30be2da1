"""The cache's version: a new cache is made at the current version in WAL; one written by the last
unversioned client (fixtures/cache-v0.sqlite3, built by fixtures/make_cache_v0.py with that
client's code) opens with every line, position and unsent message kept and is migrated; one from
a newer LocalChat is refused with a clear message and left byte for byte as it was."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from app.models import cacheschema
from app.models.cache import FILE_NAME, LogCache
from app.models.log import EntryKind, LogEntry
from app.models.outbox import Outgoing

FIXTURE = Path(__file__).parent / "fixtures" / "cache-v0.sqlite3"
ACCOUNT = "lan-box:13333/alice"


def pragmas(path: Path) -> tuple[int, str]:
    with sqlite3.connect(path) as db:
        return (db.execute("PRAGMA user_version").fetchone()[0],
                db.execute("PRAGMA journal_mode").fetchone()[0])


def test_cacheschema_new_cache_is_current_and_in_wal(tmp_path):
    LogCache(tmp_path, ACCOUNT).close()
    assert pragmas(tmp_path / FILE_NAME) == (cacheschema.VERSION, "wal")


def test_cacheschema_cache_of_the_unversioned_client_keeps_its_data_and_is_migrated(tmp_path):
    shutil.copy(FIXTURE, tmp_path / FILE_NAME)
    cache = LogCache(tmp_path, ACCOUNT)
    assert cache.error == ""
    lobby, bob = cache.load()
    assert [e.text for e in lobby.entries] == ["lobby line 0", "lobby line 1", "lobby line 2"]
    assert (lobby.last_msgid, bob.name, bob.private) == ("m2", "bob", True)
    assert [e.text for e in bob.entries] == ["private words"]
    kept = cache.load_outbox("alice")
    assert [(i.target, i.text, i.sent) for i in kept] == [
        ("#lobby", "typed offline", False), ("bob", "sent, never echoed", True)]
    assert len({i.uid for i in kept}) == 2 and all(i.entry.pending for i in kept)
    assert [h.text for h in cache.search("private")] == ["private words"]
    assert cache.drop(kept[0]) and cache.wait()
    assert [i.text for i in cache.load_outbox("alice")] == ["sent, never echoed"]
    cache.close()
    assert pragmas(tmp_path / FILE_NAME) == (cacheschema.VERSION, "wal")


def test_cacheschema_cache_of_a_newer_version_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / FILE_NAME
    with sqlite3.connect(path) as db:
        db.executescript("CREATE TABLE future (x); INSERT INTO future VALUES (1); "
                         f"PRAGMA user_version = {cacheschema.VERSION + 1};")
    path.chmod(0o600)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    cache = LogCache(tmp_path, ACCOUNT)
    assert "newer LocalChat" in cache.error and f"version {cacheschema.VERSION + 1}" in \
        cache.error and "left as it is" in cache.error
    item = Outgoing("#lobby", "x", False, LogEntry(datetime(2026, 1, 1), "alice", "#lobby", "x",
                                                   EntryKind.CHAT, True))
    assert cache.load() == [] and not cache.keep(item) and not cache.store([], [])
    cache.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]  # no WAL made either


def test_cacheschema_migration_is_one_transaction(tmp_path, monkeypatch):
    shutil.copy(FIXTURE, tmp_path / FILE_NAME)
    monkeypatch.setattr(cacheschema, "TO_1", cacheschema.TO_1 + "\nNOT SQL;")
    cache = LogCache(tmp_path, ACCOUNT)
    assert "cannot be used" in cache.error
    cache.close()
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 0
        columns = [row[1] for row in db.execute("PRAGMA table_info(outbox)")]
        assert "uid" not in columns and db.execute("SELECT COUNT(*) FROM outbox").fetchone() \
            == (2,)


FIXTURE_V1 = Path(__file__).parent / "fixtures" / "cache-v1.sqlite3"


def test_cacheschema_cache_of_version_1_keeps_its_data_and_then_keeps_reactions(tmp_path):
    shutil.copy(FIXTURE_V1, tmp_path / FILE_NAME)
    cache = LogCache(tmp_path, ACCOUNT)
    assert cache.error == ""
    [lobby] = cache.load()
    assert [(e.msgid, e.text, e.reply_to, e.reactions) for e in lobby.entries] == [
        ("m1", "the plan", "", ()), ("m2", "agreed", "", ())]
    [kept] = cache.load_outbox("alice")
    assert (kept.target, kept.text, kept.entry.pending, kept.reply_to) == (
        "#lobby", "typed offline", True, "")
    reacted = replace(lobby.entries[0], reactions=(("🎉", ("carol", "dave")),))
    answer = LogEntry(lobby.entries[1].time, "erin", "#lobby", "me too", EntryKind.CHAT,
                      msgid="m3", reply_to="m1")
    assert cache.store([("#lobby", reacted), ("#lobby", answer)], [])
    cache.close()
    assert pragmas(tmp_path / FILE_NAME) == (cacheschema.VERSION, "wal")
    again = LogCache(tmp_path, ACCOUNT)
    [lobby] = again.load()
    again.close()
    assert [(e.msgid, e.reply_to, e.reactions) for e in lobby.entries] == [
        ("m1", "", (("🎉", ("carol", "dave")),)), ("m2", "", ()), ("m3", "m1", ())]
