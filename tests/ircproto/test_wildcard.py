"""ircproto.wildcard: * and ? masks, whole-text, casemapped."""

from __future__ import annotations

import pytest

from ircproto.wildcard import has_wildcards, matcher, matches


@pytest.mark.parametrize(("mask", "text", "expected"), [
    ("*", "", True),
    ("a*c", "abbbc", True),
    ("a?c", "abc", True),
    ("a?c", "ac", False),
    ("abc", "ABC", True),
    ("[x]*", "{x}y", True),  # rfc1459: [ ] fold to { }
    ("a.b", "axb", False),  # no regular expression syntax leaks through
    ("*bc", "abcd", False),  # the whole text, not a part of it
    ("(a|b)", "a", False),
])
def test_wildcard_matches(mask, text, expected):
    assert matches(mask, text) is expected


def test_wildcard_ascii_casemapping_keeps_brackets_apart():
    assert matches("[x]", "{x}") and not matcher("[x]", "ascii")("{x}")


def test_wildcard_has_wildcards():
    assert has_wildcards("a*") and has_wildcards("?") and not has_wildcards("alice")
