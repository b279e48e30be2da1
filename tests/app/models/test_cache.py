"""Local log cache tests: round trip per account, order, positions, and bad files that warn."""

import sqlite3
from dataclasses import replace
from datetime import datetime

from app.models.cache import DATA_DIR_ENV, FILE_NAME, CachedConversation, LogCache, data_dir
from app.models.log import EntryKind, LogEntry
from app.models.outbox import Outgoing

T = datetime(2026, 3, 4, 5, 6, 7)


def line(msgid: str, second: int, text: str, target: str = "#lobby") -> LogEntry:
    return LogEntry(T.replace(second=second), "bob", target, text, EntryKind.CHAT, msgid=msgid)


def position(name: str = "#lobby", msgid: str = "m2", second: int = 2) -> CachedConversation:
    return CachedConversation(name, False, msgid, T.replace(second=second), T.replace(second=1))


def test_cache_round_trips_lines_in_time_order_with_positions(tmp_path):
    cache = LogCache(tmp_path, "h:1/me")
    assert cache.store([("#lobby", line("m2", 2, "two")), ("#lobby", line("m1", 1, "one"))],
                       [("#lobby", position())])
    cache.close()
    again = LogCache(tmp_path, "h:1/me")
    [found] = again.load()
    again.close()
    assert [e.text for e in found.entries] == ["one", "two"]
    assert all(e.replayed and e.msgid for e in found.entries)
    assert (found.name, found.last_msgid, found.last_time, found.read_until) == (
        "#lobby", "m2", T.replace(second=2), T.replace(second=1))


def test_cache_keeps_each_line_once_and_accounts_apart(tmp_path):
    cache = LogCache(tmp_path, "h:1/me")
    other = LogCache(tmp_path, "h:1/you")
    for _ in range(2):
        assert cache.store([("#lobby", line("m1", 1, "one"))], [("#lobby", position())])
    assert [e.text for e in cache.load()[0].entries] == ["one"]
    assert other.load() == []
    cache.close()
    other.close()


def test_cache_keeps_only_the_newest_lines_up_to_its_limit(tmp_path):
    cache = LogCache(tmp_path, "a", limit=2)
    cache.store([("#l", line(f"m{n}", n, f"t{n}")) for n in range(5)], [("#l", position("#l"))])
    assert [e.text for e in cache.load()[0].entries] == ["t3", "t4"]
    cache.close()


def test_cache_forget_drops_a_conversation(tmp_path):
    cache = LogCache(tmp_path, "a")
    cache.store([("#l", line("m1", 1, "x"))], [("#l", position("#l"))])
    assert cache.forget("#l") and cache.load() == []
    cache.close()


def test_cache_corrupt_file_sets_error_and_stays_off(tmp_path):
    (tmp_path / FILE_NAME).write_bytes(b"this is not a database at all" * 100)
    cache = LogCache(tmp_path, "a")
    assert "cannot be used" in cache.error and str(tmp_path) in cache.error
    assert cache.load() == [] and not cache.store([], [])


def test_cache_unwritable_directory_sets_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    cache = LogCache(blocker / "sub", "a")
    assert cache.error and cache.load() == []


def test_cache_data_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert data_dir() == tmp_path


def test_cache_load_prunes_lines_past_the_limit(tmp_path):
    cache = LogCache(tmp_path, "a", limit=2)
    cache.store([("#l", line(f"m{n}", n, f"t{n}")) for n in range(5)], [("#l", position("#l"))])
    cache.load()
    cache.close()
    roomy = LogCache(tmp_path, "a", limit=10)
    assert [e.text for e in roomy.load()[0].entries] == ["t3", "t4"]
    roomy.close()


def test_cache_file_is_0600_in_a_0700_directory_and_an_old_0644_one_is_tightened(tmp_path):
    directory = tmp_path / "data"
    LogCache(directory, "a").close()
    assert (directory / "cache.sqlite3").stat().st_mode & 0o777 == 0o600
    assert directory.stat().st_mode & 0o777 == 0o700
    (directory / "cache.sqlite3").chmod(0o644)
    directory.chmod(0o755)
    cache = LogCache(directory, "a")
    assert not cache.error
    assert (directory / "cache.sqlite3").stat().st_mode & 0o777 == 0o600
    assert directory.stat().st_mode & 0o777 == 0o700


def test_cache_a_line_filed_again_keeps_its_place_with_its_new_reactions(tmp_path):
    cache = LogCache(tmp_path, "h:1/me")
    first = line("m1", 1, "one")
    assert cache.store([("#lobby", first), ("#lobby", line("m2", 2, "two"))],
                       [("#lobby", position())])
    reacted = LogEntry(first.time, "bob", "#lobby", "one", EntryKind.CHAT, msgid="m1",
                       reactions=(("👍", ("ann",)), ("★", ("bo", "cy"))))
    assert cache.store([("#lobby", reacted)], [])
    assert [(e.msgid, e.reactions) for e in cache.load()[0].entries] == [
        ("m1", (("👍", ("ann",)), ("★", ("bo", "cy")))), ("m2", ())]
    assert [h.text for h in cache.search("one")] == ["one"]  # indexed once
    cache.close()


def test_cache_unreadable_reactions_are_a_warning_not_a_crash(tmp_path):
    cache = LogCache(tmp_path, "h:1/me")
    assert cache.store([("#lobby", line("m1", 1, "one"))], [("#lobby", position("#lobby", "m1"))])
    cache.close()
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        db.execute("UPDATE lines SET reactions = '{\"not\": \"a list\"}'")
    again = LogCache(tmp_path, "h:1/me")
    assert again.load() == [] and "unreadable reactions" in again.error
    again.close()


def test_cache_an_unsent_reply_keeps_what_it_answers(tmp_path):
    cache = LogCache(tmp_path, "h:1/me")
    entry = LogEntry(T, "me", "#lobby", "yes!", EntryKind.CHAT, True, pending=True,
                     reply_to="m1")
    assert cache.keep(Outgoing("#lobby", "yes!", False, entry, reply_to="m1"))
    assert cache.keep(Outgoing("#lobby", "plain", False, replace(entry, text="plain",
                                                                  reply_to="")))
    cache.close()
    again = LogCache(tmp_path, "h:1/me")
    kept = again.load_outbox("me")
    again.close()
    assert [(i.text, i.reply_to, i.entry.reply_to) for i in kept] == [
        ("yes!", "m1", "m1"), ("plain", "", "")]
