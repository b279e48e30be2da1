"""`python -m bench.idlemem`: where an idle registered client's bytes go in `python -m server`.

Starts the server as `make bench` does, registers N clients (10 at a time), lets them idle and
prints RSS per client, split by /proc/PID/smaps into the reader threads' stacks (anonymous
mappings of the thread stack's size), glibc's thread arenas (64 MiB reservations), the main
heap and the rest; `--env K=V` runs the server with extra environment (e.g. GLIBC_TUNABLES).
Then the floor of one thread per client: RSS per thread of a bare interpreter whose threads (same
stack size, same malloc tunables as the server) only wait on an Event. Not run in CI.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from bench import phases
from bench.loadgen import Swarm
from bench.servers import start_localchat
from server.listener import THREAD_STACK_SIZE
from server.mallocenv import on_glibc, tuned_environ

KIB = 1024
BARE_THREADS = """
import os, sys, threading, time
def rss_kib():
    with open(f"/proc/{os.getpid()}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
threading.stack_size(int(sys.argv[1]) * 1024)
count, stop = int(sys.argv[2]), threading.Event()
time.sleep(0.2)
before = rss_kib()
threads = [threading.Thread(target=stop.wait) for _ in range(count)]
for thread in threads:
    thread.start()
time.sleep(1.0)
print((rss_kib() - before) / count)
stop.set()
"""
ARENA_KIB = 64 * 1024  # a glibc thread arena reserves HEAP_MAX_SIZE (64 MiB on 64-bit)


def mappings(pid: int) -> list[tuple[str, int, int]]:
    """(name, size KiB, Rss KiB) of every mapping in /proc/PID/smaps; an anonymous mapping that
    starts on a 64 MiB boundary is named [arena] (glibc aligns its thread heaps so)."""
    out: list[tuple[str, int, int]] = []
    name, size = "", 0
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if "-" in fields[0] and len(fields) >= 5 and ":" in fields[3]:
            name = fields[5] if len(fields) > 5 else "[anon]"
            start, end = (int(part, 16) for part in fields[0].split("-"))
            size = (end - start) // KIB
            if name == "[anon]" and start % (ARENA_KIB * KIB) == 0:
                name = "[arena]"
        elif fields[0] == "Rss:":
            out.append((name, size, int(fields[1])))
    return out


def classify(name: str, size: int, stack_kib: int) -> str:
    if name != "[anon]":
        return name if name.startswith("[") else "files"
    if stack_kib - 8 <= size <= stack_kib + 8:
        return "thread stacks"
    return f"other anon, {size} KiB maps" if size <= 1024 else "other anon"


def breakdown(pid: int, stack_kib: int) -> dict[str, tuple[int, int]]:
    """Category -> (mappings, Rss KiB)."""
    parts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for name, size, rss in mappings(pid):
        part = parts[classify(name, size, stack_kib)]
        part[0] += 1
        part[1] += rss
    return {key: (count, rss) for key, (count, rss) in parts.items()}


def bare_thread_kib(count: int, stack_kib: int) -> float:
    """RSS per thread of `count` threads that only wait, in a fresh interpreter run with the
    server's malloc tunables (server.mallocenv)."""
    env = tuned_environ(os.environ, on_glibc()) or dict(os.environ)
    out = subprocess.run([sys.executable, "-c", BARE_THREADS, str(stack_kib), str(count)],
                         env=env, capture_output=True, text=True, check=True, timeout=120)
    return float(out.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.idlemem", description=__doc__)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--stack-kib", type=int, default=THREAD_STACK_SIZE // KIB,
                        help="the thread stack size the server uses (to recognise its stacks; "
                             "a stack merged with a neighbouring mapping counts as other anon)")
    parser.add_argument("--env", action="append", default=[], metavar="K=V")
    parser.add_argument("--then", metavar="COMMAND",
                        help="run COMMAND with the server's pid appended while the clients idle")
    args = parser.parse_args(argv)
    for item in args.env:
        key, _, value = item.partition("=")
        os.environ[key] = value
    server = start_localchat(Path(tempfile.mkdtemp(prefix="idlemem-")))
    swarm = Swarm(server.address)
    try:
        swarm.run_for(0.5)
        before, rss0 = breakdown(server.pid, args.stack_kib), server.rss_bytes()
        phases.register(swarm, args.clients, "c", 10, timeout=180)
        swarm.run_for(1.0)
        after, rss1 = breakdown(server.pid, args.stack_kib), server.rss_bytes()
        if args.then:
            subprocess.run([*shlex.split(args.then), str(server.pid)], check=False)
    finally:
        swarm.close_all()
        server.stop()
    per = (rss1 - rss0) / KIB / args.clients
    print(f"RSS {rss0 / 2**20:.1f} -> {rss1 / 2**20:.1f} MB: {per:.1f} KiB per idle client")
    for key in sorted(set(before) | set(after), key=lambda k: -after.get(k, (0, 0))[1]):
        (n0, r0), (n1, r1) = before.get(key, (0, 0)), after.get(key, (0, 0))
        print(f"  {key:24} {n0:5} -> {n1:5} maps, {r0 / KIB:7.1f} -> {r1 / KIB:7.1f} MB, "
              f"{(r1 - r0) / args.clients:6.2f} KiB per client")
    floor = bare_thread_kib(args.clients, args.stack_kib)
    print(f"floor: {floor:.1f} KiB per thread of a bare interpreter whose {args.clients} "
          "threads only wait (one thread per client costs this before any object of ours)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
