"""Search query building, pure: the FTS5 expression a typed text becomes (ircproto.searchtext),
and the server's SQL (server.historysearch): its scope (what one account may read) and filters."""

from __future__ import annotations

import sqlite3

import pytest

from ircproto.searchtext import MAX_TERMS, SearchError, fts_query
from server.historyschema import set_up
from server.historysearch import Scope, Search, search_sql


def test_fts_query_every_word_quoted_as_a_prefix():
    assert fts_query("deploy Friday") == '"deploy"* "Friday"*'


def test_fts_query_fts_syntax_is_only_text():
    assert fts_query('a OR b NEAR("x") -c') == '"a"* "OR"* "b"* "NEAR"* "x"* "c"*'
    assert fts_query('"quoted" col:value') == '"quoted"* "col"* "value"*'


def test_fts_query_unicode_words_and_punctuation_only():
    assert fts_query("Grüße, café!") == '"Grüße"* "café"*'
    assert fts_query("?!... --") is None


def test_fts_query_too_many_words_is_refused():
    with pytest.raises(SearchError, match=str(MAX_TERMS)):
        fts_query(" ".join(["w"] * (MAX_TERMS + 1)))


def test_search_sql_nothing_readable_is_no_query():
    assert search_sql(Scope((), None), Search(text="x")) is None


def test_search_sql_a_text_without_words_is_no_query():
    assert search_sql(Scope(("#a",), None), Search(text="!!")) is None


def test_search_sql_a_guest_reads_channels_only_never_a_private_row():
    sql, args = search_sql(Scope(("#a", "#b"), None), Search(text="hi", limit=5)) or ("", [])
    assert "m.owner_key IS NULL AND m.target_key IN (?,?)" in sql
    assert "m.owner_key = ?" not in sql
    assert args == ["#a", "#b", '"hi"*', 5]


def test_search_sql_filters_in_order():
    search = Search(None, "#a", "bob", 10, 20, 7)
    sql, args = search_sql(Scope((), "alice"), search) or ("", [])
    assert "MATCH" not in sql
    assert args == ["alice", "#a", "bob", 10, 20, 7]
    assert sql.endswith("ORDER BY m.ts DESC, m.id DESC LIMIT ?")
    with_text = search_sql(Scope((), "alice"), Search(text="x")) or ("", [])
    assert with_text[0].endswith("ORDER BY f.rowid DESC LIMIT ?")


def db_with(rows: list[tuple[str, str | None, str]]) -> sqlite3.Connection:
    """A current history database holding rows of (target_key, owner_key, text)."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    set_up(db)
    db.create_function("source_key", 1, lambda source: source.partition("!")[0].lower())
    for number, (target_key, owner_key, text) in enumerate(rows, 1):
        db.execute("INSERT INTO messages (id, msgid, ts, target_key, target, source, command,"
                   " text, tags, owner_key) VALUES (?, ?, ?, ?, ?, 'Bob!b@h', 'PRIVMSG', ?, '', ?)",
                   (number, f"m{number}", number, target_key, target_key, text, owner_key))
    return db


def run(db: sqlite3.Connection, scope: Scope, search: Search) -> list[str]:
    query = search_sql(scope, search)
    return [row[6] for row in db.execute(*query)] if query else []


def test_search_sql_runs_on_the_schema_scope_and_text():
    db = db_with([("#a", None, "deploy on friday"), ("#b", None, "deploy on monday"),
                  ("alice\tbob", "alice", "deploy secret"), ("carol\tbob", "carol", "deploy")])
    alice = Scope(("#a",), "alice")
    assert run(db, alice, Search(text="depl")) == ["deploy secret", "deploy on friday"]
    assert run(db, alice, Search(text="deploy monday")) == []
    assert run(db, alice, Search(text="DEPLOY", from_key="bob", limit=1)) == ["deploy secret"]
    assert run(db, alice, Search(text="deploy", from_key="carol")) == []


def test_search_sql_the_index_follows_deletes():
    db = db_with([("#a", None, "ephemeral words")])
    db.execute("DELETE FROM messages")
    assert run(db, Scope(("#a",), None), Search(text="ephemeral")) == []
    assert db.execute("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'ephemeral'"
                      ).fetchone() == (0,)


def test_search_sql_walks_the_indexes_in_order_without_sorting():
    db = db_with([("#a", None, "x")])
    for search in (Search(text="x"), Search(target_key="#a", from_key="bob")):
        sql, args = search_sql(Scope(("#a",), "alice"), search) or ("", [])
        plan = " ".join(row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", args))
        assert "TEMP B-TREE" not in plan, plan
