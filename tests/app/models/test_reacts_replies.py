"""Reactions and replies on log entries, pure: toggling one nick's reaction, chips, quotes."""

from datetime import datetime

import pytest

from app.models.log import EntryKind, LogEntry
from app.models.reacts import check_reaction, chip_text, reacted, toggled
from app.models.replies import NOT_LOADED, can_answer, parent_of, quote_of, reply_tags
from app.models.userinput import InvalidInput

T = datetime(2026, 1, 2, 3, 4, 5)
BOB = LogEntry(T, "bob", "#lobby", "hello everyone", msgid="m1")


def test_toggled_adds_nicks_in_order_and_a_repeat_changes_nothing():
    one = toggled(BOB, "👍", "alice", True, str.lower)
    assert one is not None and one.reactions == (("👍", ("alice",)),)
    two = toggled(one, "👍", "me", True, str.lower)
    assert two is not None and two.reactions == (("👍", ("alice", "me")),)
    assert toggled(two, "👍", "ALICE", True, str.lower) is None  # folded: the same nick
    assert reacted(two, "👍", "Me", str.lower)


def test_toggled_takes_a_reaction_back_and_drops_it_when_nobody_holds_it():
    held = toggled(toggled(BOB, "🎉", "alice", True, str.lower), "👍", "me", True, str.lower)
    gone = toggled(held, "🎉", "alice", False, str.lower)
    assert gone is not None and gone.reactions == (("👍", ("me",)),)
    assert toggled(gone, "🎉", "alice", False, str.lower) is None


def test_chip_text_counts_and_names_at_most_three():
    assert chip_text("👍", ("a", "b")) == "👍 2 a, b"
    assert chip_text("👍", ("a", "b", "c", "d")) == "👍 4 a, b, c…"


@pytest.mark.parametrize("bad", ["", "  ", "a\nb", "x" * 65])
def test_check_reaction_refuses_what_is_not_a_reaction(bad):
    with pytest.raises(InvalidInput):
        check_reaction(bad)


def test_reply_tags_carry_both_spellings_and_either_is_read():
    assert reply_tags("m1") == {"+reply": "m1", "+draft/reply": "m1"}
    assert parent_of({"+draft/reply": "m2"}) == "m2" and parent_of({"+reply": "m3"}) == "m3"
    assert parent_of({}) == ""


def test_quote_of_shows_the_sender_and_the_start_of_the_first_line():
    assert quote_of(BOB) == "bob: hello everyone"
    long = LogEntry(T, "bob", "#lobby", "x" * 70 + "\nsecond")
    assert quote_of(long) == "bob: " + "x" * 60 + "…"
    assert quote_of(LogEntry(T, "bob", "#lobby", "one\ntwo")) == "bob: one…"
    assert quote_of(LogEntry(T, "bob", "#lobby", "", deleted=True)) == "bob: message deleted"
    assert NOT_LOADED == "(message not loaded)"


def test_can_answer_needs_a_msgid_and_a_chat_line_still_there():
    assert can_answer(BOB)
    assert not can_answer(LogEntry(T, "bob", "#lobby", "no id"))
    assert not can_answer(LogEntry(T, "", "#lobby", "joined", EntryKind.SYSTEM, msgid="m"))
    assert not can_answer(LogEntry(T, "bob", "#lobby", "", msgid="m", deleted=True))
