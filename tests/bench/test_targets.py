"""Issue 12's table: targets (absolute, x ngircd, keep), whether they are met, and the layout."""

from __future__ import annotations

from bench.issue12 import issue_rows
from bench.plan import QUICK, Plan
from bench.targets import ABSOLUTE, KEEP, NONE, TIMES_NGIRCD, Row, Target, evaluate, format_rows


def test_absolute_target_ignores_ngircd() -> None:
    target = Target(ABSOLUTE, 1.0)
    assert target.met(0.9, 99.0) is True
    assert target.met(1.2, 99.0) is False
    assert target.describe(99.0, "{:.2f}") == "<= 1.00 (absolute)"


def test_times_ngircd_target_scales_the_reference_figure() -> None:
    target = Target(TIMES_NGIRCD, 1.5)
    assert target.limit(2.0) == 3.0
    assert target.met(2.9, 2.0) is True
    assert target.met(3.1, 2.0) is False
    assert target.describe(2.0, "{:.2f}") == "<= ngircd x 1.5 = 3.00"


def test_a_target_may_quote_the_issue() -> None:
    target = Target(TIMES_NGIRCD, 1.5, issue="0.5 = 0.33 x 1.5")
    assert target.describe(1.0, "{:.1f}") == "<= ngircd x 1.5 = 1.5 (issue: 0.5 = 0.33 x 1.5)"


def test_times_ngircd_target_without_ngircd_is_undecided() -> None:
    target = Target(TIMES_NGIRCD, 1.5)
    assert target.met(1.0, None) is None
    assert target.met(1.0, float("nan")) is None
    assert target.describe(None, "{:.2f}") == "<= ngircd x 1.5"


def test_keep_target_allows_ten_percent_over_main() -> None:
    target = Target(KEEP, 10.0)
    assert target.met(10.9, None) is True
    assert target.met(11.1, None) is False
    assert target.describe(None, "{:.1f}") == "keep (main 10.0, +10%)"


def test_keep_target_may_allow_more() -> None:
    target = Target(KEEP, 10.0, slack=1.5)
    assert target.met(14.9, None) is True
    assert target.met(15.1, None) is False
    assert target.describe(None, "{:.0f}") == "keep (main 10, +50%)"


def test_no_target_and_missing_figures_are_undecided() -> None:
    assert Target(NONE).met(1.0, 1.0) is None
    assert Target(ABSOLUTE, 1.0).met(None, 1.0) is None
    assert Target(ABSOLUTE, 0).met(True, 1.0) is None  # a flag is no figure


def test_evaluate_gives_ratio_target_and_verdict_per_row() -> None:
    rows = [
        Row("a", ("x", "s"), "{:.2f}", Target(TIMES_NGIRCD, 2.0)),
        Row("b", ("only_ours",), "{}", ngircd_path=("theirs",)),
        Row("c", ("missing",), "{}", Target(ABSOLUTE, 0)),
    ]
    data = evaluate(rows, {"x": {"s": 3.0}, "only_ours": 4}, {"x": {"s": 1.0}, "theirs": 8})
    assert data[0] == {"label": "a", "localchat": 3.0, "ngircd": 1.0, "ratio": 3.0,
                       "target": "<= ngircd x 2 = 2.00", "met": False}
    assert (data[1]["ngircd"], data[1]["ratio"], data[1]["met"]) == (8, 0.5, None)
    assert (data[2]["localchat"], data[2]["met"]) == (None, None)


def test_format_rows_lines_up_columns_and_marks_verdicts() -> None:
    rows = [Row("fast", ("t",), "{:.1f}", Target(ABSOLUTE, 1.0)),
            Row("slow one", ("u",), "{:.1f}", Target(ABSOLUTE, 1.0)),
            Row("zero ratio", ("z",), "{}")]
    text = format_rows(rows, {"t": 0.5, "u": 2.0, "z": 3}, {"t": 0.25, "u": 1.0, "z": 0})
    header, *lines = text.splitlines()
    assert header.split() == ["figure", "LocalChat", "ngircd", "LC/ngircd", "target", "met"]
    assert lines[0].split() == ["fast", "0.5", "0.2", "2.00", "<=", "1.0", "(absolute)", "yes"]
    assert lines[1].split()[-1] == "NO"
    assert lines[2].split()[-4:] == ["0", "-", "-", "-"]  # no ratio to a zero
    end = len("zero ratio") + 2 + len("LocalChat")  # figures are right-aligned under their header
    assert all(line[end - 1] != " " and line[end] == " " for line in text.splitlines())


def test_issue_rows_name_the_plan_sizes_and_carry_the_issue_targets() -> None:
    rows = {row.label.strip(): row for row in issue_rows(Plan())}
    first = next(label for label in rows if label.startswith("1000 clients register"))
    assert "50 in flight" in first and "ngircd: no lobby" in first
    assert rows[first].target == Target(ABSOLUTE, 1.0)
    assert rows["p99 latency, 500 clients, 50 msg/s (ms)"].target == Target(TIMES_NGIRCD, 1.0)
    assert rows["p99 latency, 100 clients, 200 msg/s (ms)"].target == Target(ABSOLUTE, 3.0)
    assert rows["the same, 20 clients x 20 senders"].target.value == 3.3
    quick = [row.label for row in issue_rows(QUICK)]
    assert any(label.startswith("100 clients register, 10 in flight") for label in quick)

