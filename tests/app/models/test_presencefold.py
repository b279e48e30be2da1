"""Pure tests of folding joins, parts and quits into one compact line."""

from datetime import datetime

from app.models.log import EntryKind, LogEntry
from app.models.presencefold import PresenceFold, summary_text

T0 = datetime(2026, 12, 1, 9, 0)


def presence(nick: str, what: str) -> LogEntry:
    return LogEntry(T0, nick, "#lobby", f"{nick} {what}", EntryKind.SYSTEM, presence=what)


def test_summary_text_lists_each_kind_in_order():
    assert summary_text({"part": ["dave"], "join": ["bob", "carol"]}) == \
        "\u2192 bob, carol joined \u00b7 \u2190 dave left"
    assert summary_text({"quit": ["erin"]}) == "\u2190 erin quit"


def test_fold_grows_one_line_while_nothing_else_comes():
    fold = PresenceFold()
    old, first = fold.fold("#lobby", presence("bob", "join"), None)
    assert old is None and first.text == "\u2192 bob joined" and first.sender == ""
    old, second = fold.fold("#lobby", presence("carol", "join"), first)
    assert old is first and second.text == "\u2192 bob, carol joined"
    old, third = fold.fold("#lobby", presence("bob", "part"), second)
    assert old is second and third.text == "\u2192 bob, carol joined \u00b7 \u2190 bob left"
    assert third.presence == "summary" and third.time == T0


def test_fold_starts_again_after_another_line():
    fold = PresenceFold()
    fold.fold("#lobby", presence("bob", "join"), None)
    chat = LogEntry(T0, "bob", "#lobby", "hi")
    old, line = fold.fold("#lobby", presence("carol", "join"), chat)
    assert old is None and line.text == "\u2192 carol joined"
    fold.end("#lobby")
    old, line = fold.fold("#lobby", presence("dave", "quit"), line)
    assert old is None and line.text == "\u2190 dave quit"


def test_fold_keeps_conversations_apart_and_repeats_once():
    fold = PresenceFold()
    _, lobby = fold.fold("#lobby", presence("bob", "join"), None)
    _, dev = fold.fold("#dev", presence("carol", "join"), None)
    _, lobby2 = fold.fold("#lobby", presence("bob", "join"), lobby)
    assert lobby2.text == "\u2192 bob joined" and dev.text == "\u2192 carol joined"


def test_a_netsplit_reads_as_one_short_line_naming_the_first_and_counting_the_rest():
    fold = PresenceFold()
    line = None
    for n in range(500):
        old, line = fold.fold("#lobby", presence(f"user{n}", "quit"), line)
        assert (old is None) == (n == 0)
    shown = ", ".join(f"user{n}" for n in range(10))
    assert line.text == f"\u2190 {shown} and 490 others quit"
    _, line = fold.fold("#lobby", presence("bob", "join"), line)
    assert line.text == f"\u2192 bob joined \u00b7 \u2190 {shown} and 490 others quit"
    assert summary_text({"part": [f"n{k}" for k in range(11)]}).endswith("n9 and 1 other left")
