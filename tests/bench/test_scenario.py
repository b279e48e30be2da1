"""Every bench phase at a tiny scale against a real LocalChat server process (127.0.0.1, its own
port and database): each of issue 12's rows gets a LocalChat figure, and nothing is lost."""

from __future__ import annotations

from pathlib import Path

from bench.issue12 import issue_rows
from bench.plan import Plan
from bench.scenario import bench_server, register_only
from bench.servers import LOBBY, start_localchat
from bench.spy import PhaseProfiler
from bench.targets import evaluate

TINY = Plan(clients=12, concurrency=4, quitters=4, wide_rate=50.0, members=8, senders=2,
            windows=(2, 4), all_senders=4, throughput_seconds=0.3, rate=100.0,
            latency_seconds=0.3, stall_rate=100.0, stall_seconds=0.5, idle_seconds=0.1)
STALL_ROWS = {"stopped reader: cut after (s)", "stopped reader: queued in the server when cut (MB)"}


def test_bench_phases_fill_issue_12_rows_for_localchat(tmp_path: Path) -> None:
    progress: list[str] = []
    plain = start_localchat(tmp_path / "plain")
    try:
        no_lobby = register_only(plain, TINY, None, progress.append, PhaseProfiler(None, 0))
    finally:
        plain.stop()
    server = start_localchat(tmp_path / "lobby", lobby=True)
    try:
        out = bench_server(server, TINY, LOBBY, progress.append, PhaseProfiler(None, server.pid))
    finally:
        server.stop()
    out["register_no_lobby"] = no_lobby

    rows = evaluate(issue_rows(TINY), out, {})
    # the stalled reader is not cut in half a second: those two rows alone have no figure
    assert {row["label"] for row in rows if row["localchat"] is None} == STALL_ROWS
    assert out["register"]["lobby"] is True and no_lobby["lobby"] is False
    assert out["quit_burst"]["seen"] == out["quit_burst"]["expected"] == 4 * 8
    assert out["all_senders"]["expected"] == out["all_senders"]["sent"] * 3
    assert out["lost_total"] == 0 and out["duplicates_total"] == 0
    assert any(line.startswith("QUIT burst: 4 of 12 quit at once") for line in progress)
