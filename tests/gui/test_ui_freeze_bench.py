"""The UI freeze benchmark still runs end to end (a small flood, so the test stays quick)."""

from __future__ import annotations

import pytest

from bench.ui_freeze import SWITCHES, TARGET_MS, main, run, run_direct, run_switch

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]


def test_ui_freeze_bench_shows_every_line_and_measures_gaps() -> None:
    figures = run(300, "compact")
    assert figures.error == ""
    assert figures.last_line.endswith("<flood> message 299 of the flood")
    assert figures.all_shown > figures.flood_started > 0
    assert len(figures.beats) > 10
    assert 0 < figures.max_gap_ms() < 10 * TARGET_MS  # generous: the machine is shared


def test_ui_freeze_bench_prints_its_figures(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--messages", "200"])
    out = capsys.readouterr().out
    assert "200 messages" in out and "longest event-loop freeze" in out


def test_ui_freeze_bench_direct_feeds_the_window_in_batches() -> None:
    figures = run_direct(1000, "full")
    assert figures.last_line.endswith("message 999 of the flood")
    assert figures.all_shown >= figures.flood_started > 0
    assert len(figures.beats) > 10
    assert 0 < figures.max_gap_ms() < 10 * TARGET_MS


def test_ui_freeze_bench_switch_flips_between_two_conversations() -> None:
    figures = run_switch(2000, "full")
    assert figures.error == "" and len(figures.switches) == SWITCHES
    assert figures.last_line.endswith("#dev message 1999")  # an even count ends on #dev
    assert len(figures.beats) > 10
    assert 0 < max(figures.switches) * 1000 < 10 * TARGET_MS


def test_ui_freeze_bench_switch_prints_its_figures(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--switch", "--messages", "500", "--view", "compact"])
    out = capsys.readouterr().out
    assert "20 switches between two conversations of 500 lines" in out
    assert "one switch:" in out and "longest event-loop freeze" in out


def test_ui_freeze_bench_rejects_no_messages(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--messages", "0"])
    assert stopped.value.code == 2
    assert "--messages must be at least 1" in capsys.readouterr().err


def test_ui_freeze_bench_with_notifications_marks_every_line(capsys) -> None:
    figures = run(300, "full", notify=True)
    assert figures.error == ""
    assert figures.last_line.endswith("<flood> watcher: message 299 of the flood")
    assert figures.notified >= 1 and figures.alert_calls
    main(["--messages", "200", "--notify"])
    out = capsys.readouterr().out
    assert "notifications:" in out and "mentions and alerts:" in out
