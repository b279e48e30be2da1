"""Hidden join/part/quit lines, as HexChat users expect: a run of others' comings and goings in
a conversation reads as one compact line ('→ bob, carol joined · ← dave left'), rewritten as the
run grows and ended by any other line. Sans I/O."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from app.models.log import LogEntry

SUMMARY = "summary"
SHOWN_NICKS = 10
"""Nicks a compact line names per kind; the rest are counted ('and 490 others'), so a netsplit
of hundreds stays one short line and each quit costs the same."""
_ORDER = (("join", "\u2192", "joined"), ("part", "\u2190", "left"), ("quit", "\u2190", "quit"))


@dataclass
class _Run:
    line: LogEntry
    nicks: dict[str, list[str]] = field(default_factory=dict)
    seen: dict[str, set[str]] = field(default_factory=dict)


def summary_text(nicks: dict[str, list[str]]) -> str:
    """'→ bob, carol joined · ← dave left · ← erin quit' for the nicks by what they did (the
    first SHOWN_NICKS of each kind by name, then how many more)."""
    parts = [f"{arrow} {_names(nicks[what])} {verb}" for what, arrow, verb in _ORDER
             if nicks.get(what)]
    return " \u00b7 ".join(parts)


def _names(nicks: list[str]) -> str:
    shown = ", ".join(nicks[:SHOWN_NICKS])
    more = len(nicks) - SHOWN_NICKS
    return f"{shown} and {more} {'other' if more == 1 else 'others'}" if more > 0 else shown


class PresenceFold:
    """The open run of each conversation (by key); fold() takes the next presence line."""

    def __init__(self) -> None:
        self._runs: dict[str, _Run] = {}

    def fold(self, key: str, entry: LogEntry, last: LogEntry | None) -> tuple[LogEntry | None,
                                                                           LogEntry]:
        """entry (a join, part or quit) in conversation key, whose newest line is last: the
        compact line it replaces (None: start a new one) and the compact line to show."""
        run = self._runs.get(key)
        if run is None or last is not run.line:
            run = _Run(entry)
            self._runs[key] = run
            old = None
        else:
            old = run.line
        seen = run.seen.setdefault(entry.presence, set())
        if entry.sender not in seen:
            seen.add(entry.sender)
            run.nicks.setdefault(entry.presence, []).append(entry.sender)
        run.line = replace(entry, sender="", text=summary_text(run.nicks), presence=SUMMARY,
                           time=old.time if old is not None else entry.time)
        return old, run.line

    def end(self, key: str) -> None:
        """Another line came: the next join starts a new compact line."""
        self._runs.pop(key, None)

    def clear(self) -> None:
        """Forget every run (the setting changed, the log was cleared)."""
        self._runs.clear()
