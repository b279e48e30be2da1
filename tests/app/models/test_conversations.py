"""Conversations model tests: each msgid once, replayed lines in time order, unread counts."""

from dataclasses import replace
from datetime import datetime

from app.models.conversations import Conversations
from app.models.log import EntryKind, LogEntry
from ircproto.casemap import casefold

T = datetime(2026, 3, 4, 5, 6, 7)


def line(msgid: str, second: int, *, replayed: bool = False, own: bool = False,
         kind: EntryKind = EntryKind.CHAT) -> LogEntry:
    return LogEntry(T.replace(second=second), "me" if own else "bob", "#l", msgid, kind, own,
                    msgid=msgid, replayed=replayed)


def test_conversations_each_msgid_once():
    all_ = Conversations()
    found = all_.open("#L")
    assert all_.add(found, line("a", 1), viewing=False) == 0
    assert all_.add(found, line("a", 1), viewing=False) == -1
    assert all_.get("#l") is found and len(found.log) == 1 and found.unread == 1


def test_conversations_replayed_line_goes_before_newer_server_lines():
    all_ = Conversations()
    found = all_.open("#l")
    all_.add(found, line("new", 9), viewing=True)
    assert all_.add(found, line("old", 3, replayed=True), viewing=True) == 0
    assert [e.text for e in found.entries()] == ["old", "new"]
    assert (found.last_msgid, found.last_time) == ("new", T.replace(second=9))


def test_conversations_unread_skips_own_and_system_lines_and_viewed_ones():
    all_ = Conversations()
    found = all_.open("#l")
    all_.add(found, line("o", 1, own=True), viewing=False)
    all_.add(found, line("s", 2, kind=EntryKind.SYSTEM), viewing=False)
    all_.add(found, line("v", 3), viewing=True)
    all_.add(found, line("u", 4), viewing=False)
    assert found.unread == 1 and found.first_unread_index() == 3


def test_conversations_mark_read_recounts_after_the_marker():
    all_ = Conversations()
    found = all_.open("#l")
    for second in (1, 2, 3):
        all_.add(found, line(f"m{second}", second), viewing=False)
    all_.mark_read(found, T.replace(second=1))
    assert found.unread == 2 and found.first_unread_index() == 1
    all_.mark_read(found)
    assert found.unread == 0 and found.first_unread_index() == -1
    all_.add(found, line("r", 0, replayed=True), viewing=False)
    assert found.unread == 0  # older than the read marker


def test_conversations_replace_swaps_in_place_and_learns_the_msgid():
    all_ = Conversations()
    found = all_.open("#l")
    pending = LogEntry(T, "me", "#l", "hi", own=True, pending=True)
    all_.add(found, pending, viewing=True)
    delivered = LogEntry(T, "me", "#l", "hi", own=True, msgid="e1")
    assert all_.replace(found, pending, delivered)
    assert found.entries() == [delivered] and "e1" in found.msgids
    assert not all_.replace(found, pending, delivered)


def test_conversations_mention_marks_the_conversation_until_read():
    all_ = Conversations()
    found = all_.open("#l")
    all_.add(found, line("a", 1), viewing=False)
    assert not found.mentioned
    all_.add(found, replace(line("b", 2), mention=True), viewing=False)
    assert found.mentioned
    all_.mark_read(found, T.replace(second=1))
    assert found.mentioned  # the mention is still unread
    all_.mark_read(found, T.replace(second=2))
    assert not found.mentioned
    all_.add(found, replace(line("c", 3), mention=True), viewing=True)
    assert not found.mentioned  # seen as it arrived
    all_.add(found, replace(line("d", 4), mention=True), viewing=False)
    all_.mark_read(found)
    assert not found.mentioned and found.unread == 0


def test_conversations_rekey_merges_two_that_now_fold_alike_keeping_every_line():
    all_ = Conversations(lambda name: casefold(name, "ascii"))
    first, second = all_.open("#a[b]"), all_.open("#a{b}")
    all_.add(first, line("x", 5), viewing=False)
    all_.add(second, line("y", 3), viewing=False)
    all_.add(second, line("x", 5), viewing=False)  # the same message in both: kept once
    all_.rekey(lambda name: casefold(name, "rfc1459"))
    kept = all_.get("#A{B}")
    assert kept is first and all_.get("#a[b]") is first and len(list(all_)) == 1
    assert [e.text for e in kept.entries()] == ["y", "x"] and kept.unread == 2
    assert kept.first_unread is not None and kept.first_unread.text == "y"
