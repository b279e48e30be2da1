"""Mention matching: whole words, folded as the server's CASEMAPPING says."""

from __future__ import annotations

from functools import partial

import pytest

from app.models.mentions import mentions
from ircproto.casemap import casefold

RFC1459 = partial(casefold, casemapping="rfc1459")
ASCII = partial(casefold, casemapping="ascii")


@pytest.mark.parametrize("text", [
    "alice", "alice: lunch?", "hi alice", "hi Alice!", "ALICE, look", "@alice here",
    "(alice)", "thanks alice.", "alice's turn", "\x02alice\x02 see this", "\x0304alice\x03 hi",
    "ask alice\tnow",
])
def test_mentions_finds_the_nick_as_a_word(text: str) -> None:
    assert mentions(text, "alice", RFC1459)


@pytest.mark.parametrize("text", [
    "", "malice", "alicex", "alice_", "alice2", "alice-bot", "[alice]x", "al ice", "alic",
])
def test_mentions_ignores_other_words_and_longer_nicks(text: str) -> None:
    assert not mentions(text, "alice", RFC1459)


def test_mentions_folds_rfc1459_brackets_as_the_server_does() -> None:
    assert mentions("ping ali{e}", "Ali[e]", RFC1459)
    assert mentions("ping ALI[E]", "ali{e}", RFC1459)
    assert mentions("hey b^^", "B~~", RFC1459)


def test_mentions_under_ascii_casemapping_keeps_brackets_apart() -> None:
    assert not mentions("ping ali{e}", "Ali[e]", ASCII)
    assert mentions("ping ALI[E]", "ali[e]", ASCII)


def test_mentions_only_folds_what_the_casemapping_folds() -> None:
    assert not mentions("hi ÄNNE", "änne", ASCII)
    assert mentions("hi änne", "änne", ASCII)


def test_mentions_nick_with_special_characters_is_matched_literally() -> None:
    assert mentions("ok [away]bob?", "[away]bob", RFC1459)
    assert not mentions("ok xaway]bob", "[away]bob", RFC1459)
    assert mentions("a.b c|d", "c|d", RFC1459)


def test_mentions_empty_nick_matches_nothing() -> None:
    assert not mentions("anything at all", "", RFC1459)
