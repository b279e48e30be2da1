"""The client's IRC session, sans I/O: feed it each server Message, get events and replies back.
It registers (CAP LS 302, IRCv3 caps, NICK, USER), answers PING, reads ISUPPORT, tracks channels,
user lists and history batches, and builds the lines we send."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from app.models import events as ev
from app.models.log import EntryKind, LogEntry
from app.models.splitter import payload_budget, split_text
from app.models.userinput import InvalidInput
from app.models.users import DEFAULT_PREFIXES, UserItem, UserList
from ircproto import numerics as num
from ircproto.casemap import DEFAULT_CASEMAPPING, casefold, known_casemappings
from ircproto.message import Message, MessageError
from ircproto.names import CHANTYPES, NICKLEN, is_channel, is_valid_channel, nick_error
from ircproto.servertime import format_server_time, parse_server_time

CLIENT_VERSION = "LocalChat 0.1"
WANTED_CAPS = {"multi-prefix", "message-tags", "server-time", "echo-message", "batch",
               "away-notify", "draft/chathistory", "draft/read-marker", "cap-notify"}
"""IRCv3 capabilities we ask for when offered: every prefix in NAMES, tags with the original
time and a msgid, our own messages echoed back, history in batches, read markers."""
HISTORY_BATCHES = ("chathistory", "draft/chathistory-targets")
_NICK_ERRORS = (num.ERR_ERRONEUSNICKNAME, num.ERR_NICKNAMEINUSE, "436", num.ERR_NONICKNAMEGIVEN)
_MIN_PARAMS = {"JOIN": 1, "PART": 1, "KICK": 2, "NICK": 1, "TOPIC": 2, "MODE": 1, "PRIVMSG": 2,
               "NOTICE": 2, "INVITE": 2, "CAP": 2, num.RPL_TOPIC: 3, num.RPL_NAMREPLY: 4,
               num.RPL_ENDOFNAMES: 2, num.RPL_NOTOPIC: 2}
_QUIET = {num.RPL_MYINFO, num.RPL_ISUPPORT, num.RPL_TOPICWHOTIME, num.RPL_CREATIONTIME,
          num.RPL_ENDOFMOTD, num.RPL_CHANNELMODEIS, "396"}


def ctcp(command: str, arg: str = "") -> str:
    """A CTCP body (ACTION, VERSION, PING) framed in \\x01 for a PRIVMSG or NOTICE."""
    return f"\x01{command} {arg}\x01" if arg else f"\x01{command}\x01"


ACTION_WRAP = len(ctcp("ACTION", "x")) - 1
"""How many bytes the CTCP ACTION framing adds to a /me line."""


@dataclass
class Outcome:
    """What one step of the session produced: events for the UI, messages for the server."""

    events: list[ev.Event] = field(default_factory=list)
    outgoing: list[Message] = field(default_factory=list)

    def send(self, command: str, *params: str) -> None:
        """Queue a message to the server."""
        self.outgoing.append(Message(command, params))


@dataclass
class Channel:
    """A channel we are in."""

    name: str
    users: UserList
    topic: str = ""


def nick_of(source: str | None) -> str:
    """The nick in 'nick!user@host' (or the server's name when the source is a server)."""
    return (source or "").split("!", 1)[0]


class Session:
    """One registration's worth of IRC state. Make a new one for each connection."""

    def __init__(
        self,
        nick: str,
        *,
        fallback_nicks: tuple[str, ...] = (),
        username: str = "localchat",
        realname: str = "LocalChat user",
        use_cap: bool = True,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.nick = nick
        self.server = ""
        self.registered = False
        self.network = ""
        self.casemapping = DEFAULT_CASEMAPPING
        self.chantypes = CHANTYPES
        self.nicklen = NICKLEN
        self.prefix_modes = "qaohv"
        self.prefixes = DEFAULT_PREFIXES
        self.chanmodes = ("beI", "k", "l", "imnpst")
        self._fallbacks = list(fallback_nicks)
        self._username = username
        self._realname = realname
        self._use_cap = use_cap
        self._clock = clock
        self._channels: dict[str, Channel] = {}
        self._offered: set[str] = set()
        self.caps: set[str] = set()
        self._names: dict[str, UserList] = {}
        self._message = Message("PING")
        self._batches: dict[str, tuple[str, ...]] = {}
        """Open BATCHes: reference -> (type, params...)."""
        self._batch_count: dict[str, int] = {}
        self._batch_last: dict[str, str] = {}
        self.history_limit = 0
        """ISUPPORT CHATHISTORY: the most messages one CHATHISTORY request returns (0: none)."""

    # --- queries ---

    def key(self, name: str) -> str:
        """The casefolded key of a nick or channel under the server's CASEMAPPING."""
        return casefold(name, self.casemapping)

    def is_channel(self, name: str) -> bool:
        """True when name is a channel name for this server."""
        return is_channel(name, self.chantypes)

    def is_own(self, nick: str) -> bool:
        """True when nick is ours."""
        return self.key(nick) == self.key(self.nick)

    def channel(self, name: str) -> Channel | None:
        """The channel we are in called name, or None."""
        return self._channels.get(self.key(name))

    def channels(self) -> list[str]:
        """The names of the channels we are in, in the order we joined them."""
        return [channel.name for channel in self._channels.values()]

    def users(self, channel: str) -> list[UserItem]:
        """Who is in channel, sorted for display; [] when we are not there."""
        found = self.channel(channel)
        return found.users.items() if found else []

    @property
    def echoes(self) -> bool:
        """True when the server echoes our own messages back (echo-message)."""
        return "echo-message" in self.caps

    @property
    def has_history(self) -> bool:
        """True when the server answers CHATHISTORY in batches we can tell apart."""
        return "draft/chathistory" in self.caps and "batch" in self.caps

    # --- building what we send ---

    def start(self) -> list[Message]:
        """The lines that open registration."""
        out = Outcome()
        if self._use_cap:
            out.send("CAP", "LS", "302")
        out.send("NICK", self.nick)
        out.send("USER", self._username, "0", "*", self._realname)
        return out.outgoing

    def say(self, target: str, text: str) -> Outcome:
        """PRIVMSGs carrying text to target (split to fit), and our own log lines for them."""
        return self._speak(target, text, action=False)

    def act(self, target: str, text: str) -> Outcome:
        """CTCP ACTIONs (/me) carrying text to target, and our own log lines for them."""
        return self._speak(target, text, action=True)

    def _speak(self, target: str, text: str, action: bool) -> Outcome:
        self._check_target(target)
        out = Outcome()
        extra = ACTION_WRAP if action else 0
        budget = payload_budget(self.nick, "PRIVMSG", target, extra)
        kind = EntryKind.ACTION if action else EntryKind.CHAT
        private = not self.is_channel(target)
        for piece in split_text(text, budget):
            out.outgoing.append(self.privmsg(target, piece, action))
            out.events.append(self._entry(self.nick, target, piece, kind, own=True,
                                          private=private))
        return out

    def privmsg(self, target: str, text: str, action: bool = False) -> Message:
        """One PRIVMSG of ours (a CTCP ACTION for /me); InvalidInput when the wire format
        refuses the text."""
        return _typed("PRIVMSG", target, ctcp("ACTION", text) if action else text)

    def _check_target(self, target: str) -> None:
        if self.is_channel(target):
            if not is_valid_channel(target, self.chantypes):
                raise InvalidInput(f"'{target}' is not a valid channel name")
        elif nick_error(target, max(self.nicklen, NICKLEN)):
            raise InvalidInput(f"'{target}' is not a valid nick")

    def join(self, channel: str) -> Message:
        """JOIN channel; InvalidInput when the name is not a valid channel."""
        if not is_valid_channel(channel, self.chantypes):
            raise InvalidInput(f"'{channel}' is not a valid channel name "
                               f"(it starts with one of {self.chantypes})")
        return _typed("JOIN", channel)

    def part(self, channel: str, reason: str = "") -> Message:
        """PART channel."""
        return _typed("PART", channel, reason) if reason else _typed("PART", channel)

    def change_nick(self, nick: str) -> Message:
        """NICK nick; InvalidInput with the reason when nick is not valid."""
        error = nick_error(nick, self.nicklen)
        if error:
            raise InvalidInput(error)
        return _typed("NICK", nick)

    def topic(self, channel: str, text: str | None = None) -> Message:
        """Ask for channel's topic (text None) or set it."""
        return _typed("TOPIC", channel) if text is None else _typed("TOPIC", channel, text)

    def history(self, sub: str, target: str, *refs: str) -> Message:
        """CHATHISTORY sub target refs... limit (LATEST/AFTER: a ref; TARGETS: two times)."""
        return Message("CHATHISTORY", (sub, target, *refs, str(self.history_limit)))

    def history_targets(self, since: datetime, until: datetime) -> Message:
        """CHATHISTORY TARGETS: the conversations active between since and until."""
        return Message("CHATHISTORY", ("TARGETS", f"timestamp={format_server_time(since)}",
                                       f"timestamp={format_server_time(until)}",
                                       str(self.history_limit)))

    def mark_read(self, target: str, moment: datetime) -> Message:
        """MARKREAD target timestamp=moment."""
        return Message("MARKREAD", (target, f"timestamp={format_server_time(moment)}"))

    def quit(self, reason: str = "") -> Message:
        """QUIT with reason."""
        return Message("QUIT", (reason,) if reason else ())

    # --- reading what we receive ---

    def feed(self, message: Message) -> Outcome:
        """Apply one message from the server; return what happened and what to answer."""
        out = Outcome()
        self._message = message
        verb = message.verb
        handler = getattr(self, f"handle_{verb.lower()}", None)
        if len(message.params) < _MIN_PARAMS.get(verb, 0) or not all(message.params[:-1]):
            self._error(out, f"Ignored a malformed {verb} from the server: {message.format()}")
        elif handler is not None:
            handler(message, out)
        elif verb.isdigit():
            self._numeric(message, out)
        else:
            self._system(out, f"[{message.format()}]")
        return out

    def _entry(self, sender: str, target: str, text: str, kind: EntryKind = EntryKind.SYSTEM,
               *, own: bool = False, private: bool = False) -> ev.MessageReceived:
        return ev.MessageReceived(LogEntry(self._clock(), sender, target, text, kind, own, private))

    def _tagged(self, sender: str, target: str, text: str, kind: EntryKind,
                private: bool) -> ev.MessageReceived:
        """A chat line from the server, with its original time, msgid and replay mark."""
        tags = self._message.tags
        moment = parse_time(tags.get("time", "")) or self._clock()
        entry = LogEntry(moment, sender, target, text, kind, self.is_own(sender), private,
                         tags.get("msgid", ""), False, self._replayed())
        return ev.MessageReceived(entry)

    def _replayed(self) -> bool:
        ref = self._message.tags.get("batch", "")
        kind = self._batches.get(ref, ("",))[0]
        if ref in self._batch_count:
            self._batch_count[ref] += 1
            self._batch_last[ref] = self._message.tags.get("msgid", self._batch_last[ref])
        return kind in HISTORY_BATCHES

    def _system(self, out: Outcome, text: str, target: str = "") -> None:
        out.events.append(self._entry("", target, text, EntryKind.SYSTEM))

    def _error(self, out: Outcome, text: str, target: str = "") -> None:
        out.events.append(self._entry("", target, text, EntryKind.ERROR))

    # PING <token>
    def handle_ping(self, message: Message, out: Outcome) -> None:
        out.send("PONG", message.param(0) or self.server or "localchat")

    # PONG <server> <token>
    def handle_pong(self, message: Message, out: Outcome) -> None:
        pass

    # CAP <target> LS|ACK|NAK|NEW|DEL [*] :<caps>
    def handle_cap(self, message: Message, out: Outcome) -> None:
        sub = message.param(1).upper()
        if self.registered or sub not in ("LS", "ACK", "NAK"):
            return
        if sub == "LS":
            self._offered.update(cap.split("=", 1)[0] for cap in message.param(-1).split())
            if message.param(2) == "*" and len(message.params) > 3:
                return  # more LS lines follow
            wanted = sorted(WANTED_CAPS & self._offered)
            if wanted:
                out.send("CAP", "REQ", " ".join(wanted))
                return
        elif sub == "ACK":
            self.caps.update(message.param(-1).split())
        out.send("CAP", "END")

    # BATCH +<reference> <type> [<params>...] / BATCH -<reference>
    def handle_batch(self, message: Message, out: Outcome) -> None:
        ref = message.param(0)
        if ref.startswith("+") and len(message.params) > 1:
            self._batches[ref[1:]] = tuple(message.params[1:])
            self._batch_count[ref[1:]] = 0
            self._batch_last[ref[1:]] = ""
        elif ref.startswith("-"):
            kind = self._batches.pop(ref[1:], ("",))
            count = self._batch_count.pop(ref[1:], 0)
            last = self._batch_last.pop(ref[1:], "")
            if kind[0] == "chathistory" and len(kind) > 1:
                out.events.append(ev.HistoryReceived(kind[1], count, last))
            elif kind[0] == "draft/chathistory-targets":
                out.events.append(ev.HistoryReceived("", count))

    # CHATHISTORY TARGETS <target> <timestamp>
    def handle_chathistory(self, message: Message, out: Outcome) -> None:
        self._replayed()
        moment = parse_time(message.param(2))
        if message.param(0).upper() == "TARGETS" and message.param(1) and moment:
            out.events.append(ev.HistoryTargetFound(message.param(1), moment))

    # MARKREAD <target> timestamp=<timestamp>|*
    def handle_markread(self, message: Message, out: Outcome) -> None:
        moment = parse_time(message.param(1).removeprefix("timestamp="))
        if message.param(0) and moment is not None:
            out.events.append(ev.ReadMarkerSet(message.param(0), moment))

    # FAIL <command> <code> [<context>...] :<description>
    def handle_fail(self, message: Message, out: Outcome) -> None:
        out.events.append(ev.RequestFailed(message.param(0).upper(), message.param(1),
                                           tuple(message.params[2:-1])))
        self._error(out, f"{message.param(0)} failed: {message.param(-1)}")

    # AWAY [:<message>]  (away-notify)
    def handle_away(self, message: Message, out: Outcome) -> None:
        pass

    # ERROR :<reason>
    def handle_error(self, message: Message, out: Outcome) -> None:
        reason = message.param(-1) or "no reason given"
        out.events.append(ev.ErrorReceived(reason))
        self._error(out, f"The server closed the link: {reason}")

    # 001 <client> :<welcome text>
    def handle_001(self, message: Message, out: Outcome) -> None:
        self.registered = True
        self.nick = message.param(0, self.nick)
        self.server = message.source or ""
        out.events.append(ev.Registered(self.nick, self.server))
        self._system(out, message.param(-1))

    # 005 <client> <token>{ <token>} :are supported by this server
    def handle_005(self, message: Message, out: Outcome) -> None:
        for token in message.params[1:-1]:
            name, _, value = token.partition("=")
            self._isupport(name.upper(), value)

    def _isupport(self, name: str, value: str) -> None:
        if name == "CASEMAPPING" and value in known_casemappings():
            self._rekey(value)
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
        elif name == "PREFIX" and value.startswith("(") and ")" in value:
            modes, _, prefixes = value[1:].partition(")")
            if len(modes) == len(prefixes):
                self.prefix_modes, self.prefixes = modes, prefixes

    def _rekey(self, casemapping: str) -> None:
        self.casemapping = casemapping
        self._channels = {self.key(c.name): c for c in self._channels.values()}

    # 432/433/436 <client> <nick> :<reason>
    def _nick_error(self, message: Message, out: Outcome) -> None:
        nick = message.param(1) if len(message.params) > 2 else self.nick
        reason = message.param(-1)
        if self.registered:
            self._error(out, f"Cannot change nick to {nick}: {reason}")
        elif message.command == num.ERR_NICKNAMEINUSE and self._fallbacks:
            self.nick = self._fallbacks.pop(0)
            self._system(out, f"The nick {nick} is already in use; trying {self.nick}")
            out.send("NICK", self.nick)
        else:
            out.events.append(ev.NickRejected(message.command, nick, f"{nick}: {reason}"))

    # 332 <client> <channel> :<topic>
    def handle_332(self, message: Message, out: Outcome) -> None:
        name, topic = message.param(1), message.param(2)
        found = self.channel(name)
        if found:
            found.topic = topic
        out.events.append(ev.TopicChanged(name, topic))
        self._system(out, f"Topic of {name}: {topic}", name)

    # 331 <client> <channel> :No topic is set
    def handle_331(self, message: Message, out: Outcome) -> None:
        self._system(out, f"{message.param(1)} has no topic", message.param(1))

    # 353 <client> <symbol> <channel> :[prefix]<nick>{ [prefix]<nick>}
    def handle_353(self, message: Message, out: Outcome) -> None:
        channel_key = self.key(message.param(2))
        pending = self._names.setdefault(channel_key, UserList(self.casemapping, self.prefixes))
        for entry in message.param(3).split():
            pending.add_entry(entry)

    # 366 <client> <channel> :End of /NAMES list
    def handle_366(self, message: Message, out: Outcome) -> None:
        name = message.param(1)
        pending = self._names.pop(self.key(name), UserList(self.casemapping, self.prefixes))
        found = self.channel(name)
        if found is None:
            self._system(out, f"Users in {name}: {', '.join(pending.nicks()) or 'nobody'}", name)
            return
        found.users = pending
        out.events.append(ev.UsersChanged(found.name, tuple(pending.items())))

    def _users_changed(self, found: Channel, out: Outcome) -> None:
        out.events.append(ev.UsersChanged(found.name, tuple(found.users.items())))

    # JOIN <channel>
    def handle_join(self, message: Message, out: Outcome) -> None:
        nick, name = nick_of(message.source), message.param(0)
        if self.is_own(nick):
            if self.channel(name) is None:
                self._channels[self.key(name)] = Channel(name, UserList(self.casemapping,
                                                                        self.prefixes))
            out.events.append(ev.UserJoined(name, nick, own=True))
            self._system(out, f"You joined {name}", name)
            return
        found = self.channel(name)
        if found:
            found.users.add(nick)
            self._users_changed(found, out)
        out.events.append(ev.UserJoined(name, nick))
        self._system(out, f"{nick} joined {name}", name)

    # PART <channel> [:<reason>]
    def handle_part(self, message: Message, out: Outcome) -> None:
        nick, name, reason = nick_of(message.source), message.param(0), message.param(1)
        self._leave(out, name, nick, reason, kicked_by="")
        said = f" ({reason})" if reason else ""
        who = "You" if self.is_own(nick) else nick
        self._system(out, f"{who} left {name}{said}", name)

    # KICK <channel> <user> [:<comment>]
    def handle_kick(self, message: Message, out: Outcome) -> None:
        by, name, nick, reason = (nick_of(message.source), message.param(0), message.param(1),
                                  message.param(2))
        own = self.is_own(nick)
        self._leave(out, name, nick, reason, kicked_by=by)
        said = f" ({reason})" if reason else ""
        who = "You were" if own else f"{nick} was"
        self._system(out, f"{who} kicked from {name} by {by}{said}", name)

    def _leave(self, out: Outcome, name: str, nick: str, reason: str, kicked_by: str) -> None:
        own = self.is_own(nick)
        found = self.channel(name)
        if own:
            self._channels.pop(self.key(name), None)
        elif found and found.users.remove(nick):
            self._users_changed(found, out)
        out.events.append(ev.UserParted(found.name if found else name, nick, reason, own,
                                        kicked_by))

    # QUIT [:<reason>]
    def handle_quit(self, message: Message, out: Outcome) -> None:
        nick, reason = nick_of(message.source), message.param(0)
        left = []
        for found in self._channels.values():
            if found.users.remove(nick):
                left.append(found.name)
                self._users_changed(found, out)
        out.events.append(ev.UserQuit(nick, reason, tuple(left)))
        said = f" ({reason})" if reason else ""
        self._system(out, f"{nick} quit{said}", left[0] if len(left) == 1 else "")

    # NICK <nickname>
    def handle_nick(self, message: Message, out: Outcome) -> None:
        old, new = nick_of(message.source), message.param(0)
        own = self.is_own(old)
        if own:
            self.nick = new
        for found in self._channels.values():
            if found.users.rename(old, new):
                self._users_changed(found, out)
        out.events.append(ev.NickChanged(old, new, own))
        self._system(out, f"You are now known as {new}" if own
                     else f"{old} is now known as {new}")

    # TOPIC <channel> :<topic>
    def handle_topic(self, message: Message, out: Outcome) -> None:
        setter, name, topic = nick_of(message.source), message.param(0), message.param(1)
        found = self.channel(name)
        if found:
            found.topic = topic
        out.events.append(ev.TopicChanged(name, topic, setter))
        text = f"{setter} changed the topic of {name} to: {topic}" if topic \
            else f"{setter} cleared the topic of {name}"
        self._system(out, text, name)

    # MODE <target> [<modestring> [<mode arguments>...]]
    def handle_mode(self, message: Message, out: Outcome) -> None:
        setter, target = nick_of(message.source), message.param(0)
        change = " ".join(message.params[1:])
        found = self.channel(target)
        if found and self._apply_modes(found, message.param(1), list(message.params[2:])):
            self._users_changed(found, out)
        where = f" on {target}" if self.is_channel(target) else f" for {target}"
        self._system(out, f"{setter} sets mode {change}{where}", target if found else "")

    def _apply_modes(self, found: Channel, modestring: str, args: list[str]) -> bool:
        """Apply channel mode changes; True when a user's prefix changed."""
        adding, changed = True, False
        list_modes, always, when_set, _ = self.chanmodes
        for char in modestring:
            if char in "+-":
                adding = char == "+"
            elif char in self.prefix_modes:
                nick = args.pop(0) if args else ""
                prefix = self.prefixes[self.prefix_modes.index(char)]
                changed = found.users.set_prefix(nick, prefix, adding) or changed
            elif args and (char in list_modes or char in always or (adding and char in when_set)):
                args.pop(0)
        return changed

    # PRIVMSG <target> :<text>
    def handle_privmsg(self, message: Message, out: Outcome) -> None:
        sender, text = nick_of(message.source), message.param(1)
        target, private = self._conversation(message.param(0), sender)
        if text.startswith("\x01"):
            self._ctcp(out, sender, target, private, text.strip("\x01"))
            return
        out.events.append(self._tagged(sender, target, text, EntryKind.CHAT, private))

    def _conversation(self, target: str, sender: str) -> tuple[str, bool]:
        """Where a message belongs: the channel, or for a private one the other person (the
        target, when the sender is us: an echo or a replayed line)."""
        name = target.lstrip(self.prefixes)  # STATUSMSG: '@#chan' is a message to its ops
        if self.is_channel(name):
            found = self.channel(name)
            return (found.name if found else name), False
        return (target if self.is_own(sender) else sender), True

    def _ctcp(self, out: Outcome, sender: str, target: str, private: bool, body: str) -> None:
        command, _, arg = body.partition(" ")
        command = command.upper()
        if command == "ACTION":
            out.events.append(self._tagged(sender, target, arg, EntryKind.ACTION, private))
            return
        if command == "VERSION":
            out.send("NOTICE", sender, ctcp("VERSION", CLIENT_VERSION))
        elif command == "PING":
            out.send("NOTICE", sender, ctcp("PING", arg))
        self._system(out, f"{sender} sent a CTCP {command} request", target)

    # NOTICE <target> :<text>
    def handle_notice(self, message: Message, out: Outcome) -> None:
        source, text = message.source or "", message.param(1)
        if "!" not in source:
            out.events.append(ev.ServerNotice(text))
            out.events.append(self._entry(source, "", text, EntryKind.NOTICE))
            return
        sender = nick_of(source)
        target, private = self._conversation(message.param(0), sender)
        if text.startswith("\x01"):
            command, _, arg = text.strip("\x01").partition(" ")
            self._system(out, f"CTCP {command.upper()} reply from {sender}: {arg}", target)
            return
        out.events.append(self._tagged(sender, target, text, EntryKind.NOTICE, private))

    # INVITE <nick> <channel>
    def handle_invite(self, message: Message, out: Outcome) -> None:
        self._system(out, f"{nick_of(message.source)} invites you to {message.param(1)}")

    def _numeric(self, message: Message, out: Outcome) -> None:
        code = message.command
        if code in _NICK_ERRORS:
            self._nick_error(message, out)
        elif code == num.ERR_UNKNOWNCOMMAND and message.param(1).upper() == "CAP":
            self._use_cap = False
        elif code in _QUIET:
            return
        elif "400" <= code < "600":
            self._error(out, _numeric_text(message, ": "), _numeric_target(self, message))
        else:
            self._system(out, _numeric_text(message, " "))


def _numeric_text(message: Message, separator: str) -> str:
    """A numeric's params after our nick: 'bob: No such nick/channel' for an error (separator
    ': '), '2 channels formed' for a count (separator ' ')."""
    middle, last = message.params[1:-1], message.param(-1) if len(message.params) > 1 else ""
    return f"{' '.join(middle)}{separator}{last}" if middle else last


def _numeric_target(session: Session, message: Message) -> str:
    subject = message.param(1) if len(message.params) > 2 else ""
    return subject if session.channel(subject) else ""


def parse_time(text: str) -> datetime | None:
    """An IRCv3 server-time value as a naive local datetime, like the rest of the log; None when
    text is not one."""
    moment = parse_server_time(text)
    return moment.astimezone().replace(tzinfo=None) if moment else None


def _typed(command: str, *params: str) -> Message:
    """A message built from what the user typed: the wire format's refusal is their input's."""
    try:
        return Message(command, params)
    except MessageError as error:
        raise InvalidInput(f"Not sent: {error}") from error
