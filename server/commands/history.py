"""History commands: CHATHISTORY (IRCv3 draft/chathistory) and MARKREAD (draft/read-marker).

Channel history is for members only. Private history and read markers belong to accounts: a
client logged in to an account reads that account's conversations (whatever its nick), a guest
has none, and a guest's read markers are not kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ircproto.message import Message
from ircproto.names import is_channel, nick_error
from ircproto.servertime import format_server_time_ms, parse_server_time_ms
from server.accounts import name_key
from server.commands.base import Context, Failure
from server.commands.isupport import CHATHISTORY_MAX
from server.commands.replay import plays_events, send_batch, send_stored
from server.history import LATEST_ID, NEWEST_BOUND, Bound, StoredMessage
from server.historyschema import private_key
from server.state import Client, fold

TIMESTAMP = "timestamp="


def timestamp_ref(text: str) -> int | None:
    """The ms of a `timestamp=<server-time>` reference; None when text is not one."""
    return parse_server_time_ms(text[len(TIMESTAMP):]) if text.startswith(TIMESTAMP) else None


@dataclass(frozen=True)
class Ref:
    """A msgid= or timestamp= reference, as bounds on (ts, id)."""

    ts: int
    id: int | None  # None for a timestamp reference

    @property
    def upper(self) -> Bound:
        """Exclusive upper bound: messages strictly before the reference."""
        return (self.ts, self.id if self.id is not None else 0)

    @property
    def lower(self) -> Bound:
        """Exclusive lower bound: messages strictly after the reference."""
        return (self.ts, self.id if self.id is not None else LATEST_ID)

    @property
    def from_here(self) -> Bound:
        """Exclusive lower bound that keeps the reference itself (for AROUND)."""
        return (self.ts, self.id - 1 if self.id is not None else 0)


def parse_ref(ctx: Context, sub: str, target: str, target_key: str, text: str) -> Ref:
    kind, _, value = text.partition("=")
    if kind == "timestamp":
        ms = parse_server_time_ms(value)
        if ms is None:
            raise Failure("INVALID_PARAMS", sub, text, "Invalid timestamp")
        return Ref(ms, None)
    if kind == "msgid" and value:
        found = ctx.state.history.find(target_key, value)
        if found is None:
            raise Failure("MESSAGE_ERROR", sub, target, f"Unknown msgid {value}")
        return Ref(*found)
    raise Failure("INVALID_MSGREFTYPE", sub, text, "Message references are msgid= or timestamp=")


def parse_limit(sub: str, text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise Failure("INVALID_PARAMS", sub, text, "The limit must be a positive number")
    return min(int(text), CHATHISTORY_MAX)


def account_key(client: Client) -> str | None:
    """The key that client's private history and read markers are kept under; None for a guest."""
    return name_key(client.account) if client.account is not None else None


def history_key(ctx: Context, sub: str, target: str) -> str | None:
    """The store key for target, if the sender may read it; INVALID_TARGET otherwise. None for
    a nick when the sender is a guest: it has no private history."""
    if is_channel(target):
        channel = ctx.state.find_channel(target)
        if channel is None or ctx.client not in channel.members:
            raise Failure("INVALID_TARGET", sub, target, "You are not in that channel")
        return channel.key
    if nick_error(target):
        raise Failure("INVALID_TARGET", sub, target, "No such channel or nick")
    owner = account_key(ctx.client)
    return private_key(owner, fold(target)) if owner is not None else None


Found = list[StoredMessage]
Query = Callable[[Context, str, str, list[str], int], Found]


def query_latest(ctx: Context, sub: str, key: str, refs: list[str], limit: int) -> Found:
    store, target, events = ctx.state.history, refs[0], plays_events(ctx.session)
    if refs[1] == "*":
        return store.before(key, NEWEST_BOUND, limit, events=events)
    ref = parse_ref(ctx, sub, target, key, refs[1])
    return store.before(key, NEWEST_BOUND, limit, after=ref.lower, events=events)


def query_before(ctx: Context, sub: str, key: str, refs: list[str], limit: int) -> Found:
    ref = parse_ref(ctx, sub, refs[0], key, refs[1])
    return ctx.state.history.before(key, ref.upper, limit, events=plays_events(ctx.session))


def query_after(ctx: Context, sub: str, key: str, refs: list[str], limit: int) -> Found:
    ref = parse_ref(ctx, sub, refs[0], key, refs[1])
    return ctx.state.history.after(key, ref.lower, limit, events=plays_events(ctx.session))


def query_around(ctx: Context, sub: str, key: str, refs: list[str], limit: int) -> Found:
    ref, store = parse_ref(ctx, sub, refs[0], key, refs[1]), ctx.state.history
    events = plays_events(ctx.session)
    earlier = store.before(key, ref.upper, limit // 2, events=events)
    return earlier + store.after(key, ref.from_here, limit - len(earlier), events=events)


def query_between(ctx: Context, sub: str, key: str, refs: list[str], limit: int) -> Found:
    first = parse_ref(ctx, sub, refs[0], key, refs[1])
    second = parse_ref(ctx, sub, refs[0], key, refs[2])
    store, events = ctx.state.history, plays_events(ctx.session)
    if first.lower <= second.upper:  # forwards: the oldest after first
        return store.after(key, first.lower, limit, before=second.upper, events=events)
    return store.before(key, first.upper, limit, after=second.lower, events=events)


# subcommand -> (query, how many params after the subcommand, target and limit included)
QUERIES: dict[str, tuple[Query, int]] = {
    "LATEST": (query_latest, 3), "BEFORE": (query_before, 3), "AFTER": (query_after, 3),
    "AROUND": (query_around, 3), "BETWEEN": (query_between, 4),
}


# CHATHISTORY <LATEST|BEFORE|AFTER|AROUND> <target> <reference> <limit>
# CHATHISTORY BETWEEN <target> <reference> <reference> <limit>
# CHATHISTORY TARGETS <timestamp> <timestamp> <limit>
def handle_chathistory(ctx: Context, message: Message) -> None:
    sub, args = message.params[0].upper(), list(message.params[1:])
    if sub == "TARGETS":
        send_targets(ctx, args)
        return
    if sub not in QUERIES:
        raise Failure("UNKNOWN_COMMAND", sub, "Unknown CHATHISTORY subcommand")
    query, count = QUERIES[sub]
    if len(args) < count:
        raise Failure("NEED_MORE_PARAMS", sub, "Missing parameters")
    key, limit = history_key(ctx, sub, args[0]), parse_limit(sub, args[count - 1])
    found = query(ctx, sub, key, args[: count - 1], limit) if key is not None else []
    send_stored(ctx, ["chathistory", args[0]], found)  # server.commands.replay


def send_targets(ctx: Context, args: list[str]) -> None:
    """CHATHISTORY TARGETS: the sender's channels and conversations active between two times."""
    if len(args) < 3:
        raise Failure("NEED_MORE_PARAMS", "TARGETS", "Missing parameters")
    times = [timestamp_ref(arg) for arg in args[:2]]
    if None in times:
        why = "TARGETS takes two timestamp= references"
        raise Failure("INVALID_PARAMS", "TARGETS", args[0], why)
    low, high = sorted(t for t in times if t is not None)
    channel_keys = list(ctx.client.channels)
    found = ctx.state.history.targets(
        channel_keys, account_key(ctx.client), low, high, parse_limit("TARGETS", args[2])
    )
    lines = [Message("CHATHISTORY", ("TARGETS", name, format_server_time_ms(ts)), ctx.server_name)
             for name, ts in found]
    send_batch(ctx, ["draft/chathistory-targets"], lines)


def marker_key(target: str) -> str | None:
    """The read-marker key of a channel or nick, or None when target is neither."""
    if is_channel(target) or not nick_error(target):
        return fold(target)
    return None


def send_read_marker(ctx: Context, target: str, asked: bool = False) -> None:
    """MARKREAD <target> timestamp=... (or *): on request, or (on JOIN) with draft/read-marker
    to a client logged in (a guest has no markers: `*` when it asks, nothing on JOIN)."""
    owner = account_key(ctx.client)
    if not asked and ("draft/read-marker" not in ctx.session.caps or owner is None):
        return
    ts = ctx.state.history.read_marker(owner, fold(target)) if owner is not None else None
    value = TIMESTAMP + format_server_time_ms(ts) if ts is not None else "*"
    ctx.send(ctx.client, Message("MARKREAD", (target, value), ctx.server_name))


# MARKREAD <target> [timestamp=<timestamp>]
def handle_markread(ctx: Context, message: Message) -> None:
    """Answer the marker, after moving it forward when a timestamp is given."""
    params = message.params
    if not params or not params[0]:
        raise Failure("NEED_MORE_PARAMS", "Missing parameters")
    target, key = params[0], marker_key(params[0])
    if key is None:
        raise Failure("INVALID_TARGET", target, "No such channel or nick")
    if len(params) >= 2:
        ms = timestamp_ref(params[1])
        if ms is None:
            raise Failure("INVALID_PARAMS", target, params[1], "Invalid timestamp")
        owner = account_key(ctx.client)
        if owner is None:
            raise Failure("ACCOUNT_REQUIRED", target,
                          "Read markers are kept only for accounts: log in to keep yours")
        now = ctx.state.history.mark_read(owner, key, ms)
        line = Message("MARKREAD", (target, TIMESTAMP + format_server_time_ms(now)),
                       ctx.server_name)
        devices = [d for d in ctx.other_devices() if "draft/read-marker" in d.caps]
        ctx.broadcast_sessions([ctx.session, *devices], line)
        return
    send_read_marker(ctx, target, asked=True)

