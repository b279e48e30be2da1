"""The bench phases, each run on a Swarm: register, join, closed-loop throughput, fixed-rate
latency, and one stalled reader. Each returns a plain result; none knows which server it is on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.loadgen import POLL_CAP, Bot, LoadError, Swarm, Tally

DRAIN_SECONDS = 15.0
PHASE_TIMEOUT = 120.0


@dataclass
class RegisterResult:
    clients: int
    seconds: float


@dataclass
class DeliveryResult:
    """Bench messages sent, and how many deliveries (message x receiver) arrived."""

    sent: int
    delivered: int
    expected: int
    seconds: float  # first send to last delivery
    loadgen_cpu: float  # seconds of this process's CPU during the phase
    latencies_ms: list[float] = field(repr=False, default_factory=list)
    duplicates: int = 0

    @property
    def lost(self) -> int:
        return self.expected - self.delivered

    @property
    def messages_per_second(self) -> float:
        """Sent messages fully accounted for per second (each one reaches every receiver)."""
        fanout = self.expected / self.sent if self.sent else 1
        return self.delivered / fanout / self.seconds if self.seconds > 0 else 0.0

    @property
    def deliveries_per_second(self) -> float:
        return self.delivered / self.seconds if self.seconds > 0 else 0.0

    def percentile_ms(self, fraction: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def cpu_seconds() -> float:
    """CPU time (user + system) this process has used."""
    times = os.times()
    return times.user + times.system


def register(
    swarm: Swarm, count: int, prefix: str, concurrency: int, timeout: float
) -> RegisterResult:
    """Connect and register count clients, at most `concurrency` registrations in progress.
    With swarm.lobby set, a registration is complete (and no longer in progress) only once the
    client has had its end of NAMES for the lobby the server joined it to."""
    start = time.perf_counter()
    deadline = time.monotonic() + timeout

    def done() -> int:
        return swarm.landed if swarm.lobby is not None else swarm.registered

    target = done() + count
    opened = 0
    while done() < target:
        if swarm.failed:
            bot = swarm.failed[0]
            raise LoadError(f"{bot.nick} failed to register: {bot.closed_reason} {bot.errors}")
        in_progress = opened - (done() - (target - count))
        while opened < count and in_progress < concurrency:
            swarm.open(f"{prefix}{opened}")
            opened += 1
            in_progress += 1
        if time.monotonic() > deadline:
            what = "landed in the lobby" if swarm.lobby is not None else "registered"
            raise LoadError(f"{done()} of {target} clients {what} in {timeout} s")
        swarm.poll(POLL_CAP)
    return RegisterResult(count, time.perf_counter() - start)


def join(
    swarm: Swarm, bots: list[Bot], channel: str, timeout: float, settle: float = 0.2
) -> None:
    """Join every bot to channel and wait for each one's end of NAMES."""
    key = channel.lower().encode()
    due = swarm.joined[key] + sum(key not in bot.channels for bot in bots)
    closes = swarm.closes
    for bot in bots:
        swarm.send(bot, f"JOIN {channel}\r\n".encode())
    swarm.run_until(
        lambda: swarm.joined[key] >= due or (swarm.closes != closes and _any_closed(bots)),
        time.monotonic() + timeout,
        f"{len(bots)} clients to join {channel}",
    )
    _check_open(bots, f"joining {channel}")
    # Let the JOIN broadcasts settle so they do not count against the next phase.
    swarm.run_for(settle)


def closed_loop(
    swarm: Swarm,
    senders: list[Bot],
    members: list[Bot],
    channel: str,
    window: int,
    seconds: float | None = None,
    per_sender: int | None = None,
) -> DeliveryResult:
    """Closed loop. Each sender keeps at most `window` messages that its probe has not seen, and
    all senders together at most window x senders messages' worth of deliveries that have not
    reached every member yet. The probe is the last member; when it sends too (every member a
    sender), the first member is the probe of its messages. Only the probes parse the bench
    lines (for acks and latency); the other members just count theirs, so that the load
    generator spends little CPU per delivery."""
    probe, second = members[-1], members[0]
    if probe in senders and (len(members) < 2 or second is probe):
        raise ValueError("a closed loop whose probe sends needs a second member")
    tally = _new_tally(swarm, members, 1, len(members) - 1)
    tally.probe_of = {bot.index: probe.index for bot in senders if bot is not probe}
    tally.probe_of[probe.index] = second.index
    probes = {probe, second} if probe in senders else {probe}
    budget = window * len(senders) * tally.receivers
    stop_at = time.monotonic() + seconds if seconds is not None else None

    def may_send(bot: Bot) -> bool:
        if stop_at is not None and time.monotonic() >= stop_at:
            return False
        return per_sender is None or bot.seq < per_sender

    def top_up() -> None:
        for bot in senders:
            while (
                bot.seq - tally.acked.get(bot.index, 0) < window
                and tally.outstanding < budget
                and may_send(bot)
            ):
                swarm.send_mark(bot, channel)

    swarm.count_pattern = b" PRIVMSG %s :b " % channel.encode()
    for bot in members:
        bot.counting = bot not in probes
    try:
        return _measure(swarm, tally, members, top_up, lambda: not any(map(may_send, senders)))
    finally:
        for bot in members:
            bot.counting = False


def fixed_rate(
    swarm: Swarm,
    senders: list[Bot],
    members: list[Bot],
    channel: str,
    rate: float,
    seconds: float,
    padding: bytes = b"",
    ignore: Bot | None = None,
    stop_early: Callable[[], bool] | None = None,
) -> DeliveryResult:
    """Open loop: send `rate` messages a second, round-robin over senders, for `seconds`."""
    receivers = len(members) - 1 - (1 if ignore is not None else 0)
    tally = _new_tally(swarm, members, receivers, receivers, ignore)
    start = time.monotonic()
    total = int(rate * seconds)
    sent = 0

    def pace() -> None:
        nonlocal sent
        due = min(total, int((time.monotonic() - start) * rate) + 1)
        while sent < due and not (stop_early and stop_early()):
            swarm.send_mark(senders[sent % len(senders)], channel, padding)
            sent += 1

    def finished() -> bool:
        return sent >= total or bool(stop_early and stop_early())

    swarm.tick_interval = min(POLL_CAP, 1.0 / rate)
    try:
        return _measure(swarm, tally, [m for m in members if m is not ignore], pace, finished)
    finally:
        swarm.tick_interval = POLL_CAP


def _new_tally(
    swarm: Swarm, members: list[Bot], fanout: int, receivers: int, ignore: Bot | None = None
) -> Tally:
    for bot in members:
        bot.seq = 0
        bot.forget_marks()
    ignored: frozenset[int] = frozenset() if ignore is None else frozenset({ignore.index})
    swarm.last_count_ns = 0
    swarm.tally = Tally(fanout=fanout, receivers=receivers, ignore_receivers=ignored)
    return swarm.tally


def _measure(
    swarm: Swarm,
    tally: Tally,
    members: list[Bot],
    tick: Callable[[], None],
    sending_done: Callable[[], bool],
) -> DeliveryResult:
    """Send (tick) until sending_done, then wait for the last deliveries; what never comes is
    lost."""
    cpu0, start_ns = cpu_seconds(), time.monotonic_ns()
    give_up = time.monotonic() + PHASE_TIMEOUT
    check_open = _open_check(swarm, members, "the phase")
    swarm.on_tick = tick
    try:
        tick()
        while not sending_done():
            if time.monotonic() > give_up:
                raise LoadError(f"sending did not finish within {PHASE_TIMEOUT} s")
            swarm.poll(swarm.tick_interval)
            check_open()
    finally:
        swarm.on_tick = None
    drain_end = time.monotonic() + DRAIN_SECONDS
    while tally.outstanding > 0 and time.monotonic() < drain_end:
        swarm.poll(POLL_CAP)
        check_open()
    end_ns = max(tally.last_delivery_ns, swarm.last_count_ns) or time.monotonic_ns()
    return DeliveryResult(
        sent=tally.sent,
        delivered=tally.total_delivered,
        expected=tally.sent * tally.receivers,
        seconds=(end_ns - start_ns) / 1e9,
        loadgen_cpu=cpu_seconds() - cpu0,
        latencies_ms=[ns / 1e6 for ns in tally.latencies_ns],
        duplicates=tally.duplicates,
    )


def _any_closed(bots: list[Bot]) -> bool:
    return any(bot.closed for bot in bots)


def _open_check(swarm: Swarm, bots: list[Bot], during: str) -> Callable[[], None]:
    """_check_open(bots, during), but only after some bot of the swarm has closed since the
    last look (it runs on every poll); the first call always looks."""
    seen = -1

    def check() -> None:
        nonlocal seen
        if swarm.closes != seen:
            seen = swarm.closes
            _check_open(bots, during)

    return check


def _check_open(bots: list[Bot], during: str) -> None:
    for bot in bots:
        if bot.closed:
            raise LoadError(f"{bot.nick} was disconnected during {during}: {bot.closed_reason} "
                            f"{[e.decode(errors='replace') for e in bot.errors]}")


@dataclass
class StallResult:
    """What happened while one member of the channel stopped reading and the others chatted."""

    dropped: bool
    seconds_to_drop: float | None  # from the victim's last read to the QUIT the others saw
    sent_while_stalled: int  # channel messages sent after the victim stopped, until its drop
    reached_victim: int  # of those, how many the victim could still read from its socket
    victim_bytes: int  # bytes the victim read after stopping (its kernel buffers, then the rest)
    max_kernel_bytes: int  # largest server send queue + victim receive queue seen in the kernel
    error_line: str  # the ERROR the server sent the victim, if any
    others: DeliveryResult  # the other members' deliveries and latency meanwhile


SAMPLE_INTERVAL = 0.25
VICTIM_READ_SECONDS = 5.0


@dataclass
class _StallWatch:
    """Checked on every tick of the stall phase: kernel queue samples and the drop."""

    next_sample: float
    max_kernel: int = 0
    sent_at_drop: int | None = None


def stalled_reader(
    swarm: Swarm,
    senders: list[Bot],
    members: list[Bot],
    channel: str,
    rate: float,
    max_seconds: float,
    padding: bytes,
    kernel_bytes: Callable[[Bot], int],
    after_drop: float = 2.0,
) -> StallResult:
    """The last member stops reading; the senders go on at `rate` until it is dropped (plus
    after_drop seconds, to see the others' rate afterwards) or max_seconds pass."""
    victim = members[-1]
    if victim in senders:
        raise ValueError("the stalled reader must not be a sender")
    swarm.stop_reading(victim)
    start = time.monotonic()
    watch = _StallWatch(next_sample=start)

    def stop_early() -> bool:
        now = time.monotonic()
        if now >= watch.next_sample:
            watch.max_kernel = max(watch.max_kernel, kernel_bytes(victim))
            watch.next_sample = now + SAMPLE_INTERVAL
        quit_ns = swarm.quits.get(victim.nick)
        if quit_ns is None:
            return False
        if watch.sent_at_drop is None:
            watch.sent_at_drop = sum(bot.seq for bot in senders)
        return now > quit_ns / 1e9 + after_drop

    others = fixed_rate(
        swarm, senders, members, channel, rate, max_seconds, padding, victim, stop_early
    )
    quit_ns = swarm.quits.get(victim.nick)
    read_bytes, marks, error_line = read_unread(victim, VICTIM_READ_SECONDS)
    sent = watch.sent_at_drop if watch.sent_at_drop is not None else others.sent
    return StallResult(
        dropped=quit_ns is not None,
        seconds_to_drop=None if quit_ns is None else quit_ns / 1e9 - start,
        sent_while_stalled=sent,
        reached_victim=marks,
        victim_bytes=read_bytes,
        max_kernel_bytes=watch.max_kernel,
        error_line=error_line,
        others=others,
    )


def read_unread(bot: Bot, seconds: float) -> tuple[int, int, str]:
    """Read what waits on a bot's socket until EOF or half a second of quiet (within seconds):
    (bytes, bench messages among them, the ERROR line if any)."""
    total, marks, error_line, tail = 0, 0, "", b""
    end = time.monotonic() + seconds
    bot.sock.settimeout(0.5)
    while time.monotonic() < end:
        try:
            data = bot.sock.recv(262144)
        except (TimeoutError, BlockingIOError):
            break
        except OSError as error:
            error_line = error_line or f"(recv failed: {error})"
            break
        if not data:
            break
        total += len(data)
        lines = (tail + data).split(b"\n")
        tail = lines.pop()
        for line in lines:
            if b" PRIVMSG " in line and b" :b " in line:
                marks += 1
            elif line.startswith(b"ERROR"):
                error_line = line.decode(errors="replace").strip()
    return total, marks, error_line
