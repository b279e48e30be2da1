"""Line framer tests: byte-at-a-time feeding, line endings, limits and bad bytes."""

from ircproto.framing import LineDecoder, LineError
from ircproto.message import Message


def feed_bytewise(decoder, data):
    items = []
    for byte in data:
        items.extend(decoder.feed(bytes([byte])))
    return items


def test_decoder_handles_data_one_byte_at_a_time():
    data = b"@t=1 :a!b@c PRIVMSG #x :hello there\r\nPING :tok\nNICK bob\r\n"
    items = feed_bytewise(LineDecoder(), data)
    assert [m.command for m in items] == ["PRIVMSG", "PING", "NICK"]
    assert items[0].params == ("#x", "hello there")
    assert items[0].tags["t"] == "1"


def test_decoder_holds_partial_line_until_newline():
    decoder = LineDecoder()
    assert decoder.feed(b"PRIVMSG #x :par") == []
    assert decoder.buffered == len(b"PRIVMSG #x :par")
    assert decoder.feed(b"tial\r\n") == [Message("PRIVMSG", ("#x", "partial"))]
    assert decoder.buffered == 0


def test_decoder_skips_blank_lines():
    assert LineDecoder().feed(b"\r\n\n   \r\nPING x\r\n") == [Message("PING", ("x",))]


def test_decoder_accepts_line_at_body_limit_and_rejects_one_byte_more():
    fits = b"PRIVMSG #x :" + b"a" * (510 - 12) + b"\r\n"
    over = b"PRIVMSG #x :" + b"a" * (511 - 12) + b"\r\n"
    assert len(fits) == 512
    decoder = LineDecoder()
    assert isinstance(decoder.feed(fits)[0], Message)
    [error] = decoder.feed(over)
    assert error == LineError("too long", "line is too long", "PRIVMSG")


def test_decoder_limits_tags_separately_from_body():
    tags = b"@" + b"k=" + b"v" * 8000
    assert isinstance(LineDecoder().feed(tags + b" PING x\r\n")[0], Message)
    [error] = LineDecoder().feed(b"@k=" + b"v" * 8200 + b" PING x\r\n")
    assert error.reason == "too long" and error.command == "PING"


def test_decoder_memory_is_bounded_for_a_line_without_end():
    decoder = LineDecoder()
    errors = []
    for _ in range(1000):
        errors += decoder.feed(b"x" * 1000)
        assert decoder.buffered <= 512 + 8191 + 1000
    assert errors == [LineError("too long", "line has no end within the limits")]
    assert decoder.feed(b"tail of the endless line\r\nPING ok\r\n") == [Message("PING", ("ok",))]


def test_decoder_reports_invalid_utf8_and_keeps_going():
    items = LineDecoder().feed(b"PRIVMSG #x :\xff\xfe\r\nPING x\r\n")
    assert items[0] == LineError("invalid utf-8", "line is not valid UTF-8", "PRIVMSG")
    assert items[1] == Message("PING", ("x",))


def test_decoder_with_fallback_decodes_latin1():
    [message] = LineDecoder(fallback_encoding="latin-1").feed(b"PRIVMSG #x :caf\xe9\r\n")
    assert message.params[1] == "café"


def test_decoder_reports_nul_as_malformed():
    [error] = LineDecoder().feed(b"PRIVMSG #x :a\0b\r\n")
    assert error.reason == "malformed" and error.command == "PRIVMSG"


def test_decoder_splits_utf8_character_across_feeds():
    data = "PRIVMSG #x :😀\r\n".encode()
    [message] = feed_bytewise(LineDecoder(), data)
    assert message.params[1] == "😀"


def test_decoder_from_clients_limits_tag_data_to_4094_bytes():
    decoder = LineDecoder.from_clients()
    fits = b"@+t=" + b"x" * 4091 + b" PING :a\r\n"  # 4094 bytes between '@' and the space
    over = b"@+t=" + b"x" * 4092 + b" PING :b\r\n"
    first, second = decoder.feed(fits + over)
    assert isinstance(first, Message) and first.params == ("a",)
    assert isinstance(second, LineError) and second.reason == "too long"
    assert second.command == "PING"
    assert isinstance(LineDecoder().feed(over)[0], Message)  # a client reads servers' 8191
