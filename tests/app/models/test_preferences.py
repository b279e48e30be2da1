"""The Preferences dialog's fields, sans Tk: what is in use, what the fields mean (the minutes
read as /set reads them, bad ones refused with a message), which /set options a change is."""

from __future__ import annotations

import pytest

from app.models.preferences import Preferences, current, option_changes, read_form
from app.models.settings import Settings
from app.models.userinput import InvalidInput


def test_preferences_in_use_come_from_the_settings_dnd_and_the_theme_shown() -> None:
    settings = Settings(send_typing=False, auto_away_minutes=25, compact_joins=True, dnd=False)
    assert current(settings, True, "dark") == Preferences(False, 25, True, True, "dark")


def test_preferences_form_reads_each_field() -> None:
    assert read_form(False, " 45 ", True, True, "dark") == Preferences(False, 45, True, True,
                                                                       "dark")
    assert read_form(True, "0", False, False, "light").auto_away_minutes == 0
    assert read_form(True, "1440", False, False, "light").auto_away_minutes == 1440


@pytest.mark.parametrize("typed", ["abc", "-5", "99999", "1441", "1.5", "٣", "1e3", "00000012"])
def test_preferences_form_refuses_bad_minutes_with_a_clear_message(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_form(True, typed, False, False, "light")
    assert str(refused.value) == (f"Automatic away takes whole minutes from 0 to 1440 "
                                  f"(0: never), not '{typed}'.")


def test_preferences_form_refuses_empty_minutes_and_an_unknown_theme() -> None:
    with pytest.raises(InvalidInput, match="needs a number of minutes"):
        read_form(True, "  ", False, False, "light")
    with pytest.raises(InvalidInput, match="Unknown theme 'pink'"):
        read_form(True, "5", False, False, "pink")


def test_preferences_changes_are_the_set_options_that_make_them() -> None:
    before = Preferences(True, 10, False, False, "light")
    assert option_changes(before, before) == []
    after = Preferences(False, 0, True, True, "dark")
    assert option_changes(before, after) == [("typing", "off"), ("joins", "compact"),
                                             ("autoaway", "0")]
    assert option_changes(after, before) == [("typing", "on"), ("joins", "full"),
                                             ("autoaway", "10")]
