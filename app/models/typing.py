"""Our +typing notifications (IRCv3 typing client tag), sans I/O: what the input did becomes
the active/paused/done states to send per target, never two within THROTTLE_S of each other for
one target. Times are seconds from any monotonic clock."""

from __future__ import annotations

from dataclasses import dataclass

THROTTLE_S = 3.0
"""The spec: no typing notification within 3 seconds of another one for a given target."""
PAUSE_AFTER_S = 5.0
"""Typing stopped this long (text still in the input) sends typing=paused."""

ACTIVE, PAUSED, DONE = "active", "paused", "done"
STATES = (ACTIVE, PAUSED, DONE)


@dataclass
class _Target:
    """What one target was told and what it should be told next."""

    sent: str = DONE
    sent_at: float | None = None
    wanted: str = DONE
    typed_at: float = 0.0
    fresh_input: bool = False
    """Keys were pressed since the last typing=active went out."""


class TypingThrottle:
    """Call typed() on every change of the input, sent() when its text went out as a message;
    due() returns the (target, state) pairs to send now. The view's timer calls due() until
    waiting() is False."""

    def __init__(self) -> None:
        self._targets: dict[str, _Target] = {}

    def typed(self, target: str, text: str, now: float) -> list[tuple[str, str]]:
        """The input for target now holds text: typing (not a /command) is active, an empty or
        command input is done."""
        found = self._targets.setdefault(target, _Target())
        if text.strip() and (not text.startswith("/") or text.startswith("//")):
            found.wanted, found.typed_at, found.fresh_input = ACTIVE, now, True
        elif found.sent != DONE or found.wanted != DONE:
            found.wanted = DONE
        return self.due(now)

    def sent(self, target: str) -> None:
        """The text went out as a message: the message itself ends the typing (nothing sent)."""
        found = self._targets.get(target)
        if found is not None:
            found.sent = found.wanted = DONE
            found.fresh_input = False

    def due(self, now: float) -> list[tuple[str, str]]:
        """The notifications to send now, in target order; they count as sent."""
        out = []
        for target, found in self._targets.items():
            state = self._next(found, now)
            if state:
                found.sent, found.sent_at = state, now
                found.fresh_input = found.fresh_input and state != ACTIVE
                out.append((target, state))
        return out

    def waiting(self) -> bool:
        """True while some target still has a notification to come (a pause, a held one)."""
        return any(found.wanted == ACTIVE or found.wanted != found.sent
                   for found in self._targets.values())

    def _next(self, found: _Target, now: float) -> str:
        if found.wanted == ACTIVE and now - found.typed_at >= PAUSE_AFTER_S:
            found.wanted = PAUSED
        if found.sent_at is not None and now - found.sent_at < THROTTLE_S:
            return ""
        if found.wanted == ACTIVE and (found.sent != ACTIVE or found.fresh_input):
            return ACTIVE
        if found.wanted != ACTIVE and found.wanted != found.sent:
            return found.wanted
        return ""

    def forget(self) -> None:
        """A new connection: nobody has been told anything."""
        self._targets.clear()
