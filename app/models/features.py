"""What the server's ISUPPORT (005) tokens tell the client: how names fold, which prefixes mark
a channel, the nick length, channel prefixes and modes, the network name, the history limit.
Defaults stand in for a server that says nothing."""

from __future__ import annotations

from dataclasses import dataclass

from app.models.users import DEFAULT_PREFIXES
from ircproto.casemap import DEFAULT_CASEMAPPING, casefold, known_casemappings
from ircproto.names import CHANTYPES, NICKLEN, is_channel

ChanModes = tuple[str, str, str, str]


@dataclass
class ServerFeatures:
    """The ISUPPORT values we use, updated one token at a time."""

    casemapping: str = DEFAULT_CASEMAPPING
    chantypes: str = CHANTYPES
    nicklen: int = NICKLEN
    prefix_modes: str = "qaohv"
    """Channel modes that give a prefix, highest first ('o' for op), matching prefixes."""
    prefixes: str = DEFAULT_PREFIXES
    chanmodes: ChanModes = ("beI", "k", "l", "imnpst")
    """CHANMODES groups: list modes, always with an arg, with an arg when set, never."""
    network: str = ""
    history_limit: int = 0
    """CHATHISTORY: the most messages one CHATHISTORY request returns (0: none)."""

    def apply(self, token: str) -> None:
        """Take one ISUPPORT token ('NAME=value' or 'NAME'); ignore what we do not use or
        cannot read."""
        name, _, value = token.partition("=")
        name = name.upper()
        if name == "CASEMAPPING" and value in known_casemappings():
            self.casemapping = value
        elif name == "CHANTYPES" and value:
            self.chantypes = value
        elif name == "NICKLEN" and value.isdigit():
            self.nicklen = int(value)
        elif name == "CHATHISTORY" and value.isdigit():
            self.history_limit = int(value)
        elif name == "NETWORK":
            self.network = value
        elif name == "CHANMODES" and value.count(",") >= 3:
            a, b, c, d = value.split(",")[:4]
            self.chanmodes = (a, b, c, d)
        elif name == "PREFIX":
            self._apply_prefix(value)

    def _apply_prefix(self, value: str) -> None:
        """PREFIX=(modes)prefixes, e.g. (ov)@+."""
        if value.startswith("(") and ")" in value:
            modes, _, prefixes = value[1:].partition(")")
            if len(modes) == len(prefixes):
                self.prefix_modes, self.prefixes = modes, prefixes

    def key(self, name: str) -> str:
        """The casefolded key of a nick or channel under the server's CASEMAPPING."""
        return casefold(name, self.casemapping)

    def is_channel(self, name: str) -> bool:
        """True when name is a channel name for this server."""
        return is_channel(name, self.chantypes)

    def prefix_for(self, mode: str) -> str:
        """The prefix a prefix mode gives ('@' for 'o'); '' when mode gives none."""
        index = self.prefix_modes.find(mode)
        return self.prefixes[index] if mode and index >= 0 else ""
