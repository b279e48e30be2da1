"""--profile: py-spy's raw stacks summarised per function, by self and inclusive time."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from bench.spy import (
    PhaseProfiler,
    SpyError,
    StackSummary,
    format_top,
    function_of,
    summarise,
    summary_data,
)

RAW = [
    "run (threading.py:982);serve (server/reader.py:94);send (server/out.py:10) 6",
    "run (threading.py:982);serve (server/reader.py:95);send (server/out.py:12) 2",
    "run (threading.py:982);serve (server/reader.py:94) 1",
    "run (threading.py:982);walk (server/tree.py:5);walk (server/tree.py:7) 1",
    "",
]


def test_function_of_merges_line_numbers() -> None:
    assert function_of("Reader.serve (server/reader.py:94)") == "Reader.serve (server/reader.py)"
    assert function_of("<module> (x.py)") == "<module> (x.py)"
    assert function_of("odd frame") == "odd frame"


def test_summarise_counts_self_at_the_innermost_frame() -> None:
    summary = summarise(RAW)
    assert summary.total == 10
    assert summary.self_samples["send (server/out.py)"] == 8
    assert summary.self_samples["serve (server/reader.py)"] == 1
    assert summary.self_samples["run (threading.py)"] == 0


def test_summarise_counts_a_recursive_function_once_per_sample() -> None:
    summary = summarise(RAW)
    assert summary.inclusive["walk (server/tree.py)"] == 1
    assert summary.inclusive["run (threading.py)"] == 10
    assert summary.inclusive["serve (server/reader.py)"] == 9


def test_summarise_counts_an_empty_stack_as_no_python_frame() -> None:
    summary = summarise(["a (x.py:1) 3", " 2"])
    assert summary.total == 5
    assert summary.self_samples["(no Python frame)"] == 2


def test_summarise_joins_a_record_broken_by_a_newline_in_a_frame_name() -> None:
    summary = summarise(["a (x.py:1) 3", "a (x.py:1);b (", ":-10);c (y.py:2) 4", "a (x.py:1) 1"])
    assert summary.total == 8
    assert summary.self_samples["c (y.py)"] == 4
    assert summary.inclusive["a (x.py)"] == 8


def test_summarise_rejects_a_last_record_without_a_count() -> None:
    with pytest.raises(ValueError, match="line 2"):
        summarise(["a (x.py:1) 3", "a (x.py:1);b (y.py:2)"])


def test_format_top_lists_both_orders_as_percentages() -> None:
    text = format_top(summarise(RAW), top=2)
    lines = [line.strip() for line in text.splitlines()]
    assert lines[0] == "10 samples"
    assert lines[1:4] == ["-- by self time", "80.0%  send (server/out.py)",
                          "10.0%  serve (server/reader.py)"]
    assert lines[4:8] == ["-- by inclusive time (thread start-up frames left out)",
                          "on >= 85% of samples: serve (server/reader.py) 90%",
                          "80.0%  send (server/out.py)", "10.0%  walk (server/tree.py)"]


def test_format_top_says_when_there_were_no_samples() -> None:
    empty = StackSummary(0, summarise([]).self_samples, summarise([]).inclusive)
    assert "no samples" in format_top(empty)


def test_summary_data_keeps_the_top_entries() -> None:
    data = summary_data(summarise(RAW), top=1)
    assert data == {"samples": 10, "self": [("send (server/out.py)", 8)],
                    "inclusive": [("run (threading.py)", 10)]}


def test_a_missing_py_spy_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(SpyError, match=r"pip install -e '\.\[bench\]'"):
        PhaseProfiler(tmp_path / "profile", pid=1)
