"""Automatic away, sans I/O: after idle_minutes without input in the app we go away by
ourselves, and the next input brings us back; an away the user set with /away is theirs to end
with /back. Times are seconds from any monotonic clock."""

from __future__ import annotations

AUTO_AWAY_TEXT = "Away from the keyboard"
"""The away message of an automatic away."""


class AutoAway:
    """input() on every key or message typed, check() from a timer; each returns what to send:
    'away' (go away automatically), 'back' (return from an automatic away) or ''."""

    def __init__(self, idle_minutes: float, now: float) -> None:
        self.idle_minutes = idle_minutes
        """0 turns automatic away off."""
        self._last_input = now
        self.auto = False
        """True while we are away because we were idle (not by /away)."""
        self.manual = False

    def input(self, now: float) -> str:
        """The user did something: 'back' when that ends an automatic away."""
        self._last_input = now
        if self.auto:
            self.auto = False
            return "back"
        return ""

    def check(self, now: float) -> str:
        """'away' when we have been idle long enough and are not away yet."""
        if self.idle_minutes <= 0 or self.auto or self.manual:
            return ""
        if now - self._last_input >= self.idle_minutes * 60:
            self.auto = True
            return "away"
        return ""

    def set_manual(self, away: bool) -> None:
        """/away (True) or /back (False): the user's own choice; an automatic away ends."""
        self.manual, self.auto = away, False

    def seconds_left(self, now: float) -> float:
        """How long until check() may say 'away' (0 when it may now or never will)."""
        if self.idle_minutes <= 0 or self.auto or self.manual:
            return 0.0
        return max(0.0, self._last_input + self.idle_minutes * 60 - now)
