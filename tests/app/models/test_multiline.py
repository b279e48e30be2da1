"""draft/multiline on its own: the CAP value's limits, cutting typed text into lines and
batches within them, and joining a batch's lines back into one text."""

import pytest

from app.models.multiline import Limits, Piece, batches, joined, message_text, parse_limits, pieces


def test_parse_limits_reads_both_keys_and_ignores_unknown_ones():
    assert parse_limits("max-bytes=4096,max-lines=24,future=1") == Limits(4096, 24)
    assert parse_limits("max-bytes=40000") == Limits(40000, 0)


@pytest.mark.parametrize("value", ["", "max-lines=5", "max-bytes=0", "max-bytes=x", "max-bytes=-3",
                                   "max-bytes=٣"])
def test_parse_limits_refuses_a_value_without_a_positive_max_bytes(value):
    assert parse_limits(value) is None


def test_message_text_normalises_line_ends_and_drops_blank_edges():
    assert message_text("\r\n\n  \nhello \r\n\r\nworld\0\r  \n") == "hello\n\nworld"


def test_pieces_keep_lines_and_blank_lines_inside():
    assert pieces("one\n\ntwo", 100) == [Piece("one"), Piece(""), Piece("two")]


def test_pieces_split_a_long_line_after_a_space_which_stays_on_the_first_piece():
    found = pieces("hello there world", 12)
    assert found == [Piece("hello there "), Piece("world", concat=True)]
    assert joined(found) == "hello there world"


def test_pieces_cut_a_long_word_but_never_inside_a_character():
    found = pieces("é" * 7, 5)  # two bytes each
    assert [piece.text for piece in found] == ["éé", "éé", "éé", "é"]
    assert all(len(piece.text.encode()) <= 5 for piece in found)
    assert joined(found) == "é" * 7


def test_batches_respect_max_lines_and_start_the_next_batch_with_a_new_line():
    found = pieces("a\nb\nc\nd\ne", 100)
    groups = batches(found, Limits(1000, 2))
    assert [joined(group) for group in groups] == ["a\nb", "c\nd", "e"]


def test_batches_count_bytes_with_the_joining_line_feeds():
    groups = batches(pieces("aaaa\nbbbb\ncc", 100), Limits(9))  # 4 + 1 + 4 = 9
    assert [joined(group) for group in groups] == ["aaaa\nbbbb", "cc"]


def test_batches_turn_a_concat_piece_that_starts_a_batch_into_a_line():
    groups = batches(pieces("hello there world", 12), Limits(12))
    assert groups == [[Piece("hello there ")], [Piece("world")]]


def test_batches_never_start_or_end_with_a_blank_line():
    groups = batches([Piece("a"), Piece(""), Piece(""), Piece("b")], Limits(2))
    assert groups == [[Piece("a")], [Piece("b")]]
