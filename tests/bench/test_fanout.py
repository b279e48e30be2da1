"""bench.fanout on a small channel: every member gets every message, and the figures are
positive per delivery and per message."""

from __future__ import annotations

from bench.fanout import measure


def test_fanout_delivers_everything_and_reports_cpu_per_delivery():
    per_delivery, per_message = measure(members=5, messages=30, db=":memory:")
    assert 0 < per_delivery < per_message
    assert abs(per_message / 4 - per_delivery) < 1e-6  # per message over 4 recipients
