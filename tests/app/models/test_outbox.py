"""The outbox: order kept, nothing sent twice on one connection, confirmation only of a sent
message with the same kind, text and target."""

from __future__ import annotations

from datetime import datetime

from app.models.log import EntryKind, LogEntry
from app.models.outbox import Outbox, Outgoing

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
