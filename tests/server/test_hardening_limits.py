"""server.limits, pure: the token bucket and connection counts; and the runaway-line count the
read loop takes from the LineDecoder."""

from __future__ import annotations

import pytest

from ircproto.framing import LineDecoder
from server.limits import (
    SERVER_FULL,
    TOO_MANY_FROM_ADDRESS,
    ConnectionLimits,
    TokenBucket,
    exempt,
    is_loopback,
)


def test_token_bucket_allows_a_burst_then_the_rate():
    bucket = TokenBucket(burst=5, rate=10.0, now=100.0)
    assert bucket.take(8, now=100.0) == 5
    assert bucket.take(1, now=100.0) == 0
    assert bucket.wait(now=100.0) == pytest.approx(0.1)
    assert bucket.take(3, now=100.25) == 2  # 2.5 tokens came back: two whole commands
    assert bucket.wait(now=100.25) == pytest.approx(0.05)


def test_token_bucket_refills_only_up_to_the_burst():
    bucket = TokenBucket(burst=3, rate=10.0, now=0.0)
    bucket.take(3, now=0.0)
    assert bucket.take(10, now=60.0) == 3
    assert bucket.wait(now=60.0) > 0


def test_token_bucket_rate_zero_is_off():
    bucket = TokenBucket(burst=1, rate=0.0, now=0.0)
    assert not bucket.enabled
    assert bucket.take(10_000, now=0.0) == 10_000
    assert bucket.wait(now=0.0) == 0.0


def test_token_bucket_ignores_a_clock_going_back():
    bucket = TokenBucket(burst=2, rate=1.0, now=10.0)
    bucket.take(2, now=10.0)
    assert bucket.take(1, now=5.0) == 0
    assert bucket.take(1, now=11.0) == 1


def test_connection_limits_server_full_then_room_again():
    limits = ConnectionLimits(max_clients=2, max_per_ip=0)
    assert limits.admit("10.0.0.1") is None
    assert limits.admit("10.0.0.2") is None
    assert limits.admit("10.0.0.3") == SERVER_FULL
    limits.release("10.0.0.1")
    assert limits.admit("10.0.0.3") is None
    assert limits.total == 2


def test_connection_limits_per_address():
    limits = ConnectionLimits(max_clients=0, max_per_ip=2)
    assert limits.admit("10.0.0.1") is None
    assert limits.admit("10.0.0.1") is None
    assert limits.admit("10.0.0.1") == TOO_MANY_FROM_ADDRESS
    assert limits.admit("10.0.0.2") is None  # others are not affected
    limits.release("10.0.0.1")
    assert limits.count("10.0.0.1") == 1
    assert limits.admit("10.0.0.1") is None


def test_connection_limits_loopback_exempt_from_per_address_only():
    limits = ConnectionLimits(max_clients=3, max_per_ip=1, exempt_loopback=True)
    assert [limits.admit("127.0.0.1") for _ in range(3)] == [None, None, None]
    assert limits.admit("127.0.0.1") == SERVER_FULL  # the total still counts
    strict = ConnectionLimits(max_clients=0, max_per_ip=1, exempt_loopback=False)
    assert strict.admit("127.0.0.1") is None
    assert strict.admit("127.0.0.1") == TOO_MANY_FROM_ADDRESS


def test_is_loopback_and_exempt():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("127.3.2.1")
    assert not is_loopback("192.168.1.5") and not is_loopback("not an address")
    assert exempt("::1", True) and not exempt("::1", False)


def runaway(decoder: LineDecoder, data: bytes, limit: int = 10) -> bool:
    """Feed data; True when more than limit bytes came without a line break (the read loop's
    RUNAWAY_LIMIT rule)."""
    decoder.feed(data)
    return decoder.unterminated > limit


def test_line_decoder_counts_bytes_since_the_last_newline():
    decoder = LineDecoder()
    assert not runaway(decoder, b"abcdefgh")
    assert runaway(decoder, b"xyz")  # 11 without a newline
    assert not runaway(decoder, b"end\nab")  # a newline resets: 2 after it
    assert decoder.unterminated == 2
    assert not runaway(decoder, b"c\n")
    assert decoder.unterminated == 0


def test_line_decoder_counts_the_bytes_it_discarded_of_a_line_that_never_ends():
    decoder = LineDecoder(body_limit=16, tags_limit=16)
    for _ in range(10):
        decoder.feed(b"x" * 10)
    assert decoder.buffered < 100  # the decoder drops what it cannot keep ...
    assert decoder.unterminated == 100  # ... and still counts it
    decoder.feed(b"\nPING")
    assert decoder.unterminated == 4
