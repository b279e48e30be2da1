"""`python -m bench.storm` at a tiny scale: real LocalChat servers on 127.0.0.1 (one run from a
named checkout), each storm's figures, their ranges, and the JSON file."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from bench import storm
from bench.plan import Plan
from bench.servers import REPO_ROOT

TINY = Plan(clients=12, concurrency=4, quitters=4, members=8, senders=2, all_senders=4,
            idle_seconds=0.1)


def test_storms_of_each_kind_are_interleaved_and_summed_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(storm, "PLAN", TINY)
    saved = tmp_path / "storm.json"
    argv = ["--runs", "2", "--kinds", "lobby", "no_lobby", "--concurrency", "3",
            "--server-tree", str(REPO_ROOT), "--json", str(saved)]
    assert storm.main(argv) == 0
    runs = json.loads(saved.read_text(encoding="utf-8"))
    assert set(runs) == {"lobby", "no_lobby"}
    for results in runs.values():
        assert len(results) == 2
        assert all(r["seconds"] > 0 and r["listen_overflows"] >= 0 for r in results)
    printed = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in printed[:4]] == [
        "lobby     run 1", "no_lobby  run 1", "lobby     run 2", "no_lobby  run 2"]
    assert printed[-2].startswith("lobby     seconds ") and " (median " in printed[-2]
    assert gc.isenabled()


def test_spread_is_the_range_and_the_median() -> None:
    assert storm.spread([3.0, 1.0, 2.0]) == "1.00-3.00 (median 2.00)"
