"""SEARCH over the history store, as SQL: what one account may read (its channels, its own private
conversations) narrowed by soju.im/search's in=, from=, after=, before=, text= and limit=. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from ircproto.searchtext import fts_query
from server.historyschema import COLUMNS


@dataclass(frozen=True)
class Scope:
    """What the asker may read: channel keys (channels it is in) and its account key (None: a
    guest, who has no private history)."""

    channel_keys: tuple[str, ...]
    owner_key: str | None


@dataclass(frozen=True)
class Search:
    """One SEARCH, its attributes parsed: target_key narrows to one conversation, from_key to one
    sender (a casefolded nick), after/before are exclusive ms bounds."""

    text: str | None = None
    target_key: str | None = None
    from_key: str | None = None
    after: int | None = None
    before: int | None = None
    limit: int = 100


def search_sql(scope: Scope, search: Search) -> tuple[str, list[object]] | None:
    """The SELECT (newest first) for search within scope and its arguments; None when nothing
    can match (no readable conversation, or a text without words)."""
    readable, args = readable_clause(scope)
    if readable is None:
        return None
    where, source = [readable, "m.command != 'TAGMSG'"], "messages m"  # reactions have no text
    match = fts_query(search.text) if search.text is not None else None
    if search.text is not None and match is None:
        return None
    if match is not None:
        source = "messages_fts f JOIN messages m ON m.id = f.rowid"
        where.append("messages_fts MATCH ?")
        args.append(match)
    for clause, value in (("m.target_key = ?", search.target_key),
                          ("source_key(m.source) = ?", search.from_key),
                          ("m.ts > ?", search.after), ("m.ts < ?", search.before)):
        if value is not None:
            where.append(clause)
            args.append(value)
    columns = ", ".join(f"m.{column.strip()}" for column in COLUMNS.split(","))
    sql = (f"SELECT {columns} FROM {source} WHERE {' AND '.join(where)}"
           f" ORDER BY {order_by(match is not None, search)} LIMIT ?")
    return sql, [*args, search.limit]


def order_by(full_text: bool, search: Search) -> str:
    """Newest first, in the walked index's own order, so the LIMIT stops the walk as soon as
    enough readable rows were found: FTS5's rowid (the message id), one conversation's primary
    key (ts, id: the same order), else messages_id. (SEARCH asks for text= or in=, so no search
    sorts everything one may read.)"""
    if full_text:
        return "f.rowid DESC"
    if search.target_key is not None:
        return "m.ts DESC, m.id DESC"
    return "m.id DESC"


def readable_clause(scope: Scope) -> tuple[str | None, list[object]]:
    """The rows scope may read: its channels' (never a private row) and its account's own."""
    parts: list[str] = []
    args: list[object] = []
    if scope.channel_keys:
        marks = ",".join("?" * len(scope.channel_keys))
        parts.append(f"(m.owner_key IS NULL AND m.target_key IN ({marks}))")
        args.extend(scope.channel_keys)
    if scope.owner_key is not None:
        parts.append("m.owner_key = ?")
        args.append(scope.owner_key)
    if not parts:
        return None, []
    return "(" + " OR ".join(parts) + ")", args
