"""Casemapping and name validation tests."""

import pytest

from ircproto.casemap import casefold
from ircproto.names import is_channel, is_valid_channel, is_valid_nick, nick_error


def test_casefold_rfc1459_folds_brackets_and_tilde():
    assert casefold("Nick[]\\~") == "nick{}|^"
    assert casefold("Nick[]\\~", "strict-rfc1459") == "nick{}|~"


def test_casefold_ascii_leaves_brackets_and_non_ascii():
    assert casefold("NICK[]", "ascii") == "nick[]"
    assert casefold("ÉCOLE", "ascii") == "École"


@pytest.mark.parametrize("nick", ["alice", "Bob_", "[away]", "x-1", "a" * 30])
def test_valid_nicks(nick):
    assert is_valid_nick(nick)


@pytest.mark.parametrize("nick", ["", "1abc", "-x", "has space", "a,b", "#chan", "a" * 31, "né"])
def test_invalid_nicks_have_a_reason(nick):
    assert not is_valid_nick(nick)
    assert nick_error(nick)


def test_channel_names():
    assert is_channel("#lobby") and is_channel("&local")
    assert not is_channel("alice") and not is_channel("")
    assert is_valid_channel("#lobby")
    assert not is_valid_channel("#")
    assert not is_valid_channel("#a,b")
    assert not is_valid_channel("#a b")
