"""The Preferences dialog through the controller (FakeView): it opens with what /set, /dnd and
the theme have made, and what it returns goes the same way they go (remembered in settings.json,
used at once, said in the log); Cancel changes nothing."""

from __future__ import annotations

from dataclasses import replace

from app.models.log import EntryKind
from app.models.preferences import Preferences
from app.models.settings import SettingsStore


def test_preferences_open_with_what_set_dnd_and_the_theme_made(rig) -> None:
    controller = rig.online()
    controller.on_send("/set autoaway 25")
    controller.on_send("/set joins compact")
    controller.on_send("/dnd on")
    rig.view.theme = "dark"
    rig.view.preference_answers.append(None)
    controller.on_preferences()
    [(shown,)] = rig.view.called("ask_preferences")
    assert shown == Preferences(send_typing=True, auto_away_minutes=25, compact_joins=True,
                                dnd=True, theme="dark")


def test_preferences_ok_changes_each_option_as_set_and_the_toggles_do(rig) -> None:
    controller = rig.online()
    rig.view.preference_answers.append(Preferences(False, 0, True, True, "dark"))
    controller.on_preferences()
    saved = rig.store.load()
    assert (saved.send_typing, saved.auto_away_minutes, saved.compact_joins, saved.dnd,
            saved.theme) == (False, 0, True, True, "dark")
    assert controller.activity.send_typing is False
    assert controller.activity.auto_away.idle_minutes == 0
    assert controller.presenter.compact_joins and controller.alerts.dnd
    assert rig.view.theme == "dark" and rig.view.dnd
    assert rig.view.texts()[-5:] == [
        "Do not disturb is on: no desktop notifications",
        "Options:", "typing off  (tell others when you type)",
        "joins compact  (join/part/quit lines)", "autoaway 0  (away by itself: never)"]
    controller.on_send("/set")
    assert rig.view.texts()[-3:] == rig.view.texts()[-7:-4]


def test_preferences_only_what_changed_is_touched(rig) -> None:
    controller = rig.online()
    rig.view.preference_answers.append(None)
    controller.on_preferences()
    [(before,)] = rig.view.called("ask_preferences")
    shown = len(rig.view.entries)
    rig.view.preference_answers.append(before)
    controller.on_preferences()
    assert len(rig.view.entries) == shown and rig.view.called("set_theme") == []
    rig.view.preference_answers.append(replace(before, auto_away_minutes=3))
    controller.on_preferences()
    assert rig.view.texts()[-1] == "autoaway 3  (away by itself: after 3 minutes without input)"
    assert rig.store.load().auto_away_minutes == 3
    assert rig.view.called("set_theme") == [] and not rig.store.load().dnd


def test_preferences_cancel_changes_nothing(rig) -> None:
    controller = rig.online()
    rig.view.preference_answers.append(None)
    controller.on_preferences()
    saved = rig.store.load()
    assert (saved.send_typing, saved.auto_away_minutes, saved.compact_joins, saved.dnd,
            saved.theme) == (True, 10, False, False, "")
    assert rig.view.called("set_theme") == []


def test_preferences_that_cannot_be_saved_are_an_error_line(rig, tmp_path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    rig.store = SettingsStore(blocker / "cfg")  # settings.json cannot be written
    controller = rig.online()
    rig.view.preference_answers.append(Preferences(False, 10, False, False, "light"))
    controller.on_preferences()
    last = rig.view.entries[-1]
    assert last.kind is EntryKind.ERROR
    assert last.text == f"Could not save the options to {rig.store.path}"
