"""The outbox: order kept, nothing sent twice on one connection; an echo confirms only a message
sent on this connection with the same kind, text and target, a replayed line any message typed
before it (the last run may have sent it and died before its echo), never one typed after."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from app.models.log import EntryKind, LogEntry
from app.models.outbox import CLOCK_SKEW, Outbox, Outgoing

T = datetime(2026, 1, 2, 3, 4, 5)


def item(text: str, target: str = "#lobby", action: bool = False) -> Outgoing:
    kind = EntryKind.ACTION if action else EntryKind.CHAT
    return Outgoing(target, text, action, LogEntry(T, "me", target, text, kind, True,
                                                   pending=True))


def echo(text: str, target: str = "#Lobby", kind: EntryKind = EntryKind.CHAT) -> LogEntry:
    return LogEntry(T, "me", target, text, kind, True, msgid="m1")


def test_outbox_unsent_until_sent_on_this_connection_then_again_on_the_next():
    box = Outbox()
    first, second = item("one"), item("two")
    box.add(first)
    box.add(second)
    assert box.unsent() == [first, second]
    box.sent(first)
    assert box.unsent() == [second]
    box.new_connection()
    assert box.unsent() == [first, second] and first.sent and not second.sent


def test_outbox_confirms_only_a_sent_message_of_the_same_kind_text_and_target():
    box = Outbox()
    waiting, sent, action = item("hi"), item("hi"), item("hi", action=True)
    for each in (waiting, sent, action):
        box.add(each)
    box.sent(sent)
    box.sent(action)
    assert box.confirm(echo("hi", kind=EntryKind.NOTICE), str.lower) is None
    assert box.confirm(echo("other"), str.lower) is None
    assert box.confirm(echo("hi", target="#dev"), str.lower) is None
    assert box.confirm(echo("hi"), str.lower) is sent  # the target folded, the unsent skipped
    assert box.confirm(echo("hi", kind=EntryKind.ACTION), str.lower) is action
    assert box.items() == [waiting] and len(box) == 1


def test_outbox_remove_takes_a_delivered_message_out():
    box = Outbox()
    kept, delivered = item("a"), item("b")
    box.add(kept)
    box.add(delivered)
    box.remove(delivered)
    assert box.items() == [kept]


def replayed(text: str, moment: datetime = T) -> LogEntry:
    return replace(echo(text), time=moment, replayed=True)


def test_outbox_replayed_line_confirms_a_message_the_last_run_kept_sent_or_not():
    box = Outbox()
    unsent, sent = item("typed, maybe sent"), item("sent before the crash")
    sent.sent = True  # as load_outbox gives it: sent on a connection of the last run
    box.add(unsent)
    box.add(sent)
    assert box.confirm(echo("sent before the crash"), str.lower) is None  # not this connection
    assert box.confirm(replayed("sent before the crash"), str.lower) is sent
    assert box.confirm(replayed("typed, maybe sent"), str.lower) is unsent
    assert len(box) == 0


def test_outbox_replayed_line_older_than_the_message_is_another_one():
    box = Outbox()
    waiting = item("ok")
    box.add(waiting)
    assert box.confirm(replayed("ok", T - CLOCK_SKEW - CLOCK_SKEW), str.lower) is None
    assert box.confirm(replayed("ok", T - CLOCK_SKEW / 2), str.lower) is waiting  # skewed


def test_outbox_same_text_twice_is_confirmed_oldest_first_once_each():
    box = Outbox()
    first, second = item("ok"), item("ok")
    for each in (first, second):
        box.add(each)
        box.sent(each)
    assert box.confirm(echo("ok"), str.lower) is first
    assert box.confirm(echo("ok"), str.lower) is second
    assert box.confirm(echo("ok"), str.lower) is None


def test_outbox_items_have_distinct_uids():
    assert len({item("same").uid for _ in range(50)}) == 50
