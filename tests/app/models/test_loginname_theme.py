"""Pure tests of the default nick (the login name made a nick) and of reading the system's
light/dark preference (with scripted command outputs, never the real desktop)."""

import time

import pytest

from app.models.loginname import default_nick, nick_from_login
from app.models.systemtheme import (
    PROBE_TIMEOUT_S,
    from_gtk_theme,
    from_portal,
    run_quietly,
    system_theme,
)
from ircproto.names import nick_error


@pytest.mark.parametrize("login, nick", [("alice", "alice"), ("Jean Dupont", "Jean_Dupont"),
                                         ("josé", "jose"), ("1st", "_1st"),
                                         ("j.smith@corp", "j_smith_corp"), ("日本", ""),
                                         ("", ""), ("-x", "_-x"), ("a" * 40, "a" * 30)])
def test_nick_from_login_makes_a_valid_nick_or_nothing(login, nick):
    assert nick_from_login(login) == nick
    assert nick == "" or nick_error(nick) is None


def test_default_nick_survives_a_missing_login_name():
    def broken() -> str:
        raise OSError("no login name")

    assert default_nick(broken) == ""
    assert default_nick(lambda: "Bob Smith") == "Bob_Smith"


def test_portal_answers_are_read():
    assert from_portal("(<<uint32 1>>,)\n") == "dark"
    assert from_portal("   variant       variant          uint32 2\n") == "light"
    assert from_portal("(<<uint32 0>>,)") == ""
    assert from_portal("garbage") == ""


def test_gtk_theme_names_are_read():
    assert from_gtk_theme("Adwaita:dark") == "dark"
    assert from_gtk_theme("Yaru-dark") == "dark"
    assert from_gtk_theme("Adwaita") == "light"
    assert from_gtk_theme("") == ""


class Script:
    """A runner answering by the command's program name; records what was asked."""

    def __init__(self, **answers: str | None) -> None:
        self.answers, self.asked = answers, []

    def __call__(self, command: list[str]) -> str | None:
        self.asked.append(command)
        return self.answers.get(command[0].replace("-", "_"))


def test_system_theme_prefers_the_portal():
    run = Script(gdbus="(<<uint32 1>>,)")
    assert system_theme("linux", run, {"GTK_THEME": "Adwaita"}) == "dark"
    assert [c[0] for c in run.asked] == ["gdbus"]


def test_system_theme_falls_back_to_dbus_send_gtk_theme_then_gsettings():
    assert system_theme("linux", Script(dbus_send="variant uint32 1"), {}) == "dark"
    assert system_theme("linux", Script(), {"GTK_THEME": "Adwaita:dark"}) == "dark"
    assert system_theme("linux", Script(gsettings="'prefer-dark'\n"), {}) == "dark"


def test_system_theme_without_any_answer_is_light():
    run = Script()
    assert system_theme("linux", run, {}) == "light"
    assert {c[0] for c in run.asked} == {"gdbus", "dbus-send", "gsettings"}


def test_system_theme_on_macos_reads_apple_interface_style():
    assert system_theme("darwin", Script(defaults="Dark\n"), {}) == "dark"
    assert system_theme("darwin", Script(), {}) == "light"


def test_run_quietly_never_hangs_on_a_stuck_probe(tmp_path):
    script = tmp_path / "stuck"
    script.write_text("#!/bin/sh\nsleep 30\n")
    script.chmod(0o755)
    started = time.monotonic()
    assert run_quietly([str(script)]) is None
    assert time.monotonic() - started < PROBE_TIMEOUT_S + 2


def test_run_quietly_missing_program_or_failure_is_no_answer(tmp_path):
    assert run_quietly(["localchat-no-such-program"]) is None
    failing = tmp_path / "failing"
    failing.write_text("#!/bin/sh\necho dark\nexit 3\n")
    failing.chmod(0o755)
    assert run_quietly([str(failing)]) is None
    ok = tmp_path / "ok"
    ok.write_text("#!/bin/sh\necho '(<<uint32 1>>,)'\n")
    ok.chmod(0o755)
    assert from_portal(run_quietly([str(ok)]) or "") == "dark"
