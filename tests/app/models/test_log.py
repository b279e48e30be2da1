"""MessageLog tests: order, bound, copies."""

from datetime import datetime

import pytest

from app.models.log import EntryKind, LogEntry, MessageLog

T0 = datetime(2026, 1, 1)


def make(text: str) -> LogEntry:
    return LogEntry(T0, "bob", "#lobby", text, EntryKind.CHAT)


def test_messagelog_keeps_order_and_drops_oldest_past_limit():
    log = MessageLog(limit=3)
    log.extend(make(str(n)) for n in range(5))
    assert [e.text for e in log.entries()] == ["2", "3", "4"]
    assert len(log) == 3 and log.limit == 3


def test_messagelog_entries_is_a_copy():
    log = MessageLog()
    log.append(make("a"))
    log.entries().clear()
    assert len(log) == 1


def test_messagelog_rejects_zero_limit():
    with pytest.raises(ValueError):
        MessageLog(limit=0)
