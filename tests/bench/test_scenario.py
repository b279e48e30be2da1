"""`python -m bench.run --quick --only localchat` at a tiny scale (the plan patched smaller): real
LocalChat server processes on 127.0.0.1, every phase, both tables and the JSON file."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from bench import run
from bench.plan import Plan

TINY = Plan(clients=12, concurrency=4, quitters=4, wide_rate=50.0, members=8, senders=2,
            windows=(2, 4), all_senders=4, throughput_seconds=0.3, rate=100.0,
            latency_seconds=0.3, stall_rate=100.0, stall_seconds=0.5, idle_seconds=0.1)
STALL_ROWS = {"stopped reader: cut after (s)", "stopped reader: queued in the server when cut (MB)"}


def test_bench_run_fills_issue_12_rows_for_localchat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(run, "QUICK", TINY)
    saved = tmp_path / "bench.json"
    assert run.main(["--quick", "--only", "localchat", "--json", str(saved)]) == 0
    printed = capsys.readouterr().out
    data = json.loads(saved.read_text(encoding="utf-8"))

    # the stalled reader is not cut in half a second: those two rows alone have no figure
    assert {row["label"] for row in data["issue12"] if row["localchat"] is None} == STALL_ROWS
    ours = data["results"]["localchat"]
    assert ours["register"]["lobby"] is True and ours["register_no_lobby"]["lobby"] is False
    assert ours["quit_burst"]["seen"] == ours["quit_burst"]["expected"] == 4 * 8
    assert ours["all_senders"]["expected"] == ours["all_senders"]["sent"] * 3  # 4 members
    assert ours["lost_total"] == 0 and ours["duplicates_total"] == 0
    assert "QUIT burst: 4 of 12 quit at once" in printed
    assert "12 clients register, 4 in flight, and land in the lobby" in printed
    assert "every figure" in printed
    assert gc.isenabled()  # main() turns the collector off while it runs, and back on
