"""`python -m bench.soak`: hundreds of clients against a `python -m server` subprocess for minutes.

Well-behaved clients chat at a steady pace and must lose nothing (every delivery is counted
exactly); churners vanish abruptly (close or RST) and reconnect; flooders flood until the server
drops them with `ERROR :Excess Flood`, then reconnect. Prints messages sent and received, errors,
and the server's thread count and RSS at the start, under load and at the end. Not run in CI.
"""

from __future__ import annotations

import argparse
import errno
import os
import random
import re
import selectors
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHANNEL = b"#soak"
GOOD, CHURN, FLOOD = "good", "churn", "flood"
FLOOD_LINES = 600  # sent at once: past the server's backlog of waiting commands


@dataclass
class Peer:
    """One client connection and what it has seen."""

    index: int
    role: str
    nick: str
    sock: socket.socket
    outbuf: bytearray = field(default_factory=bytearray)
    inbuf: bytes = b""
    joined: bool = False
    connected: bool = False
    seq: int = 0
    next_send: float = 0.0
    leave_at: float = 0.0
    last_seen: dict[int, int] = field(default_factory=dict)  # good sender -> last seq
    closed: bool = False


@dataclass
class Figures:
    sent: int = 0  # by well-behaved clients
    received: int = 0  # their messages, as received by the other well-behaved clients
    duplicates_or_reordered: int = 0
    other_sent: int = 0  # by churners (not counted exactly: their receivers come and go)
    churn_reconnects: int = 0
    floods: int = 0
    excess_flood_errors: int = 0
    errors: list[str] = field(default_factory=list)


class Soak:
    """All the clients on one selector, in this one thread."""

    def __init__(self, address: tuple[str, int], args: argparse.Namespace) -> None:
        self.address = address
        self.args = args
        self.selector = selectors.DefaultSelector()
        self.peers: list[Peer] = []
        self.figures = Figures()
        self.random = random.Random(args.seed)
        self.generation = 0
        self.chatting = False
        self.good = 0

    def open(self, index: int, role: str) -> Peer:
        self.generation += 1
        nick = f"{role[0]}{index}g{self.generation}"
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        code = sock.connect_ex(self.address)
        if code not in (0, errno.EINPROGRESS):
            sock.close()
            raise RuntimeError(f"connect failed: {errno.errorcode.get(code, code)}")
        peer = Peer(index, role, nick, sock)
        peer.outbuf += f"NICK {nick}\r\nUSER {nick} 0 * :soak\r\n".encode()
        self.selector.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE, peer)
        return peer

    def close(self, peer: Peer, abrupt: bool = False) -> None:
        if peer.closed:
            return
        peer.closed = True
        self.selector.unregister(peer.sock)
        if abrupt:  # RST instead of FIN: the server sees "Connection reset by peer"
            peer.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        peer.sock.close()

    def send(self, peer: Peer, data: bytes) -> None:
        peer.outbuf += data
        self.flush(peer)

    def flush(self, peer: Peer) -> None:
        if peer.closed or not peer.outbuf:
            return
        try:
            sent = peer.sock.send(peer.outbuf)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as error:
            self.lost(peer, f"send failed: {error}")
            return
        del peer.outbuf[:sent]

    def lost(self, peer: Peer, why: str) -> None:
        if peer.role == GOOD:
            self.figures.errors.append(f"{peer.nick}: {why}")
        self.close(peer)
        if peer.role != GOOD:
            self.replace(peer)

    def replace(self, peer: Peer) -> None:
        """A churner or flooder comes back as a new client."""
        new = self.open(peer.index, peer.role)
        self.peers[peer.index] = new
        if peer.role == CHURN:
            self.figures.churn_reconnects += 1

    def poll(self, timeout: float) -> None:
        for key, events in self.selector.select(timeout):
            peer: Peer = key.data
            if events & selectors.EVENT_WRITE:
                peer.connected = True
                self.flush(peer)
            if events & selectors.EVENT_READ and not peer.closed:
                self.read(peer)
        for peer in list(self.peers):
            if not peer.closed:
                wanted = selectors.EVENT_READ | (selectors.EVENT_WRITE if peer.outbuf else 0)
                self.selector.modify(peer.sock, wanted, peer)

    def read(self, peer: Peer) -> None:
        try:
            data = peer.sock.recv(262144)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as error:
            data = b""
            why = f"recv failed: {error}"
        else:
            why = "closed by the server"
        if not data:
            self.lost(peer, why)
            return
        lines = (peer.inbuf + data).split(b"\r\n")
        peer.inbuf = lines.pop()
        for line in lines:
            self.on_line(peer, line)
            if peer.closed:
                return

    def on_line(self, peer: Peer, line: bytes) -> None:
        if line.startswith(b"PING "):
            self.send(peer, b"PONG " + line[5:] + b"\r\n")
        elif b" PRIVMSG #soak :s " in line:
            sender, seq = map(int, line.rsplit(b" :s ", 1)[1].split())
            if peer.role == GOOD and sender >= 0:  # (churners send as -1: not counted)
                if seq > peer.last_seen.get(sender, 0):
                    peer.last_seen[sender] = seq
                    self.figures.received += 1
                else:
                    self.figures.duplicates_or_reordered += 1
        elif line.startswith(b"ERROR "):
            if b"Excess Flood" in line and peer.role == FLOOD:
                self.figures.excess_flood_errors += 1
            elif peer.role == GOOD:
                self.figures.errors.append(f"{peer.nick}: {line.decode(errors='replace')}")
        elif b" 366 " in line and CHANNEL in line:
            peer.joined = True
            self.on_joined(peer)

    def on_joined(self, peer: Peer) -> None:
        now = time.monotonic()
        if peer.role == GOOD:
            self.good += 1
            peer.next_send = now + self.random.uniform(0, self.args.interval)
        elif peer.role == CHURN:
            peer.leave_at = now + self.random.uniform(2, 8)
            peer.next_send = now + self.random.uniform(0, self.args.interval)
        elif peer.role == FLOOD:
            peer.leave_at = now + self.random.uniform(3, 10)  # flood then

    def tick(self, now: float) -> None:
        """Scheduled actions: chat, leave abruptly, flood."""
        for peer in list(self.peers):
            if peer.closed or not peer.joined or not self.chatting:
                continue
            if peer.role in (GOOD, CHURN) and now >= peer.next_send:
                peer.seq += 1
                peer.next_send = now + self.args.interval
                tag = peer.index if peer.role == GOOD else -1
                self.send(peer, b"PRIVMSG #soak :s %d %d\r\n" % (tag, peer.seq))
                if peer.role == GOOD:
                    self.figures.sent += 1
                else:
                    self.figures.other_sent += 1
            if peer.role == CHURN and now >= peer.leave_at:
                self.close(peer, abrupt=self.random.random() < 0.5)
                self.replace(peer)
            elif peer.role == FLOOD and peer.leave_at and now >= peer.leave_at:
                peer.leave_at = 0.0
                self.figures.floods += 1
                self.send(peer, b"PRIVMSG #soak :flood\r\n" * FLOOD_LINES)

    def run_for(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (now := time.monotonic()) < end:
            self.poll(min(0.05, end - now))
            self.tick(time.monotonic())

    def run_until(self, done, seconds: float) -> bool:
        end = time.monotonic() + seconds
        while not done() and (now := time.monotonic()) < end:
            self.poll(min(0.05, end - now))
        return bool(done())

    def close_all(self) -> None:
        for peer in self.peers:
            self.close(peer)
        self.selector.close()


def roles(count: int) -> list[str]:
    floods = max(1, count * 3 // 100)
    churns = max(1, count // 10)
    return [FLOOD] * floods + [CHURN] * churns + [GOOD] * (count - floods - churns)


def proc_figures(pid: int) -> tuple[int, float]:
    """(threads, RSS in MB) of a process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status_field(status, "Threads")), int(status_field(status, "VmRSS")) / 1024


def rss_parts(pid: int) -> str:
    """RSS split into anonymous memory (the heap: Python objects, malloc arenas, SQLite's page
    cache) and file pages (libraries, SQLite's mapped -shm), from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    anon, file = (int(status_field(status, name)) / 1024 for name in ("RssAnon", "RssFile"))
    return f"anon {anon:.1f} MB, file {file:.1f} MB"


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def status_field(status: str, name: str) -> str:
    """The number after 'name:' in a /proc status text."""
    found = re.search(rf"^{name}:\s+(\d+)", status, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"/proc status has no {name} line")
    return found.group(1)


def start_server(log_path: Path, args: argparse.Namespace) -> tuple[subprocess.Popen, int]:
    """The server, with its data (history) in the soak's temporary directory; with
    --tracemalloc or --allocstats, under bench.memtrace, writing its figures there."""
    log_file = open(log_path, "w")  # a file, not a pipe: a full pipe would stall the server
    program = ["-m", "server"]
    if args.tracemalloc is not None:
        program = ["-m", "bench.memtrace", "run", str(args.tracemalloc)]
    elif args.allocstats is not None:
        program = ["-m", "bench.memtrace", "run", "--stats-only", str(args.allocstats)]
    proc = subprocess.Popen(
        [sys.executable, *program, "--host", "127.0.0.1", "--port", "0",
         "--channel", "#soak", "--no-exempt-loopback", "--max-per-ip", "0", "--max-clients", "0",
         "--data-dir", str(log_path.parent)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
        stderr=log_file,
    )
    log_file.close()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if match := re.search(r"listening on 127\.0\.0\.1:(\d+)", log_path.read_text()):
            return proc, int(match.group(1))
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    proc.wait(5)
    raise RuntimeError(f"the server did not start; see {log_path}")


def say(text: str) -> None:
    print(text, flush=True)


def sample(proc: subprocess.Popen, label: str, extra: str = "") -> tuple[int, float]:
    """Print one line of the server's figures now; returns (threads, RSS MB)."""
    threads, rss = proc_figures(proc.pid)
    say(f"{label}: {extra}threads {threads}, RSS {rss:.1f} MB ({rss_parts(proc.pid)})")
    return threads, rss


def idle(proc: subprocess.Popen, threads0: int, minutes: float) -> tuple[int, float]:
    """After every client left: wait for the reader threads to end, then watch the server
    idle for minutes, a line every 10 s; returns its figures at the end."""
    deadline = time.monotonic() + 15
    while proc_figures(proc.pid)[0] > threads0 and time.monotonic() < deadline:
        time.sleep(0.1)
    figures = sample(proc, "    0 s idle")
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < minutes * 60:
        time.sleep(min(10.0, minutes * 60 - elapsed))
        figures = sample(proc, f"{time.monotonic() - started:5.0f} s idle")
    return figures


def connect_all(swarm: Soak, count: int) -> int:
    """Open every client and wait until the well-behaved ones joined; returns their number."""
    for index, role in enumerate(roles(count)):
        swarm.peers.append(swarm.open(index, role))
        if index % 50 == 49:
            swarm.run_for(0.05)
    good_total = sum(1 for p in swarm.peers if p.role == GOOD)
    if not swarm.run_until(lambda: swarm.good >= good_total, 120):
        say(f"only {swarm.good} of {good_total} well-behaved clients joined in time")
    say(f"{len(swarm.peers)} clients connected ({good_total} well-behaved)")
    return good_total


def chat(swarm: Soak, proc: subprocess.Popen, minutes: float) -> tuple[int, float]:
    """The steady load for minutes, a line every 10 s; returns the peak (threads, RSS MB)."""
    swarm.chatting = True
    started = time.monotonic()
    peak_threads, peak_rss = proc_figures(proc.pid)
    while (elapsed := time.monotonic() - started) < minutes * 60:
        swarm.run_for(min(10.0, minutes * 60 - elapsed))
        f = swarm.figures
        threads, rss = sample(proc, f"{time.monotonic() - started:5.0f} s",
                              f"sent {f.sent}, received {f.received}, ")
        peak_threads, peak_rss = max(peak_threads, threads), max(peak_rss, rss)
    swarm.chatting = False
    return peak_threads, peak_rss


def soak(args: argparse.Namespace) -> int:
    log_path = Path(tempfile.mkdtemp(prefix="soak-")) / "server.log"
    proc, port = start_server(log_path, args)
    try:
        threads0, rss0 = proc_figures(proc.pid)
        say(f"server pid {proc.pid} on port {port}: {threads0} threads, RSS {rss0:.1f} MB")
        swarm = Soak(("127.0.0.1", port), args)
        good_total = connect_all(swarm, args.clients)
        peak_threads, peak_rss = chat(swarm, proc, args.minutes)
        f = swarm.figures
        expected = f.sent * (good_total - 1)
        swarm.run_until(lambda: f.received >= expected, 30)
        threads_load, rss_load = proc_figures(proc.pid)
        cpu = cpu_seconds(proc.pid)
        swarm.close_all()
        threads1, rss1 = idle(proc, threads0, args.idle_minutes)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait(5)
    lost = expected - f.received
    say(f"\n--- soak: {args.clients} clients for {args.minutes:g} min ---")
    say(f"well-behaved: {good_total} clients, {f.sent} messages sent, {expected} deliveries "
        f"expected, {f.received} received, {lost} lost, "
        f"{f.duplicates_or_reordered} duplicated or out of order")
    say(f"churners: {f.churn_reconnects} abrupt disconnects and reconnects, "
        f"{f.other_sent} messages sent")
    say(f"flooders: {f.floods} floods, {f.excess_flood_errors} dropped with ERROR :Excess Flood")
    say(f"errors seen by well-behaved clients: {len(f.errors)} {f.errors[:5]}")
    say(f"server threads: {threads0} at start, {peak_threads} at peak, {threads_load} before "
        f"the clients left, {threads1} at the end")
    say(f"server RSS: {rss0:.1f} MB at start, {peak_rss:.1f} MB at peak, {rss_load:.1f} MB "
        f"before the clients left, {rss1:.1f} MB after {args.idle_minutes:g} min idle")
    say(f"server CPU: {cpu:.1f} s (user + system) until the clients left")
    say(f"server exit status after SIGTERM: {code}; log: {log_path}")
    ok = lost == 0 and not f.errors and f.duplicates_or_reordered == 0 and code == 0
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--interval", type=float, default=5.0,
                        help="seconds between two messages of one chatting client")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--idle-minutes", type=float, default=1.0,
                        help="how long to watch the server after every client left")
    parser.add_argument("--tracemalloc", type=Path, metavar="DIR",
                        help="run the server under tracemalloc, a snapshot in DIR every 10 s "
                             "(compare two: python -m bench.memtrace compare OLD NEW)")
    parser.add_argument("--allocstats", type=Path, metavar="DIR",
                        help="the C allocators' figures (malloc, SQLite) in DIR/stats.txt every "
                             "10 s, without tracemalloc")
    return soak(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
