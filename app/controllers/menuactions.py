"""What the window's menus and the log's menu do (the account dialog, notification modes, do not
disturb, preferences, search, reply, react, delete, the theme): the part of ViewActions that
ClientController takes from this mixin."""

from __future__ import annotations

from collections.abc import Callable

from app.controllers.controllerparts import ControllerParts
from app.models.cachesearch import Hit
from app.models.log import LogEntry
from app.models.settings import THEMES
from app.models.userinput import InvalidInput


class MenuActions(ControllerParts):
    """The menus' actions, on the controller's parts (ClientController sets them)."""

    def on_account(self) -> None:
        """The Account menu: the account dialog, then PASSWD (stored on PASSWD SUCCESS)."""
        try:
            message = self.connector.identity.from_dialog(
                self.view, self.session if self.online else None)
        except InvalidInput as error:
            self.presenter.error(str(error))
            return
        if message is not None:
            self.send(message)

    def on_notify_mode(self, name: str, mode: str) -> None:
        """The conversation list's menu: what name notifies for; remembered, and said."""
        self._setting(lambda: self._alerts.choose_mode(name, mode))

    def on_do_not_disturb(self, on: bool) -> None:
        """The Account menu's Do not disturb: remember it, and say so."""
        self._setting(lambda: self._alerts.choose_dnd(on))

    def on_preferences(self) -> None:
        """The Preferences dialog; what changed goes the way /set, /dnd and the toggle go."""
        try:
            self.preferences.run()
        except InvalidInput as error:
            self.presenter.error(str(error))

    def _setting(self, change: Callable[[], str]) -> None:
        try:
            self.inform(change())
        except InvalidInput as error:
            self.presenter.error(str(error))

    def on_search(self, text: str) -> None:
        """Search all conversations: the cache, and the server's history (controllers.search)."""
        self.searcher.search(text)

    def on_search_pick(self, hit: Hit) -> None:
        """Open a search result's conversation at that message."""
        self.searcher.pick(hit)

    def on_reply(self, entry: LogEntry | None) -> None:
        """Reply (the log's menu, Ctrl+R): the input goes into reply mode."""
        self._attempt(lambda: self.annotations.reply(entry))

    def on_cancel_reply(self) -> None:
        """The reply bar's close button."""
        self.annotations.cancel_reply()

    def on_react(self, entry: LogEntry, reaction: str) -> None:
        """A reaction chip or the menu: toggle our reaction to entry."""
        self._attempt(lambda: self.annotations.react(entry, reaction))
        self.refresh()

    def on_delete(self, entry: LogEntry) -> None:
        """The menu's Delete: REDACT entry."""
        self._attempt(lambda: self.annotations.delete(entry))
        self.refresh()

    def _attempt(self, action: Callable[[], None]) -> None:
        try:
            action()
        except InvalidInput as error:
            self.presenter.error(str(error))

    def on_theme_changed(self, theme: str) -> None:
        """Remember the theme; say so when it is unknown or cannot be saved."""
        if theme not in THEMES:
            self.presenter.error(f"Unknown theme {theme!r}")
        elif not self.store.update(theme=theme):
            self.presenter.error(f"Could not save the theme to {self.store.path}")
