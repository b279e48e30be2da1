"""IRCv3 capability negotiation before registration (CAP LS 302, REQ, ACK/NAK, END) and the
capabilities the server granted."""

from __future__ import annotations

from app.models.multiline import MULTILINE_CAP, Limits, parse_limits
from ircproto.message import Message

WANTED_CAPS = {"multi-prefix", "message-tags", "server-time", "echo-message", "batch",
               "away-notify", "draft/chathistory", "draft/read-marker", "cap-notify", "sasl",
               "soju.im/search", "draft/multiline", "draft/message-redaction",
               "draft/event-playback"}
"""IRCv3 capabilities we ask for when offered: every prefix in NAMES, tags with the original
time and a msgid, our own messages echoed back, history in batches, read markers, SASL (not
draft/account-registration: that spec says not to request it, REGISTER works without), server
side search (soju.im/search), multiline messages (draft/multiline) and deleting messages
(draft/message-redaction), and history that replays reactions (draft/event-playback: other
events a server replays are passed over, see handlers.table)."""


class CapNegotiation:
    """What the server offered and granted; turns its CAP replies into our next CAP line."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        """False when we do not negotiate (asked not to, or the server does not know CAP)."""
        self.offered: set[str] = set()
        self.values: dict[str, str] = {}
        """The value each offered capability came with in CAP LS 302 ('' for none)."""
        self.granted: set[str] = set()
        """The capabilities the server acknowledged."""

    def opening(self) -> list[Message]:
        """The line that starts negotiation, when we negotiate."""
        return [Message("CAP", ("LS", "302"))] if self.enabled else []

    # CAP <target> LS|ACK|NAK [*] :<caps>
    def reply(self, message: Message) -> list[Message]:
        """Our answer to a CAP LS, ACK or NAK: REQ the wanted caps offered, or END."""
        sub = message.param(1).upper()
        if sub == "LS":
            for cap in message.param(-1).split():
                name, _, value = cap.partition("=")
                self.offered.add(name)
                self.values[name] = value
            if message.param(2) == "*" and len(message.params) > 3:
                return []  # more LS lines follow
            wanted = sorted(WANTED_CAPS & self.offered)
            if wanted:
                return [Message("CAP", ("REQ", " ".join(wanted)))]
        elif sub == "ACK":
            self.granted.update(message.param(-1).split())
        elif sub != "NAK":
            return []
        return [Message("CAP", ("END",))]

    @property
    def echoes(self) -> bool:
        """True when the server echoes our own messages back (echo-message)."""
        return "echo-message" in self.granted

    @property
    def has_history(self) -> bool:
        """True when the server answers CHATHISTORY in batches we can tell apart."""
        return "draft/chathistory" in self.granted and "batch" in self.granted

    @property
    def multiline(self) -> Limits | None:
        """The limits of a multiline message, when the server granted draft/multiline (with
        batch, which it needs); None otherwise."""
        if MULTILINE_CAP not in self.granted or "batch" not in self.granted:
            return None
        return parse_limits(self.values.get(MULTILINE_CAP, ""))

    @property
    def sasl_mechanisms(self) -> list[str]:
        """The SASL mechanisms the server listed (sasl=PLAIN,SCRAM-SHA-256); [] when none."""
        return [name for name in self.values.get("sasl", "").split(",") if name]
