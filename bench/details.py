"""The bench's detail table: every figure of every phase for each server, and LocalChat/ngircd."""

from __future__ import annotations

from typing import Any

from bench.targets import lookup, ratio

Rows = list[tuple[str, tuple[str, ...], str]]


def _delivery_rows(name: str, key: tuple[str, ...], cpu: bool = True) -> Rows:
    rows: Rows = [
        (f"{name}: messages/s", (*key, "messages_per_second"), "{:.0f}"),
        (f"{name}: deliveries/s", (*key, "deliveries_per_second"), "{:.0f}"),
        (f"{name}: lost", (*key, "lost"), "{}"),
        (f"{name}: duplicates", (*key, "duplicates"), "{}"),
        (f"{name}: p50 (ms)", (*key, "p50_ms"), "{:.2f}"),
        (f"{name}: p99 (ms)", (*key, "p99_ms"), "{:.2f}"),
        (f"{name}: load gen. CPU share", (*key, "loadgen_cpu_share"), "{:.0%}"),
    ]
    if cpu:
        rows += [
            (f"{name}: server CPU/delivery (us)", (*key, "server_cpu_us_per_delivery"), "{:.2f}"),
            (f"{name}: server CPU share", (*key, "server_cpu_share"), "{:.0%}"),
        ]
    return rows


def _quit_rows(name: str, key: tuple[str, ...]) -> Rows:
    return [
        (f"{name}: quitters", (*key, "quitters"), "{}"),
        (f"{name}: seconds", (*key, "seconds"), "{:.2f}"),
        (f"{name}: QUITs missing", (*key, "missing"), "{}"),
        (f"{name}: server CPU, +idle (s)", (*key, "server_cpu_seconds"), "{:.2f}"),
        (f"{name}: load gen. CPU, +idle (s)", (*key, "loadgen_cpu_seconds"), "{:.2f}"),
    ]


ROWS: Rows = [
    ("register (s)", ("register", "seconds"), "{:.2f}"),
    ("register: in the lobby", ("register", "lobby"), "{}"),
    ("register: server CPU (s)", ("register", "server_cpu_seconds"), "{:.2f}"),
    ("register: load gen. CPU (s)", ("register", "loadgen_cpu_seconds"), "{:.2f}"),
    ("register: listen queue overflows", ("register", "listen_overflows"), "{}"),
    ("register, no lobby (s)", ("register_no_lobby", "seconds"), "{:.2f}"),
    ("register, no lobby: server CPU (s)", ("register_no_lobby", "server_cpu_seconds"),
     "{:.2f}"),
    ("register, no lobby: RSS per client (KiB)", ("register_no_lobby", "rss_per_client_kib"),
     "{:.1f}"),
    ("RSS at start (MB)", ("rss_start_mb",), "{:.1f}"),
    ("RSS, clients idle (MB)", ("rss_idle_mb",), "{:.1f}"),
    ("RSS per client (KiB)", ("rss_per_client_kib",), "{:.1f}"),
    ("threads, clients idle", ("threads_idle",), "{}"),
    ("everyone JOINs one channel (s)", ("join_all", "seconds"), "{:.2f}"),
    ("everyone JOINs: server CPU (s)", ("join_all", "server_cpu_seconds"), "{:.2f}"),
    ("everyone JOINs: load gen. CPU (s)", ("join_all", "loadgen_cpu_seconds"), "{:.2f}"),
    *_quit_rows("QUIT burst", ("quit_burst",)),
    *_delivery_rows("big channel", ("wide_latency",)),
    *_quit_rows("down to members", ("shrink",)),
    *_delivery_rows("w=4", ("closed_loop_w4",)),
    *_delivery_rows("w=32", ("closed_loop_w32",)),
    *_delivery_rows("fixed rate", ("latency",)),
    ("stall: reader dropped", ("stall", "dropped"), "{}"),
    ("stall: seconds to drop", ("stall", "seconds_to_drop"), "{:.2f}"),
    ("stall: messages reader missed", ("stall", "victim_missed"), "{}"),
    ("stall: max kernel queue (KB)", ("stall", "max_kernel_bytes"), "{:.0f}"),
    ("stall: server queue est. (KB)", ("stall", "server_queue_estimate_bytes"), "{:.0f}"),
    *_delivery_rows("stall: others", ("stall", "others"), cpu=False),
    *_quit_rows("down to all-senders", ("shrink_few",)),
    *_delivery_rows("all send", ("all_senders",)),
    ("lost, all phases", ("lost_total",), "{}"),
    ("duplicates, all phases", ("duplicates_total",), "{}"),
]
KB_ROWS = {"stall: max kernel queue (KB)", "stall: server queue est. (KB)"}


def _cell(value: Any, fmt: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    return fmt.format(value)


def format_table(results: dict[str, dict[str, Any]]) -> str:
    """One row per figure, one column per server, and LocalChat/ngircd when both ran."""
    names = list(results)
    both = names == ["localchat", "ngircd"]
    header = ["", *names] + (["LocalChat/ngircd"] if both else [])
    lines = [header]
    for label, path, fmt in ROWS:
        values = [lookup(results[name], path) for name in names]
        if label in KB_ROWS:
            values = [v / 1024 if isinstance(v, (int, float)) else v for v in values]
        row = [label, *(_cell(v, fmt) for v in values)]
        if both:
            quotient = ratio(*values)
            row.append("-" if quotient is None else f"{quotient:.2f}")
        lines.append(row)
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                  enumerate(zip(row, widths)))
        for row in lines
    )
