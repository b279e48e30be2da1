"""Flood control and connection limits, pure: a token bucket per client and counts per address.
The caller passes the time; nothing here sleeps or does I/O.
"""

from __future__ import annotations

import ipaddress
import threading
from collections import Counter

SERVER_FULL = "Server is full"
TOO_MANY_FROM_ADDRESS = "Too many connections from your address"
EXCESS_FLOOD = "Excess Flood"
RUNAWAY_LINE = "Input line was too long and never ended"


class TokenBucket:
    """`burst` commands at once, then `rate` per second. rate 0 turns flood control off."""

    def __init__(self, burst: int, rate: float, now: float) -> None:
        self.burst = max(1, burst)
        self.rate = rate
        self.tokens = float(self.burst)
        self._stamp = now

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, count: int, now: float) -> int:
        """How many of count commands may run now (their tokens are spent)."""
        if not self.enabled:
            return count
        self._refill(now)
        allowed = min(count, int(self.tokens))
        self.tokens -= allowed
        return allowed

    def wait(self, now: float) -> float:
        """Seconds until the next command may run (0 when one may run now)."""
        if not self.enabled:
            return 0.0
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._stamp)
        self._stamp = now
        self.tokens = min(float(self.burst), self.tokens + elapsed * self.rate)


class ConnectionLimits:
    """How many connections are open, in all and per address; admit() decides at accept time.

    0 means "no limit". Loopback addresses skip the per-address limit when exempt_loopback
    (local bots and benchmarks open many connections from 127.0.0.1)."""

    def __init__(self, max_clients: int, max_per_ip: int, exempt_loopback: bool = True) -> None:
        self.max_clients = max_clients
        self.max_per_ip = max_per_ip
        self.exempt_loopback = exempt_loopback
        self._lock = threading.Lock()
        self._per_ip: Counter[str] = Counter()
        self.total = 0

    def admit(self, address: str) -> str | None:
        """Count a new connection from address, or return why it is refused (not counted)."""
        with self._lock:
            if self.max_clients and self.total >= self.max_clients:
                return SERVER_FULL
            limited = not (self.exempt_loopback and is_loopback(address))
            if limited and self.max_per_ip and self._per_ip[address] >= self.max_per_ip:
                return TOO_MANY_FROM_ADDRESS
            self.total += 1
            self._per_ip[address] += 1
            return None

    def release(self, address: str) -> None:
        """A connection admitted from address has ended."""
        with self._lock:
            self.total -= 1
            self._per_ip[address] -= 1
            if self._per_ip[address] <= 0:
                del self._per_ip[address]

    def count(self, address: str) -> int:
        with self._lock:
            return self._per_ip[address]


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def exempt(address: str, exempt_loopback: bool) -> bool:
    """Whether flood control spares this address."""
    return exempt_loopback and is_loopback(address)
