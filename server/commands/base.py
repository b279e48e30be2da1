"""The command table: COMMAND -> handler with its preconditions, and the Context handlers use.

dispatch() checks the preconditions (421, 451, 461) so handlers start from valid input.
A handler raises ReplyError to answer with a numeric; it never touches a socket.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ircproto.message import Message
from server.delivery import Outgoing
from server.state import Client, State


class ReplyError(Exception):
    """Raised by a handler: becomes the numeric `<numeric> <nick> <params...>` to the sender."""

    def __init__(self, numeric: str, *params: str) -> None:
        super().__init__(numeric, *params)
        self.numeric = numeric
        self.params = params


@dataclass
class Context:
    """One command's view of the server: the state, the sender and what to send afterwards."""

    state: State
    client: Client
    out: Outgoing = field(default_factory=Outgoing)
    close_reason: str | None = None  # set when the connection must end after this batch
    close_error: str = ""  # the ERROR line the client gets before it is closed

    @property
    def server_name(self) -> str:
        return self.state.config.name

    def reply(self, numeric: str, *params: str) -> None:
        """Send the sender a numeric from the server: `:server <numeric> <nick> <params...>`.
        Echoed input that cannot be a middle param (empty, spaces, leading ':') is made safe."""
        middle = [safe_middle(param) for param in params[:-1]]
        full = (self.client.nick, *middle, *params[-1:])
        self.send(self.client, Message(numeric, full, self.server_name))

    def notice(self, text: str) -> None:
        self.send(self.client, Message("NOTICE", (self.client.nick, text), self.server_name))

    def send(self, client: Client, message: Message) -> None:
        self.out.send(client, message)

    def broadcast(self, clients: list[Client] | set[Client], message: Message) -> None:
        self.out.broadcast(clients, message)

    def close(self, reason: str, error: str) -> None:
        self.close_reason, self.close_error = reason, error


def safe_middle(param: str) -> str:
    """param as a middle param: spaces become '_', a leading ':' goes, empty becomes '*'."""
    if param and " " not in param and param[0] != ":":
        return param
    return param.replace(" ", "_").lstrip(":") or "*"


Handler = Callable[[Context, Message], None]


@dataclass(frozen=True)
class Command:
    """A table entry: the handler and what must hold before it runs."""

    handler: Handler
    min_params: int = 0
    registered: bool = True
    silent: bool = False  # NOTICE: never answer with an error


COMMANDS: dict[str, Command] = {}


def command(
    name: str, min_params: int = 0, registered: bool = True, silent: bool = False
) -> Callable[[Handler], Handler]:
    """Decorator: put the handler in the table under name."""

    def register(handler: Handler) -> Handler:
        COMMANDS[name] = Command(handler, min_params, registered, silent)
        return handler

    return register
