"""IRCv3 server-time values (2026-11-24T01:02:03.456Z: UTC, milliseconds), read and written."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_server_time(text: str) -> datetime | None:
    """The UTC moment a server-time value names (timezone-aware); None when text is not one."""
    if not text.endswith("Z") or "T" not in text:
        return None
    try:
        return datetime.fromisoformat(text[:-1] + "+00:00")
    except ValueError:
        return None


def format_server_time(moment: datetime) -> str:
    """A datetime (aware, or naive in local time) as a server-time value."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
