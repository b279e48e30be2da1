"""`python -m bench.memtrace`: the server under tracemalloc, and what grew between two snapshots.

`python -m bench.memtrace run DIR [server args]` runs `python -m server` with tracemalloc on and
writes a snapshot to DIR every 10 s (snap-000.tm, snap-001.tm, ...), with a line in
DIR/stats.txt of what tracemalloc cannot see: glibc malloc (in use, free, mmapped, arenas) and
SQLite's own allocator (bench.allocstats); `bench.soak --tracemalloc DIR` starts the server this
way. `python -m bench.memtrace compare OLD NEW` prints the lines whose allocations grew most from
OLD to NEW, and the totals. Not run in CI (tracemalloc makes the server several times slower).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import tracemalloc
from pathlib import Path

from bench import allocstats

FRAMES = 8  # call frames kept per allocation: enough to see who called the allocator
EVERY_SECONDS = 10.0
TOP = 25


def snapshot_forever(directory: Path, every: float, stop: threading.Event) -> None:
    """Write a snapshot (when tracing) and a stats line to directory every `every` seconds
    until stop is set."""
    count = 0
    started = time.monotonic()
    while not stop.wait(every):
        path = directory / f"snap-{count:03d}.tm"
        line = f"{path.name} {time.monotonic() - started:6.0f} s: "
        if tracemalloc.is_tracing():
            tracemalloc.take_snapshot().dump(str(path))
            line += f"traced {tracemalloc.get_traced_memory()[0] / 2**20:.1f} MB, "
        with open(directory / "stats.txt", "a") as stats:
            print(line + allocstats.summary(directory / "malloc-info.xml"), file=stats)
        count += 1


def run(directory: Path, server_args: list[str], trace: bool = True,
        every: float = EVERY_SECONDS) -> int:
    from server.mallocenv import reexecute_tuned

    reexecute_tuned(["run"])  # as `python -m server` runs (before the server's imports): the
    from server.__main__ import main as server_main  # per-thread malloc caches off

    directory.mkdir(parents=True, exist_ok=True)
    if trace:
        tracemalloc.start(FRAMES)
    stop = threading.Event()
    thread = threading.Thread(target=snapshot_forever, args=(directory, every, stop),
                              name="memtrace", daemon=True)
    thread.start()
    try:
        return server_main(server_args)
    finally:
        stop.set()


def compare(old_path: Path, new_path: Path, key: str, top: int) -> str:
    """The allocations that grew most from one snapshot to the other, as text."""
    ignore = [tracemalloc.Filter(False, tracemalloc.__file__)]
    old = tracemalloc.Snapshot.load(str(old_path)).filter_traces(ignore)
    new = tracemalloc.Snapshot.load(str(new_path)).filter_traces(ignore)
    lines = [f"{old_path.name} -> {new_path.name}: {sum_mb(old):.2f} -> {sum_mb(new):.2f} MB "
             "traced"]
    for stat in new.compare_to(old, key)[:top]:
        lines.append(f"{stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks "
                     f"(now {stat.size / 1024:.1f} KiB)")
        lines.extend(f"      {frame}" for frame in stat.traceback.format()[-2 * FRAMES:])
    return "\n".join(lines)


def sum_mb(snapshot: tracemalloc.Snapshot) -> float:
    return sum(stat.size for stat in snapshot.statistics("filename")) / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memtrace", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    running = commands.add_parser("run", help="the server under tracemalloc")
    running.add_argument("--stats-only", action="store_true",
                         help="no tracemalloc (it changes what is allocated): stats.txt only")
    running.add_argument("directory", type=Path)
    running.add_argument("server_args", nargs=argparse.REMAINDER)
    comparing = commands.add_parser("compare", help="what grew between two snapshots")
    comparing.add_argument("old", type=Path)
    comparing.add_argument("new", type=Path)
    comparing.add_argument("--by", choices=("lineno", "traceback", "filename"),
                           default="lineno")
    comparing.add_argument("--top", type=int, default=TOP)
    args = parser.parse_args(argv)
    if args.command == "run":
        return run(args.directory, args.server_args, trace=not args.stats_only)
    print(compare(args.old, args.new, args.by, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
