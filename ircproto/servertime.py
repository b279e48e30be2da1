"""IRCv3 server-time values (2026-11-24T01:02:03.456Z: UTC, milliseconds), read and written,
as datetimes (the client) or as milliseconds since the epoch (the server's history)."""

from __future__ import annotations

from datetime import UTC, datetime

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_second_cache: list[tuple[int, str]] = [(-1, "")]  # (second, its text up to the '.')


def parse_server_time(text: str) -> datetime | None:
    """The UTC moment a server-time value names (timezone-aware); None when text is not one."""
    if not text.endswith("Z") or "T" not in text:
        return None
    try:
        return datetime.fromisoformat(text[:-1] + "+00:00")
    except ValueError:
        return None


def parse_server_time_ms(text: str) -> int | None:
    """Milliseconds since the epoch of a server-time value; None when text is not one."""
    moment = parse_server_time(text)
    return int(moment.timestamp() * 1000 + 0.5) if moment else None


def format_server_time(moment: datetime) -> str:
    """A datetime (aware, or naive in local time) as a server-time value."""
    delta = moment.astimezone(UTC) - _EPOCH
    return format_server_time_ms((delta.days * 86400 + delta.seconds) * 1000
                                 + delta.microseconds // 1000)


def format_server_time_ms(ms: int) -> str:
    """Milliseconds since the epoch as a server-time value (strftime once per second, not once
    per message: the server stamps every message it relays)."""
    second, text = _second_cache[0]
    if ms // 1000 != second:
        second = ms // 1000
        text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        _second_cache[0] = (second, text)
    return f"{text}{ms % 1000:03d}Z"
