"""How many connections have each capability enabled, so that a broadcast to a channel skips
looking for, say, extended-join or away-notify members when no connection has it (the desktop
client enables neither). Pure, under the state lock: CAP LS/REQ report every change, a
connection's end (server.commands.base.remove_client) takes all of its capabilities away."""

from __future__ import annotations

from collections import Counter
from collections.abc import Set


class CapHolders:
    """Connections per enabled capability."""

    __slots__ = ("_counts",)

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def changed(self, before: Set[str], after: Set[str]) -> None:
        """A connection's capabilities went from before to after."""
        for cap in after - before:
            self._counts[cap] += 1
        for cap in before - after:
            self._counts[cap] -= 1
            if not self._counts[cap]:
                del self._counts[cap]

    def holds(self, cap: str) -> bool:
        """Whether any connection has cap enabled."""
        return cap in self._counts

    def counts(self) -> dict[str, int]:
        """Every capability some connection has, with how many (for tests)."""
        return dict(self._counts)
