"""Gives the C heap's free pages back to the system once many clients have left (glibc's
malloc_trim), so the server's RSS falls back after a busy hour instead of staying at its peak.

Each reader thread frees into glibc's per-thread caches and arenas; when the threads end, that
memory is free inside the arenas but stays resident (measured by bench.soak: 18 MB free, not
returned, after 200 clients left). malloc_trim(0) hands the free pages back (madvise) in every
arena. It runs in the liveness thread with no lock held, only after the number of connections
has fallen well below its peak since the last trim, and at most once every TRIM_EVERY_SECONDS:
never under a steady load. Elsewhere than glibc (musl, macOS, Windows) there is nothing to call
and the Trimmer does nothing.
"""

from __future__ import annotations

import ctypes
import logging
import sys
import time
from collections.abc import Callable

log = logging.getLogger(__name__)
TRIM_EVERY_SECONDS = 60.0  # the least time between two trims
MIN_LEFT = 16  # connections that must have ended (from the peak) before a trim ...
LEFT_FRACTION = 0.25  # ... and at least this part of the peak


def glibc_trim() -> Callable[[], object] | None:
    """glibc's malloc_trim(0), or None where the C library has none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # musl has no malloc_trim
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return lambda: trim(0)


class Trimmer:
    """Decides when to trim, from the connection count it is shown (pure but for trim)."""

    def __init__(self, trim: Callable[[], object] | None, every: float = TRIM_EVERY_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._trim = trim
        self._every = every
        self._clock = clock
        self._peak = 0  # the most connections seen since the last trim
        self._trimmed_at = clock()
        self.trims = 0

    def due(self, connections: int) -> bool:
        """Whether enough connections ended since the peak (and enough time passed)."""
        self._peak = max(self._peak, connections)
        left = self._peak - connections
        enough = left >= MIN_LEFT and left >= self._peak * LEFT_FRACTION
        return enough and self._clock() - self._trimmed_at >= self._every

    def check(self, connections: int) -> bool:
        """Trim now if due (no lock held: it walks every arena); True when it trimmed."""
        if self._trim is None or not self.due(connections):
            return False
        started, left = self._clock(), self._peak - connections
        self._trim()
        self._trimmed_at = self._clock()
        self._peak = connections
        self.trims += 1
        log.info("%d connections ended: free heap given back to the system (malloc_trim, "
                 "%.1f ms)", left, (self._trimmed_at - started) * 1e3)
        return True
