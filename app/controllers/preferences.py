"""The Preferences dialog as the controller runs it: ask the view with what is in use, then
change what the user changed through the paths the rest of the app uses (/set's options, the
Do-not-disturb menu, the Dark toggle), so they stay in sync and are remembered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.controllers.alerts import Alerts
from app.models.options import describe, parse_option
from app.models.preferences import Preferences, current, option_changes
from app.models.settings import Settings, SettingsStore
from app.models.userinput import InvalidInput
from app.views.base import ChatView


class PreferencesFlow:
    """apply_options(settings) puts saved options to use (ClientController.apply_options);
    inform(*lines) says something in the log; theme_changed(theme) remembers a theme (as the
    Dark toggle's on_theme_changed)."""

    def __init__(self, view: ChatView, store: SettingsStore, alerts: Alerts,
                 apply_options: Callable[[Settings], None], inform: Callable[..., None],
                 theme_changed: Callable[[str], None]) -> None:
        self._view, self._store, self._alerts = view, store, alerts
        self._apply_options, self._inform = apply_options, inform
        self._theme_changed = theme_changed

    def in_use(self) -> Preferences:
        """What the dialog opens with."""
        return current(self._store.load(credentials=False), self._alerts.dnd, self._view.theme)

    def run(self) -> None:
        """Open the dialog; apply what it returns (nothing when cancelled). InvalidInput when
        the options cannot be saved."""
        before = self.in_use()
        after = self._view.ask_preferences(before)
        if after is not None:
            self.apply(before, after)

    def apply(self, before: Preferences, after: Preferences) -> None:
        """Change what differs between before and after, each through its usual path."""
        if after.theme != before.theme:
            self._view.set_theme(after.theme)
            self._theme_changed(after.theme)
        if after.dnd != before.dnd:
            self._inform(self._alerts.choose_dnd(after.dnd))
        changes = option_changes(before, after)
        if changes:
            fields: dict[str, Any] = {}
            for name, value in changes:
                fields.update(parse_option(name, value))  # what /set name value sets
            if not self._store.update(**fields):
                raise InvalidInput(f"Could not save the options to {self._store.path}")
            saved = self._store.load(credentials=False)
            self._apply_options(saved)
            self._inform("Options:", *describe(saved))
