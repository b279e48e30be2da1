"""Who is connected and which channels exist, under one lock; no sockets here.

A Client holds an Outbox (anything with write(bytes) and abort(reason)); the TCP shell gives
it a real connection, tests a fake. Keys of nicks and channels are casefolded (rfc1459).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Protocol

from ircproto.casemap import casefold
from server.accounts import AccountStore
from server.capholders import CapHolders
from server.census import Census
from server.chanmodes import ChannelSettings
from server.config import ServerConfig
from server.founders import Founders
from server.history import HistoryStore
from server.monitor import Monitors
from server.multiline import OpenBatch
from server.namescache import MEMBER_PREFIXES as MEMBER_PREFIXES  # its home; named here too
from server.namescache import NamesCache
from server.privileges import PrivilegeStore
from server.sasl import Exchange
from server.whowas import Whowas

CASEMAPPING = "rfc1459"
Clock = Callable[[], float]


class Outbox(Protocol):
    """Where a client's bytes go: queue() under the state lock (no I/O), push() after it to
    send them (push_all(): every client's in groups, maybe by another thread); write() does
    both. Never blocks; abort() asks the connection to close. Lines queued after `need` is
    set wait until that history write is committed (server.historywrites)."""

    need: int

    def queue(self, data: bytes) -> None: ...

    def push(self) -> None: ...

    def push_all(self, groups: Iterable[Iterable[Client]]) -> None: ...

    def write(self, data: bytes) -> None: ...

    def abort(self, reason: str) -> None: ...


def fold(name: str) -> str:
    """The casefolded key of a nick or channel name."""
    return casefold(name, CASEMAPPING)


_ids = itertools.count(1)


@dataclass(eq=False)
class Client:
    """One connection's IRC identity. Hashable by identity."""

    outbox: Outbox
    host: str
    connected_at: float
    id: int = field(default_factory=lambda: next(_ids))
    nick: str = "*"
    nick_key: str = ""
    user: str = ""
    realname: str = ""
    registered: bool = False
    cap_negotiating: bool = False
    password_ok: bool = False  # PASS matched the server password (the password is not kept)
    account: str | None = None  # the account it is logged in to (SASL, REGISTER); None: guest
    certfp: str | None = None  # SHA-256 of its TLS client certificate (lowercase hex), if any
    secure: bool = False  # it connected over TLS (WHOIS 671)
    sasl: Exchange | None = None  # the SASL attempt in progress
    caps: set[str] = field(default_factory=set)  # IRCv3 capabilities it has enabled
    cap_version: int = 0  # the version of its CAP LS (302 or more: values, cap-notify)
    tag_mask: int = 0  # which tags it may be sent (server.delivery bits)
    away: str | None = None
    modes: set[str] = field(default_factory=set)
    channels: dict[str, Channel] = field(default_factory=dict)
    last_activity: float = 0.0  # any line (liveness)
    spoke_at: float = 0.0  # its last PRIVMSG or NOTICE (WHOIS idle time)
    ping_sent_at: float | None = None
    gone: bool = False
    batch: OpenBatch | None = None  # the draft/multiline batch it is sending (server.multiline)
    # Several connections logged into one account share one identity (server.devices): the
    # first is the identity (in nicks and channels) and lists the others in devices; each of
    # those is a connection only, with primary naming the identity it belongs to.
    devices: list[Client] = field(default_factory=list)
    primary: Client | None = None

    def __post_init__(self) -> None:
        self.last_activity = self.spoke_at = self.connected_at

    @property
    def identity(self) -> Client:
        """The client this connection speaks for: itself, or the identity it is a device of."""
        return self.primary or self

    @property
    def sessions(self) -> list[Client]:
        """Every connection of this identity, itself first."""
        return [self, *self.devices] if self.devices else [self]

    @property
    def prefix(self) -> str:
        """The source of this client's messages: nick!user@host ('*' for a user not yet given,
        as in a 900 RPL_LOGGEDIN sent before USER)."""
        return f"{self.nick}!{self.user or '*'}@{self.host}"


@dataclass(eq=False)
class Channel:
    """A channel; members maps each client to its prefix modes ('o', 'v', 'ov' or '')."""

    name: str
    key: str
    created_at: float
    members: dict[Client, str] = field(default_factory=dict)
    modes: set[str] = field(default_factory=lambda: {"t", "n"})
    topic: str = ""
    topic_by: str = ""
    topic_at: float = 0.0
    settings: ChannelSettings = field(default_factory=ChannelSettings)  # +k +l +b +e +I, invites
    names: NamesCache = field(default_factory=NamesCache)  # its members' NAMES lines

    def set_member_modes(self, client: Client, modes: str) -> None:
        """client (a member) now has membership modes ('o', 'v', 'ov' or '')."""
        self.members[client] = modes
        self.names.clear()

    def is_op(self, client: Client) -> bool:
        return "o" in self.members.get(client, "")

    def can_speak(self, client: Client) -> bool:
        """Whether client may send to the channel under +n and +m."""
        modes = self.members.get(client)
        if modes is None:
            return "n" not in self.modes and "m" not in self.modes
        return "m" not in self.modes or bool(modes)

    @property
    def secret(self) -> bool:
        return "s" in self.modes


class State:
    """The server's shared state. Hold `lock` while reading or changing anything here."""

    def __init__(self, config: ServerConfig, clock: Clock = time.monotonic) -> None:
        self.config = config
        self.clock = clock
        self.wall_clock: Clock = time.time
        self.started_at = self.wall_clock()
        self.lock = threading.Lock()
        self.clients: set[Client] = set()
        self.nicks: dict[str, Client] = {}
        self.channels: dict[str, Channel] = {}
        self.error_hook: Callable[[BaseException], None] | None = None  # told of every bug
        self.device_count = 0  # connections attached to another's identity (server.devices)
        with ExitStack() as opened:  # a store that cannot open closes those opened before it
            self.history = HistoryStore(
                config.db, config.history_days, config.history_max_per_target, time.time
            )
            opened.callback(self.history.close)
            self.accounts = AccountStore(config.accounts_db)  # never used under `lock`
            opened.callback(self.accounts.close)
            self.privileges = PrivilegeStore(config.accounts_db)  # founders, opers: not `lock`
            opened.callback(self.privileges.close)
            self.founders = Founders(self.privileges.founders())  # in memory, under `lock`
            opened.pop_all()
        self.whowas = Whowas()  # nicks that left or changed (WHOWAS)
        self.monitors: Monitors[Client] = Monitors()  # who MONITORs which nick, per connection
        self.peak_users = 0  # the most users registered at once (LUSERS 265/266)
        self.census = Census()  # who LUSERS counts (server.census)
        self.cap_holders = CapHolders()  # connections per enabled capability

    def add_client(self, outbox: Outbox, host: str) -> Client:
        """A new connection, not yet registered. Call with the lock held."""
        client = Client(outbox, host, self.clock())
        self.clients.add(client)
        return client

    def find_nick(self, nick: str) -> Client | None:
        return self.nicks.get(fold(nick))

    def find_user(self, nick: str) -> Client | None:
        """The registered client called nick: one that only sent NICK is nobody yet."""
        client = self.nicks.get(fold(nick))
        return client if client is not None and client.registered else None

    def find_channel(self, name: str) -> Channel | None:
        return self.channels.get(fold(name))

    def set_nick(self, client: Client, nick: str) -> None:
        """Give client a nick (the caller checked it is free)."""
        if client.nick_key and self.nicks.get(client.nick_key) is client:
            del self.nicks[client.nick_key]
        client.nick, client.nick_key = nick, fold(nick)
        self.nicks[client.nick_key] = client
        for channel in client.channels.values():  # its NAMES entries change
            channel.names.clear()

    def want_nick(self, client: Client, nick: str) -> None:
        """Before registration: client asks for nick, held by another; whether it gets it is
        decided when registration completes (server.devices). Its own nick, if any, is freed."""
        if client.nick_key and self.nicks.get(client.nick_key) is client:
            del self.nicks[client.nick_key]
        client.nick, client.nick_key = nick, fold(nick)

    def join(self, client: Client, name: str) -> Channel:
        """Put client in channel name, creating it (with client as op) when new."""
        key = fold(name)
        channel = self.channels.get(key)
        if channel is None:
            channel = self.channels[key] = Channel(name, key, self.wall_clock())
        modes = channel.members[client] = "" if channel.members else "o"
        channel.names.joined(modes, client.nick, client.prefix)
        client.channels[key] = channel
        return channel

    def leave(self, client: Client, channel: Channel) -> None:
        """Take client out of channel; an empty channel ceases to exist."""
        if channel.members.pop(client, None) is not None:
            channel.names.clear()
        client.channels.pop(channel.key, None)
        if not channel.members and self.channels.get(channel.key) is channel:
            del self.channels[channel.key]

    def remove_client(self, client: Client) -> set[Client]:
        """Forget client entirely; returns the clients that shared a channel with it."""
        peers = self.peers(client)
        for channel in list(client.channels.values()):
            self.leave(client, channel)
        if client.nick_key and self.nicks.get(client.nick_key) is client:
            del self.nicks[client.nick_key]
        self.clients.discard(client)
        self.census.left(client)
        client.gone = True
        return peers

    def peers(self, client: Client) -> set[Client]:
        """Everyone sharing at least one channel with client, client excluded."""
        peers: set[Client] = set()
        for channel in client.channels.values():
            peers.update(channel.members)
        peers.discard(client)
        return peers

    def visible_channels(self, client: Client) -> Iterable[Channel]:
        """Channels client may see listed: every non-secret one and its own."""
        return (c for c in self.channels.values() if not c.secret or client in c.members)
