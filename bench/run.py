"""`python -m bench.run`: run the same load against the LocalChat server and ngircd, print issue
12's table (both servers, LocalChat/ngircd, the target, met or not) and every figure in detail,
and optionally save the figures as JSON; `--profile DIR` samples the LocalChat server with py-spy
during each phase and prints each phase's top functions.

Both servers run as child processes on 127.0.0.1 (CPU and RSS from /proc/PID); one load generator
process drives both, one after the other, with the same plan (phases: bench/scenario.py). LocalChat
runs twice: once only to register clients without a lobby (`--channel ''`), then the full run with
its default lobby.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.details import format_table
from bench.issue12 import issue_rows
from bench.loadgen import LoadError
from bench.plan import QUICK, Plan
from bench.scenario import bench_server, register_only
from bench.servers import LOBBY, ServerProcess, start_localchat, start_reference
from bench.spy import PhaseProfiler, SpyError, summary_data
from bench.targets import evaluate, format_rows


def raise_file_limit(needed: int) -> None:
    """Lift RLIMIT_NOFILE (inherited by the servers we start) to cover `needed` sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(hard, needed)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < needed:
        raise SystemExit(f"need {needed} open files, the hard limit is {hard}: raise `ulimit -Hn`")


def say(text: str) -> None:
    print("  " + text, flush=True)


Job = Callable[[ServerProcess, PhaseProfiler], dict[str, Any]]


def _run_one(title: str, start: Callable[[], ServerProcess], job: Job,
             profile: Path | None) -> dict[str, Any]:
    """Start a server, run job on it, stop it; a failure becomes {"error": ...}."""
    print(f"== {title}", flush=True)
    try:
        server = start()
    except (OSError, RuntimeError) as error:  # NgircdError is a RuntimeError
        print(f"  FAILED to start {title}: {error}", file=sys.stderr, flush=True)
        return {"error": f"did not start: {error}"}
    try:
        spy = PhaseProfiler(profile, server.pid)
        out = job(server, spy)
        if spy.summaries:
            out["profile"] = {name: summary_data(summary)
                              for name, summary in spy.summaries.items()}
        return out
    except (LoadError, SpyError) as error:
        print(f"  FAILED: {error}", file=sys.stderr, flush=True)
        return {"error": str(error)}
    finally:
        server.stop()


def run_all(plan: Plan, names: list[str], workdir: Path, profile: Path | None
            ) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    if "localchat" in names:
        plain = _run_one(
            "localchat --channel '' (registration only)",
            lambda: start_localchat(workdir / "no-lobby"),
            lambda server, spy: register_only(server, plan, None, say, spy), profile)
        results["localchat"] = _run_one(
            f"localchat (lobby {LOBBY})", lambda: start_localchat(workdir / "lobby", lobby=True),
            lambda server, spy: bench_server(server, plan, LOBBY, say, spy), profile)
        results["localchat"]["register_no_lobby"] = plain
    if "ngircd" in names:
        results["ngircd"] = _run_one(
            "ngircd", lambda: start_reference(workdir),
            lambda server, spy: bench_server(server, plan, None, say, spy), None)
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="a small, fast smoke run")
    parser.add_argument("--only", choices=["localchat", "ngircd"], help="bench one server only")
    parser.add_argument("--json", metavar="FILE", type=Path, help="save the figures as JSON")
    parser.add_argument("--profile", metavar="DIR", type=Path,
                        help="sample the LocalChat server with py-spy during each phase (raw "
                             "stacks and summaries in DIR; its figures are slowed by sampling)")
    parser.add_argument("--ngircd-from", metavar="FILE", type=Path,
                        help="take ngircd's figures from an earlier --json FILE of the same plan "
                             "instead of running ngircd again (it does not change)")
    args = parser.parse_args(argv)
    if args.ngircd_from and args.only == "ngircd":
        parser.error("--ngircd-from replaces the ngircd run: not with --only ngircd")
    return args


def load_reference(path: Path, plan: Plan) -> dict[str, Any]:
    """ngircd's figures from an earlier run's JSON file, which must have used the same plan."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        figures, saved_plan = saved["results"]["ngircd"], saved["plan"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SystemExit(f"--ngircd-from {path}: no ngircd figures there ({error})") from None
    if saved_plan != json.loads(json.dumps(asdict(plan))):
        raise SystemExit(f"--ngircd-from {path}: that run's plan differs from this one's")
    if not isinstance(figures, dict) or "error" in figures:
        raise SystemExit(f"--ngircd-from {path}: ngircd failed in that run")
    return figures


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = QUICK if args.quick else Plan()
    raise_file_limit(plan.clients * 2 + 256)
    reference = load_reference(args.ngircd_from, plan) if args.ngircd_from else None
    names = [args.only] if args.only else ["localchat", "ngircd"]
    if reference is not None:
        names = ["localchat"]
    began = time.monotonic()
    collecting = gc.isenabled()
    gc.disable()  # a collection of the load generator's objects would show up as latency
    try:
        with tempfile.TemporaryDirectory(prefix="localchat-bench-") as workdir:
            results = run_all(plan, names, Path(workdir), args.profile)
    finally:
        if collecting:
            gc.enable()
    if reference is not None:
        results["ngircd"] = reference
        print(f"\n(ngircd's figures: {args.ngircd_from})")
    rows = issue_rows(plan)
    ours, theirs = results.get("localchat", {}), results.get("ngircd", {})
    print("\nissue 12 (targets: absolute, a multiple of ngircd's figure in the same table, or "
          "keep main's)\n")
    print(format_rows(rows, ours, theirs))
    print("\nevery figure\n")
    print(format_table(results))
    print(f"\nplan: {asdict(plan)}; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f} at the end; {time.monotonic() - began:.0f} s"
          + (" (under py-spy: slower than without)" if args.profile else ""))
    if args.json:
        payload = {"plan": asdict(plan), "results": results,
                   "issue12": evaluate(rows, ours, theirs), "cpus": os.cpu_count(),
                   "loadavg": os.getloadavg(), "profiled": bool(args.profile),
                   "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        args.json.write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    return 1 if any("error" in figures for figures in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
