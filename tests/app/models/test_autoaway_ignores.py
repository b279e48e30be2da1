"""Pure tests of automatic away (a fake clock: plain seconds), the ignore list and what /set
means."""

from datetime import datetime

import pytest

from app.models.autoaway import AutoAway
from app.models.ignores import IgnoreList
from app.models.log import EntryKind, LogEntry
from app.models.options import describe, parse_option
from app.models.settings import Settings
from app.models.userinput import InvalidInput
from ircproto.casemap import casefold

T0 = datetime(2026, 12, 1, 9, 0)


def test_auto_away_after_the_idle_minutes_once():
    away = AutoAway(10, now=0.0)
    assert away.check(599.0) == "" and away.seconds_left(599.0) == 1.0
    assert away.check(600.0) == "away"
    assert away.check(700.0) == "" and away.auto


def test_auto_away_input_brings_us_back_and_restarts_the_wait():
    away = AutoAway(1, now=0.0)
    away.check(60.0)
    assert away.input(61.0) == "back" and not away.auto
    assert away.input(62.0) == ""
    assert away.check(121.0) == "" and away.check(122.0) == "away"


def test_auto_away_input_keeps_us_here():
    away = AutoAway(1, now=0.0)
    away.input(50.0)
    assert away.check(100.0) == "" and away.check(110.0) == "away"


def test_auto_away_leaves_a_manual_away_alone_and_zero_is_off():
    away = AutoAway(1, now=0.0)
    away.set_manual(True)
    assert away.check(1000.0) == "" and away.input(1001.0) == ""
    away.set_manual(False)
    assert away.check(1061.0) == "away"
    off = AutoAway(0, now=0.0)
    assert off.check(10**6) == "" and off.seconds_left(0.0) == 0.0


def line(sender: str, kind: EntryKind = EntryKind.CHAT, own: bool = False) -> LogEntry:
    return LogEntry(T0, sender, "#lobby", "text", kind, own)


def test_ignore_list_folds_nicks_as_the_server_does():
    ignores = IgnoreList(["Bob[away]"], key=lambda nick: casefold(nick, "rfc1459"))
    assert ignores.ignores("bob{AWAY}") and not ignores.ignores("bobby")
    assert not ignores.add("BOB[away]")
    assert ignores.add("carol") and ignores.nicks == ["Bob[away]", "carol"]
    assert ignores.remove("CAROL") and not ignores.remove("carol")


def test_ignore_list_hides_what_they_say_not_notes_about_them_nor_us():
    ignores = IgnoreList(["bob"])
    assert ignores.hides(line("bob")) and ignores.hides(line("BOB", EntryKind.ACTION))
    assert ignores.hides(line("bob", EntryKind.NOTICE))
    assert not ignores.hides(line("bob", EntryKind.SYSTEM))
    assert not ignores.hides(line("alice")) and not ignores.hides(line("", EntryKind.SYSTEM))
    assert not ignores.hides(line("bob", own=True))


def test_ignore_list_refuses_what_is_not_a_nick():
    with pytest.raises(InvalidInput, match="Cannot ignore '#lobby'"):
        IgnoreList().add("#lobby")
    with pytest.raises(InvalidInput):
        IgnoreList().add("")


def test_options_parse_and_read_back():
    assert parse_option("typing", "OFF") == {"send_typing": False}
    assert parse_option("Joins", "compact") == {"compact_joins": True}
    assert parse_option("autoaway", "15") == {"auto_away_minutes": 15}
    assert describe(Settings(send_typing=False, compact_joins=True, auto_away_minutes=0)) == [
        "typing off  (tell others when you type)", "joins compact  (join/part/quit lines)",
        "autoaway 0  (away by itself: never)"]
    for name, value in [("typing", "yes"), ("colour", "red"), ("autoaway", "1.5"),
                        ("autoaway", "²"), ("autoaway", "9" * 5000)]:
        with pytest.raises(InvalidInput):
            parse_option(name, value)


def test_settings_refuse_bad_option_values(tmp_path):
    from app.models.settings import SettingsStore

    store = SettingsStore(tmp_path)
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text('{"send_typing": "no", "auto_away_minutes": -3, "ignored": [1], '
                          '"compact_joins": true, "theme": ""}')
    loaded = store.load()
    assert (loaded.send_typing, loaded.auto_away_minutes, loaded.ignored) == (True, 10, [])
    assert loaded.compact_joins is True and loaded.theme == ""
