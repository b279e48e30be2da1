"""Text splitter tests: fits the budget, cuts at spaces, UTF-8 safe, loses nothing, no CR/LF/NUL."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models.splitter import LINE_LIMIT, payload_budget, split_text, typed_lines
from ircproto.message import Message


def test_split_text_keeps_short_text_whole():
    assert split_text("hello there", 100) == ["hello there"]


def test_split_text_cuts_at_word_boundaries():
    assert split_text("aaa bbb ccc ddd", 8) == ["aaa bbb", "ccc ddd"]


def test_split_text_hard_splits_one_overlong_word():
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_split_text_never_splits_a_utf8_character():
    pieces = split_text("é" * 7, 5)  # two bytes each: two fit in 5 bytes
    assert pieces == ["éé", "éé", "éé", "é"]
    emoji = split_text("😀😀😀", 6)
    assert emoji == ["😀", "😀", "😀"]


def test_split_text_crlf_and_nul_never_reach_a_piece():
    pieces = split_text("one\r\nQUIT :bye\rtwo\nthree\0four\n\n  \n", 100)
    assert pieces == ["one", "QUIT :bye", "two", "threefour"]
    for piece in pieces:
        Message("PRIVMSG", ("#x", piece))  # would raise on CR, LF or NUL


def test_typed_lines_drops_blank_lines():
    assert typed_lines(" \n\r\n") == []


def test_payload_budget_leaves_room_for_server_prefix():
    budget = payload_budget("nick", "PRIVMSG", "#lobby")
    line = f":nick!{'u' * 10}@{'h' * 63} PRIVMSG #lobby :{'a' * budget}\r\n"
    assert len(line.encode()) == LINE_LIMIT
    assert payload_budget("nick", "PRIVMSG", "#lobby", extra=9) == budget - 9


def test_split_text_rejects_tiny_budget():
    with pytest.raises(ValueError):
        split_text("abc", 3)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400),
       st.integers(min_value=4, max_value=60))
def test_split_text_property_fits_budget_and_loses_no_visible_text(text, budget):
    pieces = split_text(text, budget)
    for piece in pieces:
        assert 0 < len(piece.encode("utf-8")) <= budget
        assert not any(c in piece for c in "\r\n\0")
    def squash(s):
        return "".join(s.split())

    assert squash("".join(pieces)) == squash(text.replace("\0", ""))
