"""How much load the bench applies: the full run's sizes and durations, and --quick's."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    """How much load to apply; the defaults are the full run, --quick a smoke-sized one."""

    clients: int = 1000
    concurrency: int = 50  # registrations in flight
    quitters: int = 500  # of the clients, how many quit at once; the rest stay for wide_rate
    wide_rate: float = 50.0  # messages a second to the clients that stayed
    members: int = 100
    senders: int = 10
    windows: tuple[int, ...] = (4, 32)  # closed-loop runs: messages in flight per sender
    all_senders: int = 20  # the last closed loop: this many members, every one a sender
    throughput_seconds: float = 10.0
    rate: float = 200.0
    latency_seconds: float = 10.0
    stall_rate: float = 200.0
    stall_seconds: float = 60.0
    idle_seconds: float = 1.0  # after registering, before RSS is read

    def __post_init__(self) -> None:
        if not self.all_senders < self.members <= self.clients - self.quitters:
            raise ValueError("need all_senders < members <= clients - quitters")
        if self.senders >= self.members:
            raise ValueError("the probe (last member) must not be a sender")


QUICK = Plan(clients=100, concurrency=10, quitters=50, members=20, senders=5, all_senders=10,
             throughput_seconds=3.0, latency_seconds=3.0, stall_seconds=10.0)
