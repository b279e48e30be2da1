"""EntryMaker and parse_time tests: log entries stamped by a fake clock or by server-time."""

from datetime import UTC, datetime

from app.models.entries import EntryMaker, parse_time
from app.models.log import EntryKind

T0 = datetime(2026, 1, 2, 3, 4, 5)


def test_entries_notes_and_errors_take_the_clock_time():
    maker = EntryMaker(lambda: T0)
    note, error = maker.system("hello", "#lobby").entry, maker.error("oops").entry
    assert (note.time, note.sender, note.target, note.text, note.kind) == (
        T0, "", "#lobby", "hello", EntryKind.SYSTEM)
    assert (error.target, error.kind) == ("", EntryKind.ERROR)


def test_entries_own_line_is_marked_own_and_private():
    entry = EntryMaker(lambda: T0).entry("me", "bob", "hi", EntryKind.CHAT, own=True,
                                         private=True).entry
    assert (entry.own, entry.private, entry.replayed, entry.msgid) == (True, True, False, "")


def test_entries_tagged_line_keeps_server_time_msgid_and_replay_mark():
    maker = EntryMaker(lambda: T0)
    tags = {"time": "2026-11-24T01:02:03.000Z", "msgid": "m1"}
    entry = maker.tagged(tags, "bob", "#lobby", "hi", EntryKind.CHAT, own=False, private=False,
                         replayed=True).entry
    assert entry.time == datetime(2026, 11, 24, 1, 2, 3, tzinfo=UTC).astimezone().replace(
        tzinfo=None)
    assert (entry.msgid, entry.replayed, entry.pending) == ("m1", True, False)


def test_entries_tagged_line_without_time_takes_the_clock():
    entry = EntryMaker(lambda: T0).tagged({}, "bob", "#lobby", "hi", EntryKind.NOTICE,
                                          own=False, private=False, replayed=False).entry
    assert (entry.time, entry.kind, entry.msgid) == (T0, EntryKind.NOTICE, "")


def test_entries_parse_time_refuses_what_is_not_server_time():
    assert parse_time("") is None and parse_time("yesterday") is None
