"""What one connection knows, shared by the handlers of incoming lines: our nick and the server's
name, whether we are registered, the server's features and caps, logging in, our channels, open
batches, and the maker of log entries."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.models.batches import BatchTracker
from app.models.capabilities import CapNegotiation
from app.models.entries import EntryMaker
from app.models.features import ServerFeatures
from app.models.login import Login
from app.models.roster import ChannelRoster


def nick_of(source: str | None) -> str:
    """The nick in 'nick!user@host' (or the server's name when the source is a server)."""
    return (source or "").split("!", 1)[0]


@dataclass
class SessionState:
    """One registration's worth of IRC state; the handlers read and change it."""

    nick: str
    log: EntryMaker
    features: ServerFeatures
    roster: ChannelRoster
    caps: CapNegotiation = field(default_factory=CapNegotiation)
    batches: BatchTracker = field(default_factory=BatchTracker)
    login: Login = field(default_factory=Login)
    fallback_nicks: list[str] = field(default_factory=list)
    """Nicks to try, in order, while the server says ours is in use before registration."""
    server: str = ""
    registered: bool = False
    who_pending: set[str] = field(default_factory=set)
    """The (folded) channels whose WHO we asked for after joining, to learn who is away."""
    join_keys: dict[str, str] = field(default_factory=dict)
    """The key we gave in a JOIN not yet answered, by folded channel name."""

    def is_own(self, nick: str) -> bool:
        """True when nick is ours."""
        return self.features.key(nick) == self.features.key(self.nick)
