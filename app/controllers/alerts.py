"""Tells the user when they are needed: marks the lines that mention our nick, asks the pure
planner which lines raise a desktop notification, hands those to the notifier, brings the
window up on the conversation whose notification was clicked; and keeps the per-conversation
notification modes and do-not-disturb (remembered in the settings)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from app.controllers.presenter import Presenter
from app.models.conversations import UNREAD_KINDS
from app.models.log import LogEntry
from app.models.mentions import mentions
from app.models.notifier import Notifier
from app.models.notifyplan import NotifyMode, Situation, default_mode, plan
from app.models.settings import SettingsStore
from app.models.userinput import InvalidInput
from app.views.base import ChatView

CLICK_POLL_MS = 250
"""How often clicks on notifications are collected, while any may come."""
CLICK_WINDOW_MS = 10 * 60 * 1000
"""Clicks are looked for this long after the last notification."""

log = logging.getLogger(__name__)


class Alerts:
    """Mentions and notifications for one window. notifier None: mentions are marked, nothing
    is notified."""

    def __init__(self, view: ChatView, presenter: Presenter, store: SettingsStore,
                 notifier: Notifier | None, switch_to: Callable[[str], None]) -> None:
        self._view, self._presenter, self._store = view, presenter, store
        self._notifier = notifier
        self._switch_to = switch_to
        settings = store.load()
        self._modes = dict(settings.notify)
        self.dnd = settings.dnd
        view.set_do_not_disturb(self.dnd)
        self._last: dict[str, datetime] = {}
        """When each conversation (by key) last notified."""
        self._polls_left = 0
        self.posted = 0
        """Notifications handed to the notifier (read by tests and the benchmark)."""

    # -- lines as they arrive -------------------------------------------------------------

    def mark(self, entries: list[LogEntry], nick: str = "") -> list[LogEntry]:
        """entries, with mention set on someone else's chat lines that name nick (default:
        ours on the current connection)."""
        session = self._presenter.session
        nick = nick or (session.nick if session is not None else "")
        if not nick:
            return entries
        fold = self._presenter.key
        return [replace(entry, mention=True)
                if (not entry.own and entry.kind in UNREAD_KINDS and entry.sender
                    and mentions(entry.text, nick, fold)) else entry
                for entry in entries]

    def consider(self, entries: list[LogEntry]) -> None:
        """Notify for those of entries (already filed) the planner says should notify."""
        if self._notifier is None:
            return
        situation = Situation(self._view.has_focus(), self._presenter.key(
            self._presenter.current or ""), self.dnd)
        for entry in entries:
            if self._presenter.ignores.hides(entry):  # not shown, so never announced
                continue
            found = self._presenter.conversations.get(entry.target) if entry.target else None
            if found is None:
                continue
            key = self._presenter.key(found.name)
            alert = plan(entry, conversation=found.name, key=key, mention=entry.mention,
                         mode=self.mode_of(found.name, found.private), situation=situation,
                         last_alert=self._last.get(key))
            if alert is not None:
                self._last[key] = entry.time
                self._notifier.post(alert)
                self.posted += 1
                self._listen()

    # -- clicks ---------------------------------------------------------------------------

    def _listen(self) -> None:
        """Look for clicks for CLICK_WINDOW_MS from now."""
        polling = self._polls_left > 0
        self._polls_left = CLICK_WINDOW_MS // CLICK_POLL_MS
        if not polling:
            self._view.schedule(CLICK_POLL_MS, self._poll)

    def _poll(self) -> None:
        if self._notifier is None:
            return
        for name in self._notifier.take_clicks()[-1:]:
            self.clicked(name)
        self._polls_left -= 1
        if self._polls_left > 0:
            self._view.schedule(CLICK_POLL_MS, self._poll)

    def clicked(self, name: str) -> None:
        """A notification for conversation name was clicked: raise the window on it."""
        self._view.present()
        if self._presenter.conversations.get(name) is not None:
            self._switch_to(name)

    # -- the settings ---------------------------------------------------------------------

    def mode_of(self, name: str, private: bool) -> NotifyMode:
        """What conversation name notifies for."""
        saved = self._modes.get(self._presenter.key(name))
        return NotifyMode(saved) if saved else default_mode(private)

    def set_mode(self, name: str, mode: NotifyMode) -> None:
        """Remember mode for conversation name; InvalidInput when it cannot be saved."""
        self._modes[self._presenter.key(name)] = mode.value
        if not self._store.update(notify=dict(self._modes)):
            raise InvalidInput(f"Could not save the notification setting to {self._store.path}")

    def set_dnd(self, on: bool) -> None:
        """Turn do-not-disturb on or off and remember it; InvalidInput when it cannot be
        saved."""
        self.dnd = on
        self._view.set_do_not_disturb(on)
        if not self._store.update(dnd=on):
            raise InvalidInput(f"Could not save do-not-disturb to {self._store.path}")

    def choose_mode(self, name: str, mode: str) -> str:
        """The list's menu set what conversation name notifies for: the line saying so;
        InvalidInput for an unknown conversation or mode, or when it cannot be saved."""
        found = self._presenter.conversations.get(name)
        if found is None:
            raise InvalidInput(f"No conversation called {name}")
        if mode not in [choice.value for choice in NotifyMode]:
            raise InvalidInput(f"Unknown notification setting {mode!r}")
        self.set_mode(found.name, NotifyMode(mode))
        return notify_line(found.name, NotifyMode(mode))

    def choose_dnd(self, on: bool) -> str:
        """The menu's Do not disturb: the line saying so; InvalidInput when not saved."""
        self.set_dnd(on)
        return dnd_line(on)

    def close(self) -> None:
        """Stop the notifier."""
        if self._notifier is not None:
            self._notifier.close()


_MODE_WORDS = {NotifyMode.ALL: "all messages", NotifyMode.MENTIONS: "mentions of your nick only",
               NotifyMode.NEVER: "nothing (never)"}


def notify_line(name: str, mode: NotifyMode) -> str:
    """What the log says about what conversation name notifies for."""
    return f"{name} notifies for {_MODE_WORDS[mode]}"


def dnd_line(on: bool) -> str:
    """What the log says when do-not-disturb is turned on or off."""
    return ("Do not disturb is on: no desktop notifications" if on
            else "Do not disturb is off: desktop notifications are back")
