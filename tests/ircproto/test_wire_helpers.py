"""The small wire-format helpers the server and the client share: line breaks, tags, server-time
in milliseconds, and the decoder's count of bytes since the last line break."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ircproto.framing import LineDecoder
from ircproto.message import Message, format_tags, has_line_break, is_client_tag
from ircproto.servertime import format_server_time_ms, parse_server_time, parse_server_time_ms


@pytest.mark.parametrize("text", ["a\rb", "a\nb", "a\0b", "\r\n"])
def test_has_line_break_finds_cr_lf_and_nul(text):
    assert has_line_break(text)


def test_has_line_break_passes_one_line():
    assert not has_line_break("one line, with spaces: and colons")


def test_format_tags_is_what_a_message_line_starts_with():
    tags = {"+draft/reply": "a b;c", "time": "2026-11-24T01:02:03.456Z", "+typing": ""}
    line = Message("TAGMSG", ("#c",), None, tags).format()
    assert line == format_tags(tags) + " TAGMSG #c"
    assert format_tags({"+a": "x y"}) == "@+a=x\\sy"


def test_is_client_tag_is_the_plus_prefix():
    assert is_client_tag("+typing") and is_client_tag("+draft/reply")
    assert not is_client_tag("time") and not is_client_tag("msgid") and not is_client_tag("")


def test_server_time_ms_round_trips_and_agrees_with_datetimes():
    ms = 1_795_568_523_456
    text = format_server_time_ms(ms)
    assert text == "2026-11-25T01:02:03.456Z"
    assert parse_server_time_ms(text) == ms
    assert parse_server_time(text) == datetime(2026, 11, 25, 1, 2, 3, 456000, tzinfo=UTC)
    assert format_server_time_ms(ms + 1000) == "2026-11-25T01:02:04.456Z"  # the cache moves on
    assert parse_server_time_ms("not a time") is None


def test_decoder_unterminated_counts_held_and_discarded_bytes():
    decoder = LineDecoder(body_limit=16, tags_limit=16)
    decoder.feed(b"PING a\r\nPIN")
    assert decoder.unterminated == 3
    decoder.feed(b"x" * 100)  # past the limits: dropped, still counted
    assert decoder.buffered < 100 and decoder.unterminated == 103
    decoder.feed(b"\r\n")
    assert decoder.unterminated == 0
