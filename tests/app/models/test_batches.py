"""BatchTracker tests: open and close batches by reference and count the lines inside."""

from app.models import events as ev
from app.models.batches import BatchTracker
from ircproto.message import parse


def test_batches_chathistory_end_reports_count_and_newest_msgid():
    batches = BatchTracker()
    batches.open("h1", "chathistory", "#lobby")
    assert batches.count({"batch": "h1", "msgid": "a"})
    assert batches.count({"batch": "h1", "msgid": "b"})
    assert batches.count({"batch": "h1"})  # no msgid: the newest stays "b"
    assert batches.close("h1") == ev.HistoryReceived("#lobby", 3, "b")
    assert batches.close("h1") is None


def test_batches_targets_end_reports_count_without_target():
    batches = BatchTracker()
    batches.open("t", "draft/chathistory-targets")
    batches.count({"batch": "t"})
    assert batches.close("t") == ev.HistoryReceived("", 1)


def test_batches_other_types_are_counted_but_not_replayed_history():
    batches = BatchTracker()
    batches.open("n", "netsplit", "a.example", "b.example")
    assert not batches.count({"batch": "n"})
    assert batches.close("n") is None


def test_batches_lines_outside_any_open_batch_are_live():
    batches = BatchTracker()
    assert not batches.count({})
    assert not batches.count({"batch": "unknown"})
    assert batches.close("unknown") is None


def test_batches_a_search_answer_is_kept_not_handled():
    tracker = BatchTracker()
    tracker.open("s1", "soju.im/search")
    found = parse("@batch=s1;msgid=a :bob!b@h PRIVMSG #dev :hit")
    assert tracker.collect(found)
    assert not tracker.collect(parse("@batch=other :bob!b@h PRIVMSG #dev :live"))
    assert not tracker.collect(parse(":bob!b@h PRIVMSG #dev :live"))
    assert tracker.close("s1") == ev.SearchAnswered((found,))
