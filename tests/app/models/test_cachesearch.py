"""The cache's full-text search (app.models.cachesearch): found per account, newest first, with
the conversation's name; an old cache.sqlite3 without the index opens and is indexed."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from app.models.cache import LogCache
from app.models.log import EntryKind, LogEntry
from ircproto.searchtext import SearchError
from tests.app.models.test_cache import position

T = datetime(2026, 3, 4, 5, 6, 7)

# cache.py's SCHEMA before the index (issue 9), verbatim for the lines and positions
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS lines (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, conversation TEXT NOT NULL,
    time TEXT NOT NULL, sender TEXT NOT NULL, target TEXT NOT NULL, text TEXT NOT NULL,
    kind TEXT NOT NULL, own INTEGER NOT NULL, private INTEGER NOT NULL, msgid TEXT NOT NULL,
    UNIQUE (account, conversation, msgid));
CREATE TABLE IF NOT EXISTS positions (
    account TEXT NOT NULL, conversation TEXT NOT NULL, name TEXT NOT NULL,
    private INTEGER NOT NULL, last_msgid TEXT NOT NULL, last_time TEXT, read_until TEXT,
    PRIMARY KEY (account, conversation));
"""


def line(msgid: str, second: int, text: str, sender: str = "bob") -> LogEntry:
    return LogEntry(T.replace(second=second), sender, "#Lobby", text, EntryKind.CHAT, msgid=msgid)


def test_cachesearch_finds_words_newest_first_per_account(tmp_path):
    cache, other = LogCache(tmp_path, "h:1/me"), LogCache(tmp_path, "h:1/you")
    cache.store([("#lobby", line("m1", 1, "Deploy on Friday")),
                 ("#lobby", line("m2", 2, "lunch?")),
                 ("#lobby", line("m3", 3, "deployed, café open", "carol"))],
                [("#lobby", position("#Lobby", "m3", 3))])
    other.store([("#lobby", line("x1", 1, "deploy elsewhere"))], [("#lobby", position())])
    hits = cache.search("depl")
    assert [(h.text, h.conversation, h.sender, h.msgid) for h in hits] == [
        ("deployed, café open", "#Lobby", "carol", "m3"),
        ("Deploy on Friday", "#Lobby", "bob", "m1")]
    assert hits[0].time == T.replace(second=3)
    assert [h.text for h in cache.search("cafe")] == ["deployed, café open"]
    assert [h.text for h in cache.search("deploy friday")] == ["Deploy on Friday"]
    assert cache.search("?!") == [] and cache.search("nothing") == []
    assert len(cache.search("deploy", limit=1)) == 1
    with pytest.raises(SearchError):
        cache.search(" ".join(["w"] * 17))
    cache.close()
    other.close()


def test_cachesearch_follows_trimming(tmp_path):
    cache = LogCache(tmp_path, "a", limit=1)
    cache.store([("#l", line("m1", 1, "old words")), ("#l", line("m2", 2, "new words"))],
                [("#l", position("#l"))])
    cache.load()  # trims to the newest line
    assert [h.text for h in cache.search("words")] == ["new words"]
    cache.close()


def test_cachesearch_an_old_cache_opens_and_is_indexed(tmp_path):
    db = sqlite3.connect(tmp_path / "cache.sqlite3")
    db.executescript(OLD_SCHEMA)
    db.execute("INSERT INTO lines (account, conversation, time, sender, target, text, kind, own,"
               " private, msgid) VALUES ('a', 'bob', ?, 'bob', 'me', 'the door code', 'chat', 0,"
               " 1, 'p1')", (T.isoformat(),))
    db.execute("INSERT INTO positions VALUES ('a', 'bob', 'Bob', 1, 'p1', NULL, NULL)")
    db.commit()
    db.close()
    cache = LogCache(tmp_path, "a")
    assert cache.error == ""
    [hit] = cache.search("door")
    assert (hit.conversation, hit.private, hit.text) == ("Bob", True, "the door code")
    assert [e.text for e in cache.load()[0].entries] == ["the door code"]
    cache.close()
    again = LogCache(tmp_path, "a")
    assert [h.text for h in again.search("code")] == ["the door code"]
    again.close()
