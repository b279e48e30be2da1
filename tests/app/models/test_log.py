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


def test_log_insert_and_replace_keep_order_and_bound():
    from datetime import datetime
    first, second, third = (LogEntry(datetime(2026, 1, 1), "a", "#c", text)
                            for text in ("1", "2", "3"))
    log = MessageLog(limit=2)
    log.append(first)
    log.append(third)
    log.insert(1, second)
    assert log.entries() == [second, third]  # the oldest fell off the front
    log.insert(0, first)  # older than all that is kept, in a full log: dropped
    assert log.entries() == [second, third]
    delivered = LogEntry(datetime(2026, 1, 1), "a", "#c", "3", msgid="x")
    assert log.replace(third, delivered) and log.entries() == [second, delivered]
    assert not log.replace(third, delivered)
