"""The view protocol: everything a controller may ask of a view, and the actions a view reports.

Every view (the ttkbootstrap windows and the tests' FakeView) implements ChatView; one contract
test suite runs against all of them. Only modules under app/views/ import Tk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from app.models.cachesearch import Hit
from app.models.log import LogEntry
from app.models.preferences import Preferences
from app.models.settings import ConnectParams
from app.models.users import UserItem

STATUSES = ("connecting", "connected", "disconnected")


class Scheduled(Protocol):
    """A callback that schedule() will run; cancel() keeps it from running."""

    def cancel(self) -> None:
        """Do not run the callback; harmless once it ran, when cancelled twice, or after the
        view closed."""


@dataclass(frozen=True, slots=True)
class MessageActions:
    """What the log offers on a message (its menu, the reaction chips, the reply shortcut), as
    the server allows: reply and react (message-tags), delete (draft/message-redaction) of our
    own messages ('own') or, as a channel operator, of any ('any'; '' for none)."""

    reply: bool = False
    react: bool = False
    delete: str = ""

    def can_delete(self, entry: LogEntry) -> bool:
        """True when Delete is offered on entry."""
        return self.delete == "any" or (self.delete == "own" and entry.own)


class ViewActions(Protocol):
    """The controller's callbacks; the view calls them on its own (UI) thread."""

    def on_send(self, text: str) -> None:
        """Send button or Enter in the input, with the input's text."""

    def on_users(self) -> None:
        """Users button: show who is connected."""

    def on_escape(self) -> None:
        """Escape pressed in the main window."""

    def on_close(self) -> None:
        """The window manager's close button (X, WM_DELETE_WINDOW)."""

    def on_theme_changed(self, theme: str) -> None:
        """The user switched the theme ('light' or 'dark'); remember it."""

    def on_switch(self, name: str) -> None:
        """The user picked another conversation (a channel or a private chat) to show."""

    def on_account(self) -> None:
        """The Account menu's 'Set a password...': offer the account dialog."""

    def on_input_changed(self, text: str) -> None:
        """The input's text changed (typed, pasted, cleared); text is what it holds now."""
    def on_notify_mode(self, name: str, mode: str) -> None:
        """The user chose what conversation name notifies for ('all', 'mentions', 'never')."""

    def on_do_not_disturb(self, on: bool) -> None:
        """The Account menu's 'Do not disturb' was ticked (on) or unticked."""

    def on_search(self, text: str) -> None:
        """'Search all conversations' (Ctrl+Shift+F) asks for text: answer with
        show_search_results (once or more, as results come in)."""

    def on_search_pick(self, hit: Hit) -> None:
        """The user picked a search result: open its conversation at that message."""

    def on_reply(self, entry: LogEntry | None) -> None:
        """Reply to entry (None: the newest message of the conversation shown): the input
        goes into reply mode."""

    def on_cancel_reply(self) -> None:
        """The reply bar's close button: leave reply mode."""

    def on_react(self, entry: LogEntry, reaction: str) -> None:
        """Toggle our reaction to entry (a chip clicked, or one picked in the menu)."""

    def on_delete(self, entry: LogEntry) -> None:
        """Delete entry (REDACT)."""
    def on_preferences(self) -> None:
        """Account ▸ Preferences… or Ctrl+,: offer the Preferences dialog (ask_preferences)."""


class ChatView(Protocol):
    """What a controller may ask of a view. All calls happen on the view's UI thread."""

    theme: str
    """The theme shown, 'light' or 'dark'."""

    def set_theme(self, theme: str) -> None:
        """Show theme ('light' or 'dark') now, as the Dark toggle does."""

    def ask_preferences(self, current: Preferences) -> Preferences | None:
        """Modal Preferences dialog filled with current; returns what the user confirmed (bad
        minutes are refused in the dialog with a message), None when cancelled."""

    def bind(self, actions: ViewActions) -> None:
        """Wire Send, Enter, Users, Escape, the window's X and the theme toggle to actions."""

    def schedule(self, delay_ms: int, callback: Callable[[], None]) -> Scheduled:
        """Run callback on the UI thread after delay_ms milliseconds (0: as soon as idle),
        unless the returned handle is cancelled first or the view closes."""

    def ask_connection(self, defaults: ConnectParams, error: str = "") -> ConnectParams | None:
        """Modal connect dialog (host, port, nick, Use TLS, the account's and the server's masked
        passwords, Remember server password) filled with defaults, showing error inline when
        given; returns the values the user confirmed, or None when they cancelled."""

    def ask_account_password(self, account: str, server: str, error: str = "") -> str | None:
        """Modal account dialog: account on server, a new password typed twice (masked, the
        same, no spaces), error shown inline when given; returns it, or None when cancelled."""

    def confirm_certificate(self, server: str, fingerprint: str, announced: str = "") -> bool:
        """Modal: 'server presents a certificate not seen before, SHA-256 fingerprint ...; trust
        it?'. True only when the user chose to trust it; Escape, X and the default answer no.
        announced is the fingerprint the server announced on the LAN ('' when none): the dialog
        says whether the certificate matches it (and still asks)."""

    def set_identity(self, nick: str, server: str) -> None:
        """Show who we are and where: the window title and the header."""

    def set_status(self, status: str, detail: str = "") -> None:
        """Show the connection status, one of STATUSES, with an optional detail line."""

    def set_conversations(self, conversations: Sequence[Conversation], current: str) -> None:
        """Show the open conversations (channels and private chats, in the given order) with
        their unread counts; current names the one whose log is shown."""

    def show_conversation(self, entries: Sequence[LogEntry], first_unread: int = -1) -> None:
        """Replace the log with one conversation's entries; when 0 <= first_unread <
        len(entries), a 'new messages' marker stands just before entries[first_unread]."""

    def update_entry(self, old: LogEntry, new: LogEntry) -> None:
        """Replace a shown entry in place (e.g. a pending message now delivered); nothing
        happens when old is not shown."""

    def show_entries(self, entries: Sequence[LogEntry]) -> None:
        """Append lines to the log, keeping it scrolled to the newest unless scrolled up."""

    def set_users(self, users: Sequence[UserItem]) -> None:
        """Replace the live user pane's contents (already sorted; away users shown dimmed)."""

    def show_typing(self, text: str) -> None:
        """Show who is typing ('bob is typing…') under the log; '' hides it."""

    def show_users(self, users: Sequence[UserItem]) -> None:
        """Answer the Users button: show who is connected."""

    def confirm_exit(self) -> bool:
        """Ask 'Are you sure you want to exit?'; True for OK, False for Cancel."""

    def clear_input(self) -> None:
        """Empty the input after its text was taken."""

    def set_do_not_disturb(self, on: bool) -> None:
        """Show whether do-not-disturb is on (the Account menu's tick)."""

    def has_focus(self) -> bool:
        """True while the window has the keyboard focus (the user is looking at it)."""

    def present(self) -> None:
        """Bring the window to the front (de-iconified, raised, focused)."""

    def show_search_results(self, hits: Sequence[Hit], note: str) -> None:
        """Show hits (newest first) in the search window, with note (how many, from where);
        nothing when the search window is closed."""

    def reveal_message(self, msgid: str) -> bool:
        """Scroll the log to the shown message with msgid and highlight it (also once it has
        filled into the log); False when it is not shown."""

    def set_message_actions(self, actions: MessageActions) -> None:
        """What the log offers on messages from now on (the server's capabilities, our
        channel status); what is not offered is hidden."""

    def set_reply(self, text: str) -> None:
        """Show the reply bar above the input ('Replying to bob: hello' with a close button);
        '' hides it."""

    def close(self) -> None:
        """Close the window and end run()."""

    def run(self) -> None:
        """Run the UI loop until close()."""


@dataclass(frozen=True, slots=True)
class Conversation:
    """One conversation as the conversation list shows it."""

    name: str
    unread: int = 0
    private: bool = False
    mentioned: bool = False
    """An unread line there names our nick."""
    notify: str = field(default="", compare=False)
    """What it notifies for: 'all', 'mentions', 'never' ('' when it cannot notify); left out
    of comparisons, which are about what the list shows."""


ViewFactory = Callable[[str], ChatView]
"""Makes a view given the initial theme name ('light' or 'dark')."""
