"""The chat options /set changes (typing notifications, compact join/part lines, automatic
away), as settings fields: what a typed 'name value' means, and how the options read. Sans I/O."""

from __future__ import annotations

from typing import Any

from app.models.settings import MAX_AUTO_AWAY_MINUTES, Settings
from app.models.userinput import InvalidInput

_SWITCHES = {"on": True, "off": False}
_JOINS = {"compact": True, "full": False}

USAGE = "/set typing on|off, /set joins compact|full, /set autoaway <minutes> (0: never)"


def parse_option(name: str, value: str) -> dict[str, Any]:
    """The settings fields that 'name value' sets; InvalidInput for anything else."""
    name, value = name.lower(), value.strip().lower()
    if name == "typing" and value in _SWITCHES:
        return {"send_typing": _SWITCHES[value]}
    if name == "joins" and value in _JOINS:
        return {"compact_joins": _JOINS[value]}
    if (name == "autoaway" and value.isascii() and value.isdecimal() and len(value) <= 5
            and int(value) <= MAX_AUTO_AWAY_MINUTES):
        return {"auto_away_minutes": int(value)}
    if name == "autoaway":
        raise InvalidInput(f"/set autoaway takes minutes from 0 to {MAX_AUTO_AWAY_MINUTES}, "
                           f"not '{value}'")
    raise InvalidInput(f"Unknown option or value '{name} {value}'. Usage: {USAGE}")


def describe(settings: Settings) -> list[str]:
    """The options as /set shows them."""
    away = (f"after {settings.auto_away_minutes} minutes without input"
            if settings.auto_away_minutes else "never")
    return [f"typing {'on' if settings.send_typing else 'off'}  (tell others when you type)",
            f"joins {'compact' if settings.compact_joins else 'full'}  (join/part/quit lines)",
            f"autoaway {settings.auto_away_minutes}  (away by itself: {away})"]
