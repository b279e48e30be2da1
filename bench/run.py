"""`python -m bench.run`: run the same load against the LocalChat server and ngircd, print a table
with both and the LocalChat/ngircd ratios, and optionally save the figures as JSON.

Both servers run as child processes on 127.0.0.1 (CPU and RSS from /proc/PID); one load generator
process drives both, one after the other, with the same plan. Phases: register N clients (at most
`concurrency` registrations in progress); RSS with them idle; then M of them join one channel and
S senders run a closed loop (see phases.closed_loop) at two window sizes; then fixed-rate latency;
then one member stops reading while the others go on at a fixed rate (phases.stalled_reader).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import phases
from bench.loadgen import Bot, LoadError, Swarm
from bench.servers import (
    ServerProcess,
    kernel_bytes,
    listen_overflows,
    start_localchat,
    start_reference,
)

CHANNEL = "#bench"
STALL_PADDING = b"x" * 380  # long lines (~470 bytes) fill a stalled reader's buffers sooner


@dataclass(frozen=True)
class Plan:
    """How much load to apply; the defaults are the full run, --quick a smoke-sized one."""

    clients: int = 1000
    concurrency: int = 10
    members: int = 100
    senders: int = 10
    windows: tuple[int, ...] = (4, 32)  # closed-loop runs: messages in flight per sender
    throughput_seconds: float = 10.0
    rate: float = 200.0
    latency_seconds: float = 10.0
    stall_rate: float = 200.0
    stall_seconds: float = 60.0


QUICK = Plan(clients=100, members=20, senders=5, throughput_seconds=3.0, latency_seconds=3.0,
             stall_seconds=10.0)


def raise_file_limit(needed: int) -> None:
    """Lift RLIMIT_NOFILE (inherited by the servers we start) to cover `needed` sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(hard, needed)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < needed:
        raise SystemExit(f"need {needed} open files, the hard limit is {hard}: raise `ulimit -Hn`")


Say = Callable[[str], None]


def bench_server(server: ServerProcess, plan: Plan, say: Say) -> dict[str, Any]:
    """Every phase against one server; returns the figures as plain data."""
    swarm = Swarm(server.address)
    try:
        return _phases(server, swarm, plan, say)
    finally:
        swarm.close_all()


def _phases(server: ServerProcess, swarm: Swarm, plan: Plan, say: Say) -> dict[str, Any]:
    out = _register_idle(server, swarm, plan, say)
    for bot in swarm.bots[plan.members:]:
        swarm.close(bot)
    members = swarm.bots[: plan.members]
    phases.join(swarm, members, CHANNEL, timeout=60)
    swarm.run_for(0.5)
    out.update(_chat(server, swarm, members, plan, say))
    return out


def _register_idle(server: ServerProcess, swarm: Swarm, plan: Plan, say: Say) -> dict[str, Any]:
    """Register plan.clients clients; RSS once they are idle."""
    out: dict[str, Any] = {"rss_start_mb": server.rss_bytes() / 2**20}
    overflows = listen_overflows()
    reg = phases.register(swarm, plan.clients, "c", plan.concurrency, timeout=180)
    out["register_seconds"] = reg.seconds
    out["listen_overflows"] = listen_overflows() - overflows
    say(f"registered {plan.clients} clients in {reg.seconds:.2f} s "
        f"({out['listen_overflows']} listen queue overflows on this machine meanwhile)")
    swarm.run_for(1.0)
    out["rss_idle_mb"] = server.rss_bytes() / 2**20
    out["threads_idle"] = server.threads()
    out["rss_per_client_kb"] = (out["rss_idle_mb"] - out["rss_start_mb"]) * 1024 / plan.clients
    say(f"RSS with {plan.clients} idle clients: {out['rss_idle_mb']:.1f} MB")
    return out


def _chat(
    server: ServerProcess, swarm: Swarm, members: list[Bot], plan: Plan, say: Say
) -> dict[str, Any]:
    """The channel phases: closed loop at each window, fixed-rate latency, one stalled reader."""
    out: dict[str, Any] = {}
    senders = members[: plan.senders]
    for window in plan.windows:
        out[f"closed_loop_w{window}"] = figures = _closed_loop(server, swarm, members, plan, window)
        say(f"closed loop, window {window}: {figures['messages_per_second']:.0f} msg/s, "
            f"{figures['deliveries_per_second']:.0f} deliveries/s, lost {figures['lost']}, "
            f"server CPU {figures['server_cpu_share']:.0%}, "
            f"load generator CPU {figures['loadgen_cpu_share']:.0%}")

    lat = phases.fixed_rate(swarm, senders, members, CHANNEL, plan.rate, plan.latency_seconds)
    out["latency"] = _delivery(lat)
    say(f"{plan.rate:.0f} msg/s: p50 {lat.percentile_ms(0.5):.2f} ms, "
        f"p99 {lat.percentile_ms(0.99):.2f} ms, lost {lat.lost}")

    port = server.address[1]
    stall = phases.stalled_reader(
        swarm, senders, members, CHANNEL, plan.stall_rate, plan.stall_seconds, STALL_PADDING,
        kernel_bytes=lambda bot: kernel_bytes(bot.sock, port),
    )
    out["stall"] = _stall(stall, server, members[-1])
    say(f"stalled reader: dropped={stall.dropped} after {stall.seconds_to_drop} s, "
        f"max kernel queue {stall.max_kernel_bytes} B, {stall.error_line!r}")
    return out


def _closed_loop(
    server: ServerProcess, swarm: Swarm, members: list[Bot], plan: Plan, window: int
) -> dict[str, Any]:
    senders = members[: plan.senders]
    cpu0 = server.cpu_seconds()
    result = phases.closed_loop(swarm, senders, members, CHANNEL, window,
                                seconds=plan.throughput_seconds)
    server_cpu = server.cpu_seconds() - cpu0
    figures = _delivery(result)
    figures["server_cpu_seconds"] = server_cpu
    figures["server_cpu_share"] = server_cpu / result.seconds if result.seconds else None
    figures["server_cpu_us_per_delivery"] = (
        server_cpu / result.delivered * 1e6 if result.delivered else None
    )
    figures["server_cpu_us_per_message"] = server_cpu / result.sent * 1e6 if result.sent else None
    return figures


def _delivery(result: phases.DeliveryResult) -> dict[str, Any]:
    return {
        "sent": result.sent,
        "delivered": result.delivered,
        "expected": result.expected,
        "lost": result.lost,
        "duplicates": result.duplicates,
        "seconds": result.seconds,
        "messages_per_second": result.messages_per_second,
        "deliveries_per_second": result.deliveries_per_second,
        "p50_ms": result.percentile_ms(0.5),
        "p99_ms": result.percentile_ms(0.99),
        "loadgen_cpu_share": result.loadgen_cpu / result.seconds if result.seconds else None,
    }


def _stall(result: phases.StallResult, server: ServerProcess, victim: Bot) -> dict[str, Any]:
    data = asdict(result)
    data["others"] = _delivery(result.others)
    line_bytes = result.victim_bytes / result.reached_victim if result.reached_victim else 0
    unsent = result.sent_while_stalled - result.reached_victim
    # What the server held in its own memory when it gave up: messages it had accepted for the
    # victim that never reached the victim's socket, at the size the victim saw them.
    data["server_queue_estimate_bytes"] = int(unsent * line_bytes) if result.dropped else None
    data["victim_missed"] = unsent
    data["server_log"] = server.log_tail(f"{victim.nick}!")
    return data


# --- the table ---------------------------------------------------------------------------------

ROWS: list[tuple[str, tuple[str, ...], str]] = [
    ("register clients (s)", ("register_seconds",), "{:.2f}"),
    ("listen queue overflows", ("listen_overflows",), "{}"),
    ("RSS at start (MB)", ("rss_start_mb",), "{:.1f}"),
    ("RSS, clients idle (MB)", ("rss_idle_mb",), "{:.1f}"),
    ("RSS per client (KB)", ("rss_per_client_kb",), "{:.1f}"),
    *[
        row
        for window in Plan().windows
        for row in (
            (f"w={window}: messages/s", (f"closed_loop_w{window}", "messages_per_second"),
             "{:.0f}"),
            (f"w={window}: deliveries/s", (f"closed_loop_w{window}", "deliveries_per_second"),
             "{:.0f}"),
            (f"w={window}: lost", (f"closed_loop_w{window}", "lost"), "{}"),
            (f"w={window}: p50 at probe (ms)", (f"closed_loop_w{window}", "p50_ms"), "{:.2f}"),
            (f"w={window}: server CPU/delivery (us)",
             (f"closed_loop_w{window}", "server_cpu_us_per_delivery"), "{:.2f}"),
            (f"w={window}: server CPU share", (f"closed_loop_w{window}", "server_cpu_share"),
             "{:.0%}"),
            (f"w={window}: load gen. CPU share",
             (f"closed_loop_w{window}", "loadgen_cpu_share"), "{:.0%}"),
        )
    ],
    ("fixed rate: p50 (ms)", ("latency", "p50_ms"), "{:.2f}"),
    ("fixed rate: p99 (ms)", ("latency", "p99_ms"), "{:.2f}"),
    ("fixed rate: lost", ("latency", "lost"), "{}"),
    ("stall: reader dropped", ("stall", "dropped"), "{}"),
    ("stall: seconds to drop", ("stall", "seconds_to_drop"), "{:.2f}"),
    ("stall: messages reader missed", ("stall", "victim_missed"), "{}"),
    ("stall: max kernel queue (KB)", ("stall", "max_kernel_bytes"), "{:.0f}"),
    ("stall: server queue est. (KB)", ("stall", "server_queue_estimate_bytes"), "{:.0f}"),
    ("stall: others' deliveries/s", ("stall", "others", "deliveries_per_second"), "{:.0f}"),
    ("stall: others' p50 (ms)", ("stall", "others", "p50_ms"), "{:.2f}"),
    ("stall: others' p99 (ms)", ("stall", "others", "p99_ms"), "{:.2f}"),
    ("stall: others lost", ("stall", "others", "lost"), "{}"),
]
KB_ROWS = {"stall: max kernel queue (KB)", "stall: server queue est. (KB)"}


def _lookup(results: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = results
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _cell(value: Any, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return fmt.format(value)


def format_table(results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    both = names == ["localchat", "ngircd"]
    header = ["", *names] + (["LocalChat/ngircd"] if both else [])
    lines = [header]
    for label, path, fmt in ROWS:
        values = [_lookup(results[name], path) for name in names]
        if label in KB_ROWS:
            values = [v / 1024 if isinstance(v, (int, float)) else v for v in values]
        row = [label, *(_cell(v, fmt) for v in values)]
        if both:
            row.append(_ratio(*values))
        lines.append(row)
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                  enumerate(zip(row, widths)))
        for row in lines
    )


def _ratio(ours: Any, theirs: Any) -> str:
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (ours, theirs))
    if not numbers or not theirs or math.isnan(ours) or math.isnan(theirs):
        return "-"
    return f"{ours / theirs:.2f}"


# --- main --------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="a small, fast smoke run")
    parser.add_argument("--only", choices=["localchat", "ngircd"], help="bench one server only")
    parser.add_argument("--json", metavar="FILE", type=Path, help="save the figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = QUICK if args.quick else Plan()
    raise_file_limit(plan.clients * 2 + 256)
    gc.disable()  # a collection of the load generator's objects would show up as latency
    starters = {"localchat": start_localchat, "ngircd": start_reference}
    names = [args.only] if args.only else list(starters)
    results: dict[str, dict[str, Any]] = {}
    failed = False

    def say(text: str) -> None:
        print("  " + text, flush=True)

    with tempfile.TemporaryDirectory(prefix="localchat-bench-") as workdir:
        for name in names:
            print(f"== {name}", flush=True)
            try:
                server = starters[name](Path(workdir))
            except (OSError, RuntimeError) as error:  # NgircdError is a RuntimeError
                print(f"  FAILED to start {name}: {error}", file=sys.stderr, flush=True)
                results[name] = {"error": f"did not start: {error}"}
                failed = True
                continue
            try:
                results[name] = bench_server(server, plan, say)
            except LoadError as error:
                print(f"  FAILED: {error}", file=sys.stderr, flush=True)
                results[name] = {"error": str(error)}
                failed = True
            finally:
                server.stop()
    print()
    print(format_table(results))
    print(f"\nplan: {asdict(plan)}; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f} at the end")
    if args.json:
        payload = {"plan": asdict(plan), "results": results, "cpus": os.cpu_count(),
                   "loadavg": os.getloadavg(), "time": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                    time.gmtime())}
        args.json.write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
