"""What every command handler shares: the Context it runs in, the two errors it may raise
(ReplyError -> a numeric, Failure -> an IRCv3 FAIL), lookups that answer 401/403/441/442,
and the membership prefixes ('@', '+') as the viewer's capabilities ask for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ircproto import numerics as n
from ircproto.message import Message
from server.delivery import Outgoing
from server.devices import leave_quietly
from server.monitornotify import announce
from server.namescache import NAMES_LINE_LIMIT, Variant, member_prefix, names_entry
from server.state import Channel, Client, State
from server.whowas import WasUser

STANDARD_REPLIES = ("FAIL", "WARN", "NOTE")  # IRCv3 standard replies
BOT_MODE = "B"  # the user mode of a bot (IRCv3 bot mode; isupport advertises it as BOT)
LIST_LINE_LIMIT = NAMES_LINE_LIMIT  # characters of a listing (CAP LS, NAMES) per line: 400


class ReplyError(Exception):
    """Raised by a handler: becomes the numeric `<numeric> <nick> <params...>` to the sender."""

    def __init__(self, numeric: str, *params: str) -> None:
        super().__init__(numeric, *params)
        self.numeric = numeric
        self.params = params


class Failure(Exception):
    """Raised by a handler: becomes `FAIL <command> <code> [<context>...] :<description>`."""

    def __init__(self, code: str, *params: str) -> None:
        super().__init__(code, *params)
        self.code, self.params = code, params


@dataclass
class Context:
    """One command's view of the server: the state, the sender and what to send afterwards."""

    state: State
    client: Client  # the identity the sender speaks for (server.devices)
    out: Outgoing = field(default_factory=Outgoing)
    connection: Client | None = None  # the sender's connection, when not client itself
    close_reason: str | None = None  # set when the connection must end after this batch
    close_error: str = ""  # the ERROR line the client gets before it is closed
    deferred: Work | None = None  # slow work to run after this command, outside the lock

    @property
    def session(self) -> Client:
        """The connection the command came from (a device of client, or client)."""
        return self.connection or self.client

    @property
    def server_name(self) -> str:
        return self.state.config.name

    def reply(self, numeric: str, *params: str) -> None:
        """Send the sender a numeric from the server: `:server <numeric> <nick> <params...>`.
        Echoed input that cannot be a middle param (empty, spaces, leading ':') is made safe."""
        middle = [safe_middle(param) for param in params[:-1]]
        full = (self.client.nick, *middle, *params[-1:])
        self.out.send_only(self.session, Message(numeric, full, self.server_name))

    def reply_error(self, error: ReplyError) -> None:
        """The numeric a ReplyError stands for, as reply() sends it."""
        self.reply(error.numeric, *error.params)

    def standard_reply(self, kind: str, command: str, code: str, *params: str) -> None:
        """`<kind> <command> <code> [<context>...] :<description>` to the sender, kind being
        FAIL, WARN or NOTE; params are the context (made safe, as in reply()) and, last, the
        description."""
        assert kind in STANDARD_REPLIES, kind
        middle = [safe_middle(param) for param in (command, code, *params[:-1])]
        self.out.send_only(self.session, Message(kind, (*middle, *params[-1:]), self.server_name))

    def fail(self, command: str, failure: Failure) -> None:
        self.standard_reply("FAIL", command, failure.code, *failure.params)

    def notice(self, text: str) -> None:
        notice = Message("NOTICE", (self.client.nick, text), self.server_name)
        self.out.send_only(self.session, notice)

    def send(self, client: Client, message: Message) -> None:
        """message to client: to the sender's own connection when client is the sender (a
        reply), else to every device of client."""
        if client is self.client:
            self.out.send_only(self.session, message)
        else:
            self.out.send(client, message, expand=self.state.device_count > 0)

    def broadcast(self, clients: list[Client] | set[Client], message: Message) -> None:
        """message to each of clients, and to every device of each."""
        self.out.broadcast(clients, message, expand=self.state.device_count > 0)

    def broadcast_sessions(self, sessions: list[Client], message: Message) -> None:
        """message to exactly these connections (with_cap() picks them)."""
        self.out.broadcast(sessions, message)

    def for_session(self, session: Client) -> Context:
        """A context whose replies go to session, another connection of the sender's identity;
        what it sends joins this one's, in order."""
        connection = None if session is self.client else session
        return Context(self.state, self.client, self.out, connection=connection)

    def other_devices(self) -> list[Client]:
        """The sender's identity's connections other than the sender's own."""
        return [s for s in self.client.sessions if s is not self.session]

    def from_sender(self, verb: str, *params: str) -> Message:
        """A message from the sender's identity (see user_message)."""
        return user_message(self.client, verb, *params)

    def close(self, reason: str, error: str) -> None:
        self.close_reason, self.close_error = reason, error

    def defer(self, work: Work) -> None:
        """End this command with slow work (a password hash): dispatch() releases the state
        lock, runs work() in this reader thread, then runs the Finish it returns under the lock
        again, before this client's next line. The Finish may raise ReplyError or Failure."""
        self.deferred = work


def user_message(client: Client, verb: str, *params: str) -> Message:
    """A message from client, with the account tag when it is logged in (account-tag: only
    clients with the capability are sent the tag) and the bot tag when it is a bot (+B)."""
    return Message(verb, params, client.prefix, sender_tags(client))


def sender_tags(client: Client) -> dict[str, str]:
    """The tags every message from client carries: `account` when it is logged in, `bot`
    (IRCv3 bot mode, to clients with message-tags) when it has user mode +B."""
    tags = {"account": client.account} if client.account else {}
    if BOT_MODE in client.modes:
        tags["bot"] = ""
    return tags


Handler = Callable[[Context, Message], None]
Finish = Callable[[Context], None]  # runs under the state lock
Work = Callable[[], Finish]  # runs outside it; must not touch State or Client


def defer_also(ctx: Context, work: Work) -> None:
    """ctx.defer(work), after any work this command deferred already (JOIN #a,#b may found
    both): the works run in order, then their Finishes."""
    first = ctx.deferred
    if first is None:
        ctx.defer(work)
        return

    def both() -> Finish:
        finish_first, finish_second = first(), work()

        def finish(ctx: Context) -> None:
            finish_first(ctx)
            finish_second(ctx)

        return finish

    ctx.defer(both)


def failing(failure: Failure) -> Finish:
    """A Finish that answers with failure (deferred work that found the request refused)."""

    def finish(ctx: Context) -> None:
        raise failure

    return finish


def safe_middle(param: str) -> str:
    """param as a middle param: spaces become '_', a leading ':' goes, empty becomes '*'."""
    if param and " " not in param and param[0] != ":":
        return param
    return param.replace(" ", "_").lstrip(":") or "*"


# -- the errors several commands answer with, worded once


def no_such_nick(nick: str) -> ReplyError:
    return ReplyError(n.ERR_NOSUCHNICK, nick, "No such nick/channel")


def no_such_channel(name: str) -> ReplyError:
    return ReplyError(n.ERR_NOSUCHCHANNEL, name, "No such channel")


def not_on_channel(channel: Channel) -> ReplyError:
    return ReplyError(n.ERR_NOTONCHANNEL, channel.name, "You're not on that channel")


def not_channel_operator(channel: Channel) -> ReplyError:
    return ReplyError(n.ERR_CHANOPRIVSNEEDED, channel.name, "You're not channel operator")


def need_more_params(verb: str) -> ReplyError:
    return ReplyError(n.ERR_NEEDMOREPARAMS, verb, "Not enough parameters")


def no_privileges() -> ReplyError:
    return ReplyError(n.ERR_NOPRIVILEGES, "Permission Denied- You're not an IRC operator")


# -- privileges (server.commands.oper grants the user mode +o)


def is_operator(client: Client) -> bool:
    """Whether client is an IRC operator (OPER, user mode +o)."""
    return "o" in client.modes


def may_moderate(client: Client, channel: Channel) -> bool:
    """Whether client may KICK and set modes in channel: its channel operators, and opers."""
    return channel.is_op(client) or is_operator(client)


# -- a client leaving


def remove_client(state: State, out: Outgoing, client: Client, reason: str) -> None:
    """Under the lock: forget connection client; its channels see it QUIT with reason, unless
    another device of its identity stays (server.devices). Safe to call twice. The one home of
    the rule: disconnect() and KILL use it."""
    if client.gone:
        return
    state.cap_holders.changed(client.caps, set())  # the connection's capabilities go with it
    state.monitors.clear(client)  # its MONITOR list goes with the connection
    if leave_quietly(state, client):  # another device of it stays
        return
    peers = state.remove_client(client)
    if not client.registered:
        return
    nick_gone(state, out, client)
    if peers:
        quit_line = user_message(client, "QUIT", reason)
        out.broadcast(list(peers), quit_line, expand=state.device_count > 0)


def nick_gone(state: State, out: Outgoing, client: Client) -> None:
    """client (registered) lets go of its nick, by leaving or changing it: WHOWAS remembers it,
    its monitors hear it went offline (731)."""
    state.whowas.remember(WasUser(client.nick, client.user, client.host, client.realname,
                                  client.account, state.wall_clock()))
    announce(out, state.monitors, state.config.name, client, online=False)


def nick_came(state: State, out: Outgoing, client: Client) -> None:
    """client registered, or took a new nick: its monitors hear it is online (730)."""
    announce(out, state.monitors, state.config.name, client, online=True)


# -- lookups


def find_channel(ctx: Context, name: str) -> Channel:
    """The channel called name, or 403."""
    channel = ctx.state.find_channel(name)
    if channel is None:
        raise no_such_channel(name)
    return channel


def member_channel(ctx: Context, name: str) -> Channel:
    """The channel called name when the sender is on it; 403 or 442 otherwise."""
    channel = find_channel(ctx, name)
    if ctx.client not in channel.members:
        raise not_on_channel(channel)
    return channel


def channel_member(ctx: Context, channel: Channel, nick: str) -> Client:
    """The client called nick when it is on channel; 401 or 441 otherwise."""
    target = ctx.state.find_nick(nick)
    if target is None:
        raise no_such_nick(nick)
    if target not in channel.members:
        raise ReplyError(n.ERR_USERNOTINCHANNEL, target.nick, channel.name,
                         "They aren't on that channel")
    return target


# -- membership prefixes (multi-prefix, userhost-in-names)


def member_prefixes(viewer: Client, channel: Channel, member: Client) -> str:
    """'@+', '@', '+' or '': every prefix with multi-prefix, else only the highest."""
    return member_prefix(channel.members.get(member, ""), "multi-prefix" in viewer.caps)


def names_variant(viewer: Client) -> Variant:
    """Which NAMES entries viewer is sent (server.namescache)."""
    caps = viewer.caps
    return "multi-prefix" in caps, "userhost-in-names" in caps


def entry_as(variant: Variant, channel: Channel, member: Client) -> str:
    """member as a RPL_NAMREPLY entry for a viewer of variant: all prefixes with multi-prefix,
    nick!user@host with userhost-in-names."""
    return names_entry(variant, channel.members.get(member, ""), member.nick, member.prefix)


def split_targets(param: str) -> list[str]:
    """The names in a comma-separated target list (`#a,bob`), empty ones left out."""
    return [name for name in param.split(",") if name]


def with_cap(clients: Iterable[Client], cap: str) -> list[Client]:
    """The connections of clients (every device of each) that enabled capability cap: send to
    them with Context.broadcast_sessions. Runs per member on JOIN: no list made per client
    without devices."""
    found: list[Client] = []
    for client in clients:
        if client.devices:
            found += [s for s in client.sessions if cap in s.caps]
        elif cap in client.caps:
            found.append(client)
    return found


def with_cap_held(state: State, clients: Iterable[Client], cap: str) -> list[Client]:
    """with_cap(), without looking at clients when no connection has cap enabled."""
    return with_cap(clients, cap) if state.cap_holders.holds(cap) else []


def fit_lines(items: list[str], limit: int = LIST_LINE_LIMIT) -> list[str]:
    """items joined by spaces, in order, into lines of at most limit characters (an item
    longer than that gets a line of its own): CAP LS/LIST and NAMES split their lists so."""
    lines: list[list[str]] = [[]]
    size = 0
    for item in items:
        if lines[-1] and size + len(item) > limit:
            lines.append([])
            size = 0
        lines[-1].append(item)
        size += len(item) + 1
    return [" ".join(line) for line in lines]
