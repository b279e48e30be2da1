"""server-time values: parsed to aware UTC datetimes, written with milliseconds and a Z."""

from datetime import UTC, datetime

import pytest

from ircproto.servertime import format_server_time, parse_server_time


def test_server_time_round_trips_with_milliseconds():
    moment = parse_server_time("2026-11-24T01:02:03.456Z")
    assert moment == datetime(2026, 11, 24, 1, 2, 3, 456000, tzinfo=UTC)
    assert format_server_time(moment) == "2026-11-24T01:02:03.456Z"


@pytest.mark.parametrize("text", ["", "2026-11-24", "2026-11-24T01:02:03", "yesterdayZ",
                                  "2026-13-24T01:02:03.456Z"])
def test_server_time_rejects_what_is_not_one(text):
    assert parse_server_time(text) is None


def test_server_time_formats_naive_local_time_as_utc():
    local = datetime(2026, 11, 24, 12, 0, 0)
    assert parse_server_time(format_server_time(local)) == local.astimezone(UTC)
