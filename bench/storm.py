"""`python -m bench.storm`: issue 12's registration storm alone, repeated, for A/B runs: LocalChat
into its lobby, LocalChat without one (`--channel ''`) and ngircd (no lobby), each `--runs` times,
interleaved; seconds, server CPU and load generator CPU per run, then each figure's range.

`--server-tree DIR` runs LocalChat's server from another checkout (e.g. an export of main) while
this tree's load generator drives it, so server and generator changes can be measured apart.
`--concurrency N` changes how many registrations are in flight (issue 12 says 50): ngircd listens
with a short queue, and past it a connection waits for its SYN to be sent again (a second or
more, counted as listen overflows), which is most of ngircd's figure at 50.
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.plan import Plan
from bench.run import raise_file_limit
from bench.scenario import register_only
from bench.servers import LOBBY, ServerProcess, start_localchat, start_reference
from bench.spy import PhaseProfiler

PLAN = Plan()  # the full run's sizes (tests patch a smaller one)
FIGURES = ("seconds", "server_cpu_seconds", "loadgen_cpu_seconds", "listen_overflows")
KINDS = ("lobby", "no_lobby", "ngircd")


def storm_once(kind: str, plan: Plan, workdir: Path, server_tree: Path | None,
               profile: Path | None) -> dict[str, Any]:
    """One registration storm of this kind on a fresh server; its figures."""
    starts: dict[str, Callable[[], ServerProcess]] = {
        "lobby": lambda: start_localchat(workdir, lobby=True, tree=server_tree),
        "no_lobby": lambda: start_localchat(workdir, tree=server_tree),
        "ngircd": lambda: start_reference(workdir),
    }
    server = starts[kind]()
    try:
        spy = PhaseProfiler(profile / kind if profile and kind != "ngircd" else None, server.pid)
        out = register_only(server, plan, LOBBY if kind == "lobby" else None, lambda _: None, spy)
        return {figure: out[figure] for figure in FIGURES}
    finally:
        server.stop()


def run_storms(args: argparse.Namespace, plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """args.runs storms of each of args.kinds, interleaved; each run's figures, printed too."""
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in args.kinds}
    with tempfile.TemporaryDirectory(prefix="localchat-storm-") as workdir:
        for attempt in range(args.runs):
            for kind in args.kinds:
                figures = storm_once(kind, plan, Path(workdir) / f"{kind}{attempt}",
                                     args.server_tree, args.profile)
                runs[kind].append(figures)
                print(f"{kind:9} run {attempt + 1}: " + ", ".join(
                    f"{figure} {value:.2f}" for figure, value in figures.items()), flush=True)
    return runs


def spread(values: list[float]) -> str:
    """'min-max (median)' of values."""
    ordered = sorted(values)
    return f"{ordered[0]:.2f}-{ordered[-1]:.2f} (median {ordered[len(ordered) // 2]:.2f})"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.storm", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="storms of each kind (default 3)")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--concurrency", type=int,
                        help="registrations in flight (default: the plan's, 50)")
    parser.add_argument("--server-tree", type=Path, metavar="DIR",
                        help="run LocalChat's server from this checkout")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="py-spy on LocalChat's server during each storm (slows it)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="save every run's figures")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = replace(PLAN, concurrency=args.concurrency or PLAN.concurrency)
    raise_file_limit(plan.clients * 2 + 256)
    collecting = gc.isenabled()
    gc.disable()  # as bench.run: the generator's collections would show up as time
    try:
        runs = run_storms(args, plan)
    finally:
        if collecting:
            gc.enable()
    for kind, results in runs.items():
        print(f"{kind:9} " + "; ".join(
            f"{figure} {spread([r[figure] for r in results])}" for figure in FIGURES))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
