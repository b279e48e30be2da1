"""The client's IRC session, sans I/O: feed it each server Message, get events and replies back.
A façade over the pieces in app/models: the shared state, the handlers' table, and the builders
of the lines we send; controllers talk to this object only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app.models import events as ev
from app.models.capabilities import CapNegotiation
from app.models.commandbuilder import CommandBuilder
from app.models.entries import EntryMaker
from app.models.features import ChanModes, ServerFeatures
from app.models.handlers.table import dispatch
from app.models.log import EntryKind, LogEntry
from app.models.login import Login
from app.models.multiline import Limits, message_text
from app.models.outcome import Outcome
from app.models.roster import Channel, ChannelRoster
from app.models.sessionstate import SessionState
from app.models.users import UserItem
from ircproto.message import Message
from ircproto.version import client_version


class Session:
    """One registration's worth of IRC state. Make a new one for each connection."""

    def __init__(
        self,
        nick: str,
        *,
        fallback_nicks: tuple[str, ...] = (),
        username: str = "localchat",
        realname: str = client_version(),
        use_cap: bool = True,
        clock: Callable[[], datetime] = datetime.now,
        login: Login | None = None,
    ) -> None:
        """login: the account password to log in with, or whether to register the nick
        (default: no password, register when the server offers it)."""
        features = ServerFeatures()
        self._state = SessionState(nick, EntryMaker(clock), features, ChannelRoster(features),
                                   CapNegotiation(use_cap), login=login or Login(),
                                   fallback_nicks=list(fallback_nicks))
        self._build = CommandBuilder(features)
        self._username = username
        self._realname = realname

    # --- what we know ---

    @property
    def nick(self) -> str:
        """Our nick as the server knows it (or the one we are trying, before registration)."""
        return self._state.nick

    @property
    def server(self) -> str:
        """The server's name from its welcome ('' before registration)."""
        return self._state.server

    @property
    def registered(self) -> bool:
        """True once the server welcomed us (001)."""
        return self._state.registered

    @property
    def caps(self) -> set[str]:
        """The IRCv3 capabilities the server granted."""
        return self._state.caps.granted

    @property
    def echoes(self) -> bool:
        """True when the server echoes our own messages back (echo-message)."""
        return self._state.caps.echoes

    @property
    def account(self) -> str:
        """The account we are logged in to ('' for a guest)."""
        return self._state.login.account

    @property
    def credential(self) -> str:
        """The account password this session logs in or registers with ('' for none)."""
        return self._state.login.password

    @property
    def does_accounts(self) -> bool:
        """True when the server offers SASL: private history is then for accounts only."""
        return "sasl" in self._state.caps.offered

    @property
    def multiline(self) -> Limits | None:
        """The limits of a multiline message where the server takes them (draft/multiline with
        batch); None where each line is a message of its own."""
        return self._state.caps.multiline

    @property
    def has_history(self) -> bool:
        """True when the server answers CHATHISTORY in batches we can tell apart."""
        return self._state.caps.has_history

    # ISUPPORT, as ServerFeatures holds it

    @property
    def network(self) -> str:
        """The network's name (ISUPPORT NETWORK; '' when not given)."""
        return self._state.features.network

    @property
    def casemapping(self) -> str:
        """How the server folds nicks and channel names (ISUPPORT CASEMAPPING)."""
        return self._state.features.casemapping

    @property
    def chantypes(self) -> str:
        """The characters a channel name starts with (ISUPPORT CHANTYPES)."""
        return self._state.features.chantypes

    @property
    def nicklen(self) -> int:
        """The longest nick the server takes (ISUPPORT NICKLEN)."""
        return self._state.features.nicklen

    @property
    def prefix_modes(self) -> str:
        """The channel modes that give a prefix, highest first (ISUPPORT PREFIX)."""
        return self._state.features.prefix_modes

    @property
    def prefixes(self) -> str:
        """The channel prefixes, highest first, matching prefix_modes (ISUPPORT PREFIX)."""
        return self._state.features.prefixes

    @property
    def chanmodes(self) -> ChanModes:
        """The channel modes by how they take arguments (ISUPPORT CHANMODES)."""
        return self._state.features.chanmodes

    @property
    def history_limit(self) -> int:
        """ISUPPORT CHATHISTORY: the most messages one CHATHISTORY request returns (0: none)."""
        return self._state.features.history_limit

    # --- queries ---

    def key(self, name: str) -> str:
        """The casefolded key of a nick or channel under the server's CASEMAPPING."""
        return self._state.features.key(name)

    def is_channel(self, name: str) -> bool:
        """True when name is a channel name for this server."""
        return self._state.features.is_channel(name)

    def is_own(self, nick: str) -> bool:
        """True when nick is ours."""
        return self._state.is_own(nick)

    def channel(self, name: str) -> Channel | None:
        """The channel we are in called name, or None."""
        return self._state.roster.get(name)

    def channels(self) -> list[str]:
        """The names of the channels we are in, in the order we joined them."""
        return self._state.roster.names()

    def users(self, channel: str) -> list[UserItem]:
        """Who is in channel, sorted for display; [] when we are not there."""
        found = self.channel(channel)
        return found.users.items() if found else []

    # --- reading what we receive ---

    def feed(self, message: Message) -> Outcome:
        """Apply one message from the server; return what happened and what to answer."""
        return dispatch(self._state, message)

    # --- building what we send ---

    @property
    def build(self) -> CommandBuilder:
        """The builder of our commands under the server's features (WHOIS, KICK, MODE, ...)."""
        return self._build

    def start(self) -> list[Message]:
        """The lines that open registration."""
        return self._build.registration(self.nick, self._username, self._realname,
                                        self._state.caps.opening())

    def say(self, target: str, text: str) -> Outcome:
        """PRIVMSGs carrying text to target (split to fit), and our own log lines for them."""
        return self._speak(target, text, action=False)

    def act(self, target: str, text: str) -> Outcome:
        """CTCP ACTIONs (/me) carrying text to target, and our own log lines for them."""
        return self._speak(target, text, action=True)

    def _speak(self, target: str, text: str, action: bool) -> Outcome:
        out = Outcome()
        for entry, messages in self.speech(target, text, action):
            out.outgoing += messages
            out.emit(ev.MessageReceived(entry))
        return out

    def speech(self, target: str, text: str, action: bool = False, reply_to: str = "",
               quote: str = "") -> list[tuple[LogEntry, list[Message]]]:
        """What saying text to target takes: (our own log line, the messages it goes out in)
        for each message. Text of several lines is one multiline message (or a few, within
        the server's limits) where the server takes them, else a message per line; reply_to
        (with the quote the log shows of it) makes the first one a reply."""
        kind = EntryKind.ACTION if action else EntryKind.CHAT
        private = not self.is_channel(target)
        said = self._said(target, text, action, reply_to)
        return [(LogEntry(self._state.log.now(), self.nick, target, piece, kind, True, private,
                          reply_to=reply_to if index == 0 else "",
                          quote=quote if index == 0 else ""), messages)
                for index, (piece, messages) in enumerate(said)]

    def _said(self, target: str, text: str, action: bool,
              reply_to: str) -> list[tuple[str, list[Message]]]:
        limits = self.multiline
        if limits is not None and not action and "\n" in message_text(text):
            return self._build.multiline(self.nick, target, text, limits, reply_to)
        return [(piece, [message]) for piece, message in
                self._build.speech(self.nick, target, text, action, reply_to)]

    def messages_for(self, target: str, text: str, action: bool = False,
                     reply_to: str = "") -> list[Message]:
        """The messages that carry one line of ours (kept in the outbox) on this connection."""
        return [message for _, messages in self._said(target, text, action, reply_to)
                for message in messages]

    def react(self, target: str, msgid: str, reaction: str, added: bool = True) -> Message:
        """TAGMSG reacting to msgid in target (+draft/react), or taking it back."""
        return self._build.react(target, msgid, reaction, added)

    def redact(self, target: str, msgid: str) -> Message:
        """REDACT target msgid."""
        return self._build.redact(target, msgid)

    def privmsg(self, target: str, text: str, action: bool = False) -> Message:
        """One PRIVMSG of ours (a CTCP ACTION for /me); InvalidInput when the wire format
        refuses the text."""
        return self._build.privmsg(target, text, action)

    def join(self, channel: str, key: str = "") -> Message:
        """JOIN channel (with key, for a channel under +k); InvalidInput when the name is not a
        valid channel."""
        line = self._build.join(channel, key)
        if key:
            self._state.join_keys[self.key(channel)] = key
        return line

    def part(self, channel: str, reason: str = "") -> Message:
        """PART channel."""
        return self._build.part(channel, reason)

    def change_nick(self, nick: str) -> Message:
        """NICK nick; InvalidInput with the reason when nick is not valid."""
        return self._build.change_nick(nick)

    def topic(self, channel: str, text: str | None = None) -> Message:
        """Ask for channel's topic (text None) or set it."""
        return self._build.topic(channel, text)

    def history(self, sub: str, target: str, *refs: str) -> Message:
        """CHATHISTORY sub target refs... limit (LATEST/AFTER: a ref; TARGETS: two times)."""
        return self._build.history(sub, target, *refs)

    def history_targets(self, since: datetime, until: datetime) -> Message:
        """CHATHISTORY TARGETS: the conversations active between since and until."""
        return self._build.history_targets(since, until)

    def mark_read(self, target: str, moment: datetime) -> Message:
        """MARKREAD target timestamp=moment."""
        return self._build.mark_read(target, moment)

    def change_password(self, current: str, new: str) -> Message:
        """PASSWD current new (our server's command); InvalidInput when new is not one word."""
        return self._build.change_password(current, new)

    def quit(self, reason: str = "") -> Message:
        """QUIT with reason."""
        return self._build.quit(reason)
