"""The sequence of bench phases run against one server, with the server's CPU time and RSS around
each, returned as plain data (see bench/run.py for the plan and bench/issue12.py for the table).

Register N clients (for LocalChat into its auto-joined lobby; ngircd's then JOIN one channel);
RSS with them idle; half of them quit at once; fixed-rate latency with the rest; down to M
members: closed loops, a fixed rate (CPU per line and p99), a stalled reader; down to a few
members who all send (closed loop).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, TypeVar

from bench import phases
from bench.loadgen import Bot, Swarm
from bench.plan import Plan
from bench.quitburst import QuitResult, quit_burst
from bench.servers import ServerProcess, kernel_bytes, listen_overflows
from bench.spy import PhaseProfiler

CHANNEL = "#bench"  # the channel everyone joins where the server has no lobby
STALL_PADDING = b"x" * 380  # long lines (~470 bytes) fill a stalled reader's buffers sooner
QUIT_TIMEOUT = 60.0
JOIN_TIMEOUT = 120.0
REGISTER_TIMEOUT = 180.0
T = TypeVar("T")
Say = Callable[[str], None]


def with_cpu(server: ServerProcess, work: Callable[[], T]) -> tuple[T, float]:
    """work()'s result and the server CPU seconds it took."""
    cpu0 = server.cpu_seconds()
    result = work()
    return result, server.cpu_seconds() - cpu0


def with_both_cpus(server: ServerProcess, work: Callable[[], T]) -> tuple[T, dict[str, float]]:
    """work()'s result and the CPU seconds it took the server and this load generator."""
    ours = phases.cpu_seconds()
    result, cpu = with_cpu(server, work)
    return result, {"server_cpu_seconds": cpu, "loadgen_cpu_seconds": phases.cpu_seconds() - ours}


def register_only(
    server: ServerProcess, plan: Plan, lobby: str | None, say: Say, spy: PhaseProfiler
) -> dict[str, Any]:
    """Only the registration phase and RSS after it (for the comparison run without a lobby)."""
    swarm = Swarm(server.address)
    swarm.lobby = lobby.lower().encode() if lobby else None
    try:
        start_mb = server.rss_bytes() / 2**20
        out = _register(server, swarm, plan, say, spy, "register_no_lobby")
        out.update(_idle_rss(server, swarm, plan, start_mb, say))
        return out
    finally:
        swarm.close_all()


def bench_server(
    server: ServerProcess, plan: Plan, lobby: str | None, say: Say, spy: PhaseProfiler
) -> dict[str, Any]:
    """Every phase against one server. lobby: the channel the server auto-joins clients to."""
    swarm = Swarm(server.address)
    swarm.lobby = lobby.lower().encode() if lobby else None
    try:
        out = _crowd(server, swarm, plan, lobby, say, spy)
        channel = lobby or CHANNEL
        members = swarm.bots[: plan.members]
        out.update(_chat(server, swarm, members, channel, plan, say, spy))
        out["shrink_few"], out["all_senders"] = _all_senders(
            server, swarm, members, channel, plan, say, spy)
        out["lost_total"], out["duplicates_total"] = _losses(out)
        return out
    finally:
        swarm.close_all()


def _crowd(
    server: ServerProcess, swarm: Swarm, plan: Plan, lobby: str | None, say: Say,
    spy: PhaseProfiler,
) -> dict[str, Any]:
    """Everyone registers and gets into one channel; RSS; the QUIT burst; latency in a big
    channel; then down to plan.members."""
    start_mb = server.rss_bytes() / 2**20
    out: dict[str, Any] = {"register": _register(server, swarm, plan, say, spy, "register")}
    out.update(_idle_rss(server, swarm, plan, start_mb, say))
    everyone = list(swarm.bots)
    channel = lobby or CHANNEL
    if lobby is None:
        with spy.phase("join_all"):
            out["join_all"] = _join_all(server, swarm, everyone, channel, say)
        swarm.run_for(plan.idle_seconds)  # the JOIN broadcasts' tail, before the QUIT burst
    stay = everyone[: plan.clients - plan.quitters]
    with spy.phase("quit_burst"):
        out["quit_burst"] = _quits(server, swarm, everyone[len(stay):], stay, say, "QUIT burst",
                                   plan.idle_seconds)
    with spy.phase("wide_latency"):
        out["wide_latency"] = _fixed_rate(server, swarm, stay, channel, plan.wide_rate,
                                          plan.latency_seconds, plan.senders, say)
    out["shrink"] = _quits(server, swarm, stay[plan.members:], stay[: plan.members], say,
                           "down to the chat members", plan.idle_seconds)
    return out


def _idle_rss(
    server: ServerProcess, swarm: Swarm, plan: Plan, start_mb: float, say: Say
) -> dict[str, Any]:
    """RSS once the registered clients have been idle for plan.idle_seconds."""
    swarm.run_for(plan.idle_seconds)
    idle_mb = server.rss_bytes() / 2**20
    per_client = (idle_mb - start_mb) * 1024 / plan.clients
    say(f"RSS with {plan.clients} idle clients: {idle_mb:.1f} MB, {per_client:.1f} KiB per client")
    return {"rss_start_mb": start_mb, "rss_idle_mb": idle_mb, "threads_idle": server.threads(),
            "rss_per_client_kib": per_client}


def _register(
    server: ServerProcess, swarm: Swarm, plan: Plan, say: Say, spy: PhaseProfiler, name: str
) -> dict[str, Any]:
    overflows = listen_overflows()
    with spy.phase(name):
        reg, cpus = with_both_cpus(server, lambda: phases.register(
            swarm, plan.clients, "c", plan.concurrency, timeout=REGISTER_TIMEOUT))
    out = {"clients": reg.clients, "concurrency": plan.concurrency, "seconds": reg.seconds,
           **cpus, "lobby": swarm.lobby is not None,
           "listen_overflows": listen_overflows() - overflows}
    where = "registered and landed in the lobby" if swarm.lobby else "registered (no lobby)"
    say(f"{plan.clients} clients {where} in {reg.seconds:.2f} s, {plan.concurrency} in flight; "
        f"{_cpus(cpus)}; {out['listen_overflows']} listen queue overflows meanwhile")
    return out


def _join_all(
    server: ServerProcess, swarm: Swarm, bots: list[Bot], channel: str, say: Say
) -> dict[str, Any]:
    start = time.perf_counter()
    _, cpus = with_both_cpus(
        server, lambda: phases.join(swarm, bots, channel, JOIN_TIMEOUT, settle=0))
    seconds = time.perf_counter() - start
    say(f"{len(bots)} clients joined {channel} in {seconds:.2f} s, {_cpus(cpus)}")
    return {"seconds": seconds, **cpus}


def _quits(
    server: ServerProcess, swarm: Swarm, quitters: list[Bot], stayers: list[Bot], say: Say,
    what: str, settle: float,
) -> dict[str, Any]:
    """The QUIT burst; its CPU runs on for `settle` quiet seconds after the last QUIT, to take in
    the server's clean-up after its clients left (and so that the next phase starts clean)."""

    def burst() -> QuitResult:
        result = quit_burst(swarm, quitters, stayers, QUIT_TIMEOUT)
        swarm.run_for(settle)
        return result

    result, cpus = with_both_cpus(server, burst)
    say(f"{what}: {result.quitters} of {result.quitters + result.stayers} quit at once; "
        f"{result.seen} of {result.expected} QUITs reached the others in {result.seconds:.2f} s; "
        f"to {settle:g} s later: {_cpus(cpus)}")
    return {**asdict(result), "missing": result.missing, **cpus}


def _cpus(cpus: dict[str, float]) -> str:
    return (f"server CPU {cpus['server_cpu_seconds']:.2f} s, load generator CPU "
            f"{cpus['loadgen_cpu_seconds']:.2f} s")


def _chat(
    server: ServerProcess, swarm: Swarm, members: list[Bot], channel: str, plan: Plan,
    say: Say, spy: PhaseProfiler,
) -> dict[str, Any]:
    """Closed loop at each window, a fixed rate (CPU per line and latency), a stalled reader."""
    out: dict[str, Any] = {}
    senders = members[: plan.senders]
    for window in plan.windows:
        with spy.phase(f"closed_loop_w{window}"):
            out[f"closed_loop_w{window}"] = _closed_loop(
                server, swarm, senders, members, channel, window, plan.throughput_seconds, say)
    with spy.phase("fixed_rate"):
        out["latency"] = _fixed_rate(server, swarm, members, channel, plan.rate,
                                     plan.latency_seconds, plan.senders, say)
    with spy.phase("stall"):
        out["stall"] = _stall(server, swarm, senders, members, channel, plan, say)
    return out


def _all_senders(
    server: ServerProcess, swarm: Swarm, members: list[Bot], channel: str, plan: Plan,
    say: Say, spy: PhaseProfiler,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Down to plan.all_senders members (the stalled reader goes first), each of them sending:
    (the QUITs on the way down, the closed loop)."""
    victim, few = members[-1], members[: plan.all_senders]
    swarm.close(victim)
    shrink = _quits(server, swarm, members[plan.all_senders:-1], few, say,
                    "down to the all-senders", plan.idle_seconds)
    with spy.phase("all_senders"):
        return shrink, _closed_loop(server, swarm, few, few, channel, plan.windows[-1],
                                    plan.throughput_seconds, say)


def _closed_loop(
    server: ServerProcess, swarm: Swarm, senders: list[Bot], members: list[Bot], channel: str,
    window: int, seconds: float, say: Say,
) -> dict[str, Any]:
    result, cpu = with_cpu(server, lambda: phases.closed_loop(
        swarm, senders, members, channel, window, seconds=seconds))
    figures = delivery_figures(result, cpu)
    say(f"{len(members)} members x {len(senders)} senders, closed loop, window {window}: "
        f"{figures['messages_per_second']:.0f} msg/s, {figures['deliveries_per_second']:.0f} "
        f"deliveries/s, lost {figures['lost']}, server CPU "
        f"{_us(figures['server_cpu_us_per_delivery'])} us/delivery "
        f"({figures['server_cpu_share']:.0%}), load generator CPU "
        f"{figures['loadgen_cpu_share']:.0%}")
    return figures


def _fixed_rate(
    server: ServerProcess, swarm: Swarm, members: list[Bot], channel: str, rate: float,
    seconds: float, senders: int, say: Say,
) -> dict[str, Any]:
    result, cpu = with_cpu(server, lambda: phases.fixed_rate(
        swarm, members[:senders], members, channel, rate, seconds))
    figures = delivery_figures(result, cpu)
    say(f"{len(members)} members, {rate:.0f} msg/s: p50 {figures['p50_ms']:.2f} ms, p99 "
        f"{figures['p99_ms']:.2f} ms, lost {figures['lost']}, server CPU "
        f"{_us(figures['server_cpu_us_per_delivery'])} us/delivery")
    return figures


def _us(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def delivery_figures(result: phases.DeliveryResult, server_cpu: float | None) -> dict[str, Any]:
    figures = {
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
    if server_cpu is not None:
        figures["server_cpu_seconds"] = server_cpu
        figures["server_cpu_share"] = server_cpu / result.seconds if result.seconds else None
        figures["server_cpu_us_per_delivery"] = (
            server_cpu / result.delivered * 1e6 if result.delivered else None)
        figures["server_cpu_us_per_message"] = (
            server_cpu / result.sent * 1e6 if result.sent else None)
    return figures


def _stall(
    server: ServerProcess, swarm: Swarm, senders: list[Bot], members: list[Bot], channel: str,
    plan: Plan, say: Say,
) -> dict[str, Any]:
    port = server.address[1]
    result = phases.stalled_reader(
        swarm, senders, members, channel, plan.stall_rate, plan.stall_seconds, STALL_PADDING,
        kernel_bytes=lambda bot: kernel_bytes(bot.sock, port),
    )
    victim = members[-1]
    data = asdict(result)
    data["others"] = delivery_figures(result.others, None)
    line_bytes = result.victim_bytes / result.reached_victim if result.reached_victim else 0
    unsent = result.sent_while_stalled - result.reached_victim
    # What the server held in its own memory when it gave up: messages it had accepted for the
    # victim that never reached the victim's socket, at the size the victim saw them.
    queued = int(unsent * line_bytes) if result.dropped else None
    data["server_queue_estimate_bytes"] = queued
    data["server_queue_estimate_mb"] = None if queued is None else queued / 2**20
    data["victim_missed"] = unsent
    data["server_log"] = server.log_tail(f"{victim.nick}!")
    say(f"stalled reader: dropped={result.dropped} after "
        f"{_us(result.seconds_to_drop)} s, max kernel queue {result.max_kernel_bytes} B, "
        f"{result.error_line!r}")
    return data


def _losses(out: dict[str, Any]) -> tuple[int, int]:
    """Deliveries that never came and duplicates, over every phase (QUITs included)."""
    lost = duplicates = 0
    for figures in out.values():
        if not isinstance(figures, dict):
            continue
        for part in (figures, figures.get("others")):
            if isinstance(part, dict):
                lost += part.get("lost", 0) + part.get("missing", 0)
                duplicates += part.get("duplicates", 0)
    return lost, duplicates
