"""The rows of issue 12's table, for a given plan: which figure, its unit, and its target."""

from __future__ import annotations

from bench.plan import Plan
from bench.targets import ABSOLUTE, KEEP, TIMES_NGIRCD, Row, Target

# main's figures in this harness before issue 12's work (/tmp/s17/before.txt, 2 CPUs)
MAIN_STALL_SECONDS = 10.06
MAIN_STALL_QUEUE_MB = 0.25
# The cut comes once the kernel's socket buffers (autotuned: 0.4-1 MB seen) and then the
# server's 256 KiB SendQ are full, so its time varies with the kernel's part: 7-15 s seen.
STALL_SECONDS_SLACK = 1.5
# The queue is an estimate (messages sent until the victim's QUIT is seen, less those it read):
# it counts the ones still on their way in when the server cut, more on a busy machine.
STALL_QUEUE_SLACK = 1.25


def issue_rows(plan: Plan) -> list[Row]:
    """The plan's sizes go into the labels."""
    per_line = "server CPU per delivered line (us)"
    wide = plan.clients - plan.quitters
    window = plan.windows[-1]
    return [
        Row(f"{plan.clients} clients register, {plan.concurrency} in flight, and land in the "
            "lobby (s; ngircd: no lobby)", ("register", "seconds"), "{:.2f}",
            Target(ABSOLUTE, 1.0)),
        Row("  the same, LocalChat with --channel '' (no lobby) (s)",
            ("register_no_lobby", "seconds"), "{:.2f}", ngircd_path=("register", "seconds")),
        # ngircd listens with a short queue: past it a connection waits for its SYN to be sent
        # again (a second or more), most of ngircd's figure above (bench.storm --concurrency)
        Row("  listen queue overflows during the first row's registrations",
            ("register", "listen_overflows"), "{}"),
        Row("  join storm: server CPU for that first row (s)",
            ("register", "server_cpu_seconds"), "{:.2f}"),
        Row("  server CPU for the registrations without a lobby (s)",
            ("register_no_lobby", "server_cpu_seconds"), "{:.2f}",
            ngircd_path=("register", "server_cpu_seconds")),
        Row("RSS per idle client after those registrations (KiB)", ("rss_per_client_kib",),
            "{:.1f}", Target(ABSOLUTE, 20.0)),
        Row("  the same, LocalChat with --channel '' (no lobby) (KiB)",
            ("register_no_lobby", "rss_per_client_kib"), "{:.1f}",
            ngircd_path=("rss_per_client_kib",)),
        Row(f"{per_line}, {plan.members} x {plan.senders} closed loop, window {window}",
            (f"closed_loop_w{window}", "server_cpu_us_per_delivery"), "{:.2f}",
            Target(TIMES_NGIRCD, 1.5, issue="0.5 = 0.33 x 1.5")),
        *[Row(f"  the same, window {w}", (f"closed_loop_w{w}", "server_cpu_us_per_delivery"),
              "{:.2f}") for w in plan.windows[:-1]],
        Row(f"  the same, {plan.all_senders} clients x {plan.all_senders} senders",
            ("all_senders", "server_cpu_us_per_delivery"), "{:.2f}",
            Target(TIMES_NGIRCD, 3.3, issue="1.0 = 0.30 x 3.3")),
        Row(f"  the same, trickle: {plan.rate:.0f} msg/s to {plan.members} clients",
            ("latency", "server_cpu_us_per_delivery"), "{:.2f}",
            Target(TIMES_NGIRCD, 1.1, issue="3.0 = 2.7 x 1.1")),
        Row(f"p99 latency, {wide} clients, {plan.wide_rate:.0f} msg/s (ms)",
            ("wide_latency", "p99_ms"), "{:.1f}", Target(TIMES_NGIRCD, 1.0)),
        Row(f"p99 latency, {plan.members} clients, {plan.rate:.0f} msg/s (ms)",
            ("latency", "p99_ms"), "{:.1f}", Target(ABSOLUTE, 3.0)),
        Row("stopped reader: cut after (s)", ("stall", "seconds_to_drop"), "{:.2f}",
            Target(KEEP, MAIN_STALL_SECONDS, STALL_SECONDS_SLACK)),
        Row("stopped reader: queued in the server when cut (MB)",
            ("stall", "server_queue_estimate_mb"), "{:.2f}",
            Target(KEEP, MAIN_STALL_QUEUE_MB, STALL_QUEUE_SLACK)),
        Row(f"QUIT burst: {plan.quitters} of {plan.clients} channel members close at once, "
            "until every QUIT reached the rest (s)", ("quit_burst", "seconds"), "{:.2f}"),
        Row(f"  QUIT burst: server CPU, to {plan.idle_seconds:g} s after the last QUIT (s)",
            ("quit_burst", "server_cpu_seconds"), "{:.2f}"),
        Row("lost messages, all phases (QUITs included)", ("lost_total",), "{}",
            Target(ABSOLUTE, 0)),
        Row("duplicate messages, all phases", ("duplicates_total",), "{}", Target(ABSOLUTE, 0)),
    ]
