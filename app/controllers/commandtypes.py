"""What a slash command may read and do (CommandContext, implemented by the controller) and
how one is declared (Command): shared by the command tables in commands.py and chatcommands.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from app.controllers.alerts import Alerts
from app.models.ignores import IgnoreList
from app.models.session import Session
from app.models.settings import ConnectParams, PinRemoval
from app.models.userinput import InvalidInput
from ircproto.message import Message


class CommandContext(Protocol):
    """What a slash command may read and do (the controller implements it)."""

    @property
    def online(self) -> bool: ...

    @property
    def alerts(self) -> Alerts: ...

    @property
    def session(self) -> Session | None: ...

    @property
    def current(self) -> str | None: ...

    @property
    def params(self) -> ConnectParams: ...

    def inform(self, *texts: str) -> None:
        """Show system lines."""

    def say(self, text: str, target: str | None = None, action: bool = False) -> bool:
        """Send chat text (True); InvalidInput when it cannot be."""

    def send(self, message: Message) -> bool:
        """Send one message; False (with an error line) when it is too long."""

    def switch_to(self, name: str | None) -> None:
        """Show and talk to a conversation."""

    def on_users(self) -> None:
        """Show who is here."""

    def shut_down(self, reason: str = "") -> None:
        """Leave and close the window."""

    def forget_certificate(self, server_id: str) -> PinRemoval:
        """Remove a server's pinned certificate."""

    def change_password(self, new: str) -> bool:
        """Ask the server to change our account's password to new; InvalidInput when we
        cannot."""

    def clear_conversation(self) -> None:
        """Empty the log of the conversation shown (here only, not on the server)."""

    @property
    def ignores(self) -> IgnoreList:
        """The nicks whose lines are not shown."""

    def save_ignores(self) -> bool:
        """Remember the ignore list in the settings; False (with an error line) when that
        failed."""

    def set_option(self, name: str, value: str) -> None:
        """/set name value: change and remember a chat option (value '' shows them all);
        InvalidInput for an unknown one."""

    def set_away(self, text: str) -> bool:
        """/away text or /back (text ''): the user's own away, which automatic away leaves
        alone."""


Handler = Callable[[CommandContext, str], bool]


@dataclass(frozen=True, slots=True)
class Command:
    """One slash command: how to use it, what it does, whether it needs the server."""

    usage: str
    summary: str
    handler: Handler
    needs_args: bool = False
    online: bool = True
    multiline: bool = False
    """The text may hold several lines (each is sent as its own message)."""


def session_of(context: CommandContext) -> Session:
    """The session of a command that needs the server (run() checked that we are online)."""
    session = context.session
    assert session is not None, "an online command ran without a session"
    return session


def usage_error(command: Command) -> InvalidInput:
    """The error that shows how to use command."""
    return InvalidInput(f"Usage: {command.usage}")
