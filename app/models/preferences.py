"""What the Preferences dialog shows and what its fields mean, sans I/O: the chat options /set
changes (read with the same parse_option), do-not-disturb and the theme."""

from __future__ import annotations

from dataclasses import dataclass

from app.models.options import parse_option
from app.models.settings import DEFAULT_AUTO_AWAY_MINUTES, MAX_AUTO_AWAY_MINUTES, THEMES, Settings
from app.models.userinput import InvalidInput


@dataclass(frozen=True, slots=True)
class Preferences:
    """The options the dialog edits, as the app uses them."""

    send_typing: bool = True
    auto_away_minutes: int = DEFAULT_AUTO_AWAY_MINUTES
    compact_joins: bool = False
    dnd: bool = False
    theme: str = "light"


def current(settings: Settings, dnd: bool, theme: str) -> Preferences:
    """The preferences in use: settings' chat options, do-not-disturb, the theme shown."""
    return Preferences(settings.send_typing, settings.auto_away_minutes, settings.compact_joins,
                       dnd, theme)


def read_form(send_typing: bool, auto_away: str, compact_joins: bool, dnd: bool,
              theme: str) -> Preferences:
    """The dialog's fields as Preferences; InvalidInput (its message for the dialog) when the
    minutes are not a whole number from 0 to MAX_AUTO_AWAY_MINUTES or the theme is unknown."""
    text = auto_away.strip()
    if not text:
        raise InvalidInput("Automatic away needs a number of minutes (0: never).")
    try:
        minutes = parse_option("autoaway", text)["auto_away_minutes"]
    except InvalidInput:
        raise InvalidInput(f"Automatic away takes whole minutes from 0 to "
                           f"{MAX_AUTO_AWAY_MINUTES} (0: never), not '{text}'.") from None
    if theme not in THEMES:
        raise InvalidInput(f"Unknown theme '{theme}'.")
    return Preferences(send_typing, minutes, compact_joins, dnd, theme)


def option_changes(before: Preferences, after: Preferences) -> list[tuple[str, str]]:
    """The /set options (name, value) that turn before's chat options into after's."""
    changes = []
    if after.send_typing != before.send_typing:
        changes.append(("typing", "on" if after.send_typing else "off"))
    if after.compact_joins != before.compact_joins:
        changes.append(("joins", "compact" if after.compact_joins else "full"))
    if after.auto_away_minutes != before.auto_away_minutes:
        changes.append(("autoaway", str(after.auto_away_minutes)))
    return changes
