"""--ngircd-from: ngircd's figures reused from an earlier run's JSON file of the same plan."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from bench.plan import QUICK, Plan
from bench.run import load_reference


def test_reference_figures_come_from_a_run_of_the_same_plan(tmp_path: Path) -> None:
    saved = tmp_path / "before.json"
    plan = json.loads(json.dumps(asdict(QUICK)))
    saved.write_text(json.dumps({"plan": plan, "results": {"ngircd": {"rss_idle_mb": 5.0}}}))
    assert load_reference(saved, QUICK) == {"rss_idle_mb": 5.0}
    with pytest.raises(SystemExit, match="plan differs"):
        load_reference(saved, Plan())
    saved.write_text(json.dumps({"plan": plan, "results": {"ngircd": {"error": "x"}}}))
    with pytest.raises(SystemExit, match="ngircd failed"):
        load_reference(saved, QUICK)
    with pytest.raises(SystemExit, match="no ngircd figures"):
        load_reference(tmp_path / "missing.json", QUICK)
