"""Searching all conversations, pure: the SEARCH line we send (soju.im/search), the server's
answer as hits in our conversations, and the cache's and the server's hits merged."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from app.models.cachesearch import Hit
from app.models.entries import parse_time
from ircproto.message import Message, escape_tag_value
from ircproto.searchtext import fts_query

SERVER_LIMIT = 100  # the most results asked of the server (ours caps at its CHATHISTORY limit)


def search_command(text: str, target: str | None = None, limit: int = SERVER_LIMIT
                   ) -> Message | None:
    """SEARCH text=...;limit=... (in=target when given), values escaped as tag values; None
    when text has no word to look for (the server would find nothing). Raises SearchError for
    too many words, as the server would."""
    if fts_query(text) is None:
        return None
    attributes = {"text": text.strip(), "limit": str(limit)}
    if target:
        attributes = {"in": target, **attributes}
    return Message("SEARCH", (";".join(f"{key}={escape_tag_value(value)}"
                                       for key, value in attributes.items()),))


def server_hits(messages: Iterable[Message], is_own: Callable[[str], bool],
                is_channel: Callable[[str], bool]) -> list[Hit]:
    """The PRIVMSGs and NOTICEs of a SEARCH answer (oldest first) as hits, newest first: a
    channel line in its channel, a private one in the conversation with the other party."""
    hits: list[Hit] = []
    for message in messages:
        if message.verb not in ("PRIVMSG", "NOTICE") or len(message.params) < 2:
            continue
        sender = (message.source or "").partition("!")[0]
        target, text = message.params[0], message.params[1]
        private = not is_channel(target)
        where = (target if is_own(sender) else sender) if private else target
        moment = parse_time(message.tags.get("time", "")) or datetime.now()
        hits.append(Hit(where, moment, sender, _plain_action(text), message.tags.get("msgid", ""),
                        private))
    return hits[::-1]


def _plain_action(text: str) -> str:
    """A CTCP ACTION as '* text'; other text as it is."""
    if text.startswith("\x01ACTION ") and text.endswith("\x01"):
        return "* " + text[8:-1]
    return text


def merge(*groups: Sequence[Hit], key: Callable[[str], str] = str.lower) -> list[Hit]:
    """Every hit once (the same msgid in the same conversation is one line), newest first;
    each group comes newest first, and lines of the same time keep that order."""
    seen: set[tuple[str, str]] = set()
    merged: list[Hit] = []
    for hit in sorted((hit for group in groups for hit in group), key=_when, reverse=True):
        if hit.msgid:
            ident = (key(hit.conversation), hit.msgid)
            if ident in seen:
                continue
            seen.add(ident)
        merged.append(hit)
    return merged


def _when(hit: Hit) -> datetime:
    """hit's time as the log keeps it (naive local), also when it came aware."""
    return hit.time.astimezone().replace(tzinfo=None) if hit.time.tzinfo else hit.time
