"""Issue 12's table: each figure for LocalChat and ngircd, their ratio, the target (absolute, a
multiple of ngircd's figure in the same run, or "keep" today's main) and whether LocalChat meets it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

ABSOLUTE, TIMES_NGIRCD, KEEP, NONE = "absolute", "x ngircd", "keep", "none"
KEEP_SLACK = 1.10  # "keep" allows 10 % over main's figure unless a row says otherwise


@dataclass(frozen=True)
class Target:
    """ours <= limit, where limit is value (absolute), value x ngircd's figure (x ngircd), or
    main's figure (value) x slack (keep). NONE: a figure printed without a target."""

    kind: str
    value: float = 0.0
    slack: float = KEEP_SLACK
    issue: str = ""  # the issue's own figure, where this target is a reading of it

    def limit(self, theirs: Any) -> float | None:
        if self.kind == ABSOLUTE:
            return self.value
        if self.kind == KEEP:
            return self.value * self.slack
        if self.kind == TIMES_NGIRCD and _number(theirs):
            return self.value * theirs
        return None

    def describe(self, theirs: Any, fmt: str) -> str:
        text = self._describe(theirs, fmt)
        return f"{text} (issue: {self.issue})" if self.issue else text

    def _describe(self, theirs: Any, fmt: str) -> str:
        if self.kind == NONE:
            return "-"
        if self.kind == ABSOLUTE:
            return f"<= {_cell(self.value, fmt)} (absolute)"
        if self.kind == KEEP:
            return f"keep (main {_cell(self.value, fmt)}, +{self.slack - 1:.0%})"
        limit = self.limit(theirs)
        shown = f" = {_cell(limit, fmt)}" if limit is not None else ""
        return f"<= ngircd x {self.value:g}{shown}"

    def met(self, ours: Any, theirs: Any) -> bool | None:
        limit = self.limit(theirs)
        if limit is None or not _number(ours):
            return None
        return bool(ours <= limit)


@dataclass(frozen=True)
class Row:
    """One line of the table: where the figure is in each server's results (ngircd's path
    defaults to LocalChat's), how to print it, and its target."""

    label: str
    path: tuple[str, ...]
    fmt: str
    target: Target = Target(NONE)
    ngircd_path: tuple[str, ...] | None = None


def lookup(results: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = results
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def evaluate(rows: list[Row], ours: dict[str, Any], theirs: dict[str, Any]) -> list[dict[str, Any]]:
    """Each row as data (for the JSON file): label, both figures, ratio, target, met."""
    out = []
    for row in rows:
        mine = lookup(ours, row.path)
        other = lookup(theirs, row.ngircd_path or row.path)
        out.append({
            "label": row.label, "localchat": mine, "ngircd": other, "ratio": ratio(mine, other),
            "target": row.target.describe(other, row.fmt), "met": row.target.met(mine, other),
        })
    return out


def format_rows(rows: list[Row], ours: dict[str, Any], theirs: dict[str, Any]) -> str:
    header = ["figure", "LocalChat", "ngircd", "LC/ngircd", "target", "met"]
    lines = [header]
    for row, data in zip(rows, evaluate(rows, ours, theirs)):
        met = {True: "yes", False: "NO", None: "-"}[data["met"]]
        ratio_text = "-" if data["ratio"] is None else f"{data['ratio']:.2f}"
        lines.append([row.label, _cell(data["localchat"], row.fmt),
                      _cell(data["ngircd"], row.fmt), ratio_text, data["target"], met])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    left = {0, 4}
    return "\n".join(
        "  ".join(cell.ljust(w) if i in left else cell.rjust(w)
                  for i, (cell, w) in enumerate(zip(line, widths))).rstrip()
        for line in lines
    )


def ratio(ours: Any, theirs: Any) -> float | None:
    if not (_number(ours) and _number(theirs)) or not theirs:
        return None
    return float(ours / theirs)


def _number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and not math.isnan(value))


def _cell(value: Any, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return fmt.format(value)
