"""What one step of the session produced: events for the UI and messages for the server."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.models import events as ev
from ircproto.message import Message


@dataclass
class Outcome:
    """What one step of the session produced: events for the UI, messages for the server."""

    events: list[ev.Event] = field(default_factory=list)
    outgoing: list[Message] = field(default_factory=list)

    def send(self, command: str, *params: str) -> None:
        """Queue a message to the server."""
        self.outgoing.append(Message(command, params))

    def emit(self, *events: ev.Event) -> None:
        """Report events to the UI, in order."""
        self.events.extend(events)
