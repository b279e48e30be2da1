"""What a search text means, for the server's SEARCH and the client's cache alike: every word
must appear, each as a prefix, as an SQLite FTS5 MATCH expression. Pure."""

from __future__ import annotations

import re

WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 16  # more words than this in one search is refused (each one is an index lookup)


class SearchError(ValueError):
    """The search text cannot become a full-text query (too many words)."""


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression for what a user typed: every word must appear, each one as a
    prefix ("dep" finds "deploy"); quoted, so FTS5 syntax in text is only ever text. None when
    text has no word at all (punctuation only)."""
    words = WORD.findall(text)
    if len(words) > MAX_TERMS:
        raise SearchError(f"At most {MAX_TERMS} words can be searched at once")
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)
