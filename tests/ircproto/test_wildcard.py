"""ircproto.wildcard: * and ? masks, whole-text, casemapped."""

from __future__ import annotations

import pytest

from ircproto.wildcard import any_matcher, has_wildcards, matcher, matches


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


def test_wildcard_any_matcher_matches_one_whole_field_never_across_fields():
    test = any_matcher("b*b")
    assert test(["alice", "BOB"]) and not test(["alice b", "x b"]) and not test(["b", "b"])
    assert any_matcher("*")([""]) and any_matcher("a?c")(["x", "abc"])
    assert not any_matcher("al")(["alice"])
