"""What people are doing besides talking: our +typing notifications (throttled, off by a
setting, only on a server with message-tags), who is typing in the conversation shown ('bob is
typing…' under the log, expiring as the spec says), and automatic away after idle minutes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app.models import events as ev
from app.models.autoaway import AUTO_AWAY_TEXT, AutoAway
from app.models.conversations import STATUS
from app.models.log import LogEntry
from app.models.session import Session
from app.models.typing import TypingThrottle
from app.models.typists import Typists, typing_text
from app.views.base import ChatView, Scheduled
from ircproto.message import Message

TICK_MS = 1000
"""How often pauses, held notifications and expiries are looked at while any is due."""
AWAY_CHECK_MS = 30_000


class Activity:
    """session() is the current session (None before the first connect), current() the
    conversation shown, send() puts a line on the connection when online."""

    def __init__(self, view: ChatView, clock: Callable[[], datetime],
                 session: Callable[[], Session | None], current: Callable[[], str | None],
                 send: Callable[[Message], bool], online: Callable[[], bool],
                 ignored: Callable[[str], bool] = lambda nick: False) -> None:
        """ignored(nick): True for a nick whose typing is not shown either."""
        self._view, self._clock = view, clock
        self._ignored = ignored
        self._session, self._current, self._send, self._online = session, current, send, online
        self.send_typing = True
        self.throttle = TypingThrottle()
        self.typists = Typists(self._key)
        self.auto_away = AutoAway(0, self._now())
        self._tick: Scheduled | None = None
        self._away_check: Scheduled | None = None
        self._shown = ""

    def _now(self) -> float:
        return self._clock().timestamp()

    def _key(self, name: str) -> str:
        session = self._session()
        return session.key(name) if session is not None else name.lower()

    # --- our side ---

    def typed(self, text: str) -> None:
        """The input now holds text (a key, a paste, a clear)."""
        self._active()
        target = self._current()
        if target is None or target == STATUS or not self._may_send_typing():
            return
        self._notify(self.throttle.typed(target, text, self._now()))

    def spoke(self, target: str | None) -> None:
        """We sent a message (or a command) to target: typing there ended with it."""
        self._active()
        if target is not None:
            self.throttle.sent(target)

    def _may_send_typing(self) -> bool:
        session = self._session()
        return (self.send_typing and session is not None and self._online()
                and "message-tags" in session.caps)

    def _notify(self, due: list[tuple[str, str]]) -> None:
        session = self._session()
        if session is not None and self._online():
            for target, state in due:
                self._send(session.build.typing(target, state))
        self._keep_ticking()

    # --- automatic away ---

    def set_idle_minutes(self, minutes: int) -> None:
        """Go away by ourselves after minutes without input (0: never)."""
        self.auto_away.idle_minutes = minutes
        self._schedule_away_check()

    def _active(self) -> None:
        if self.auto_away.input(self._now()) == "back":
            self._away("")

    def _check_away(self) -> None:
        self._away_check = None
        if self._online() and self.auto_away.check(self._now()) == "away":
            self._away(AUTO_AWAY_TEXT)
        self._schedule_away_check()

    def _schedule_away_check(self) -> None:
        if self._away_check is None and self.auto_away.idle_minutes > 0:
            self._away_check = self._view.schedule(AWAY_CHECK_MS, self._check_away)

    def _away(self, text: str) -> None:
        session = self._session()
        if session is not None and self._online():
            self._send(session.build.away(text))

    # --- their side ---

    def heard(self, event: ev.Event) -> None:
        """A session event that may change who is typing."""
        now = self._now()
        if isinstance(event, ev.TypingNotified):
            if self._ignored(event.nick):
                return
            self.typists.notified(event.target, event.nick, event.state, now)
        elif isinstance(event, ev.MessageReceived):
            self._message(event.entry)
        elif isinstance(event, ev.UserParted):
            self.typists.stopped(event.nick, event.channel)
        elif isinstance(event, ev.UserQuit):
            self.typists.stopped(event.nick)
        elif isinstance(event, ev.NickChanged):
            self.typists.renamed(event.old, event.new)
        else:
            return
        self.show()

    def _message(self, entry: LogEntry) -> None:
        if entry.sender and not entry.replayed:
            self.typists.stopped(entry.sender, entry.target)

    def new_connection(self) -> None:
        """Nobody has been told anything, nobody is typing."""
        self.throttle.forget()
        self.typists.clear()
        self.show()

    def show(self) -> None:
        """Tell the view who types in the conversation shown (when that changed)."""
        current = self._current()
        self.typists.expire(self._now())
        text = typing_text(self.typists.typing_in(current, self._now())) if current else ""
        if text != self._shown:
            self._shown = text
            self._view.show_typing(text)
        self._keep_ticking()

    def _keep_ticking(self) -> None:
        if self._tick is None and (self.throttle.waiting() or self.typists.pending()):
            self._tick = self._view.schedule(TICK_MS, self._on_tick)

    def _on_tick(self) -> None:
        self._tick = None
        if self._may_send_typing():
            self._notify(self.throttle.due(self._now()))
        else:
            self.throttle.forget()  # offline, or turned off: nothing is owed to anyone
        self.show()
