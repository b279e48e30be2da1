"""A missing IRC program skips its interop test, except under LOCALCHAT_REQUIRE_INTEROP=1 (CI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.interop import programs


def test_programs_missing_program_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOCALCHAT_REQUIRE_INTEROP", raising=False)
    monkeypatch.setattr(programs.shutil, "which", lambda name: None)
    with pytest.raises(pytest.skip.Exception, match="irssi is not installed"):
        programs.require_program("irssi")


def test_programs_missing_program_fails_when_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCALCHAT_REQUIRE_INTEROP", "1")
    monkeypatch.setattr(programs.shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="weechat-headless is not installed"):
        programs.require_program("weechat-headless")


def test_programs_wait_for_text_reports_what_the_file_holds(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_text("joined #interop\n", encoding="utf-8")
    assert "joined" in programs.wait_for_text(log, "joined", deadline=1.0)
    with pytest.raises(AssertionError, match="it holds:\njoined #interop"):
        programs.wait_for_text(log, "never said", deadline=0.2)


def test_programs_missing_weechat_plugin_fails_when_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "irc.so").touch()
    (tmp_path / "logger.so").touch()
    monkeypatch.setenv("LOCALCHAT_REQUIRE_INTEROP", "1")
    monkeypatch.setattr(programs, "WEECHAT_PLUGIN_DIRS", (str(tmp_path),))
    programs.require_weechat_plugins("irc", "logger")  # both there: no failure
    with pytest.raises(pytest.fail.Exception, match="WeeChat plugin fifo is not installed"):
        programs.require_weechat_plugins("irc", "logger", "fifo")

