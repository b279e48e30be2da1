"""SEARCH (soju.im/search): full-text search of the history the sender may read, and nothing
else: the channels it is in (as CHATHISTORY allows) and its account's private conversations (a
guest has none). Answered as a `soju.im/search` batch of the messages, oldest first."""

from __future__ import annotations

from ircproto.message import Message, unescape_tag_value
from ircproto.names import is_channel, nick_error
from ircproto.searchtext import SearchError
from ircproto.servertime import parse_server_time_ms
from server.commands.base import Context, Failure
from server.commands.history import account_key
from server.commands.isupport import CHATHISTORY_MAX
from server.commands.replay import send_stored
from server.history import Found
from server.historyschema import private_key
from server.historysearch import Scope, Search
from server.state import fold

SEARCH_CAP = "soju.im/search"
BATCH_TYPE = "soju.im/search"
KEYS = ("in", "from", "after", "before", "text", "limit")


def parse_attributes(text: str) -> dict[str, str]:
    """`key=value;key=value` (values escaped as tag values) -> a dict; a key we do not know,
    given twice or without a value is INVALID_PARAMS."""
    found: dict[str, str] = {}
    for item in text.split(";"):
        if not item:
            continue
        key, equals, value = item.partition("=")
        if key not in KEYS or not equals or not value or key in found:
            raise Failure("INVALID_PARAMS", item, f"Search attributes are {', '.join(KEYS)}"
                          " (each once, with a value)")
        found[key] = unescape_tag_value(value)
    return found


def parse_time(attributes: dict[str, str], key: str) -> int | None:
    if key not in attributes:
        return None
    ms = parse_server_time_ms(attributes[key])
    if ms is None:
        raise Failure("INVALID_PARAMS", key, "Times are in server-time format")
    return ms


def parse_limit(attributes: dict[str, str]) -> int:
    text = attributes.get("limit", str(CHATHISTORY_MAX))
    if not text.isdigit() or int(text) < 1:
        raise Failure("INVALID_PARAMS", "limit", "The limit must be a positive number")
    return min(int(text), CHATHISTORY_MAX)


def target_key(ctx: Context, target: str) -> str | None:
    """The store key of in=<target> if the sender may read it (INVALID_TARGET otherwise); None
    for a nick when the sender is a guest (it has no private history)."""
    if is_channel(target):
        channel = ctx.state.find_channel(target)
        if channel is None or ctx.client not in channel.members:
            raise Failure("INVALID_TARGET", target, "You are not in that channel")
        return channel.key
    if nick_error(target):
        raise Failure("INVALID_TARGET", target, "No such channel or nick")
    owner = account_key(ctx.client)
    return private_key(owner, fold(target)) if owner is not None else None


def parse_search(ctx: Context, attributes: dict[str, str]) -> Search | None:
    """The Search the attributes ask for; None when it can find nothing (a guest's in=nick).
    It needs text= or in=: either is a bounded walk of an index (FTS5, or one conversation)."""
    if "text" not in attributes and "in" not in attributes:
        raise Failure("INVALID_PARAMS", "text", "SEARCH needs text= (words) or in= (a channel "
                      "or nick)")
    key = target_key(ctx, attributes["in"]) if "in" in attributes else None
    if "in" in attributes and key is None:
        return None
    sender = attributes.get("from")
    if sender is not None and nick_error(sender):
        raise Failure("INVALID_PARAMS", "from", "from= takes a nick")
    return Search(attributes.get("text"), key, fold(sender) if sender else None,
                  parse_time(attributes, "after"), parse_time(attributes, "before"),
                  parse_limit(attributes))


# SEARCH <key=value>{;<key=value>}  (in, from, after, before, text, limit)
def handle_search(ctx: Context, message: Message) -> None:
    search = parse_search(ctx, parse_attributes(message.params[0]))
    scope = Scope(tuple(ctx.client.channels), account_key(ctx.client))
    try:
        found = ctx.state.history.search(scope, search, fold) if search is not None \
            else Found([], True)
    except SearchError as error:
        raise Failure("INVALID_PARAMS", "text", str(error)) from error
    send_stored(ctx, [BATCH_TYPE], found.messages)
    if not found.complete:
        ctx.standard_reply("NOTE", "SEARCH", "PARTIAL", "The search stopped early: these are "
                           "the newest matches it found; narrow it with in=, from= or before=")
