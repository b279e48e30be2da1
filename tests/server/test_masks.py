"""Masks and channel lists, pure: what an operator types becomes a full nick!user@host mask;
globs match casemapped (rfc1459: [ is {); $a:<account> matches the account, a bare $a any
account; a channel's lists follow each change, and an exception beats a ban."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from server.chanmodes import ChannelSettings, ListEntry
from server.masks import InvalidMask, matches, normalize


@dataclass
class Who:
    nick: str
    user: str = "u"
    host: str = "10.0.0.7"
    account: str | None = None


@pytest.mark.parametrize(("typed", "kept"), [
    ("bob", "bob!*@*"), ("*@host", "*!*@host"), ("bob!u", "bob!u@*"), ("b!u@h", "b!u@h"),
    ("!@", "*!*@*"), ("$a:Alice", "$a:Alice"), ("$a", "$a"),
])
def test_masks_normalize(typed, kept):
    assert normalize(typed) == kept


@pytest.mark.parametrize("typed", ["", "a b", "a,b", ":x", "x" * 101, "$z:x", "$ab:x"])
def test_masks_invalid(typed):
    with pytest.raises(InvalidMask):
        normalize(typed)


def test_masks_globs_and_casemapping():
    assert matches("b?b!*@10.0.*", Who("BOB"))
    assert matches("nick[1]!*@*", Who("NICK{1}"))
    assert not matches("bob!*@*", Who("bobby"))
    assert matches("bob*!*@*", Who("bobby"))
    assert not matches("*!x@*", Who("bob"))
    assert matches("a.b!*@*", Who("a.b")) and not matches("a.b!*@*", Who("aXb"))


def test_masks_account_extban():
    assert matches("$a:ALICE", Who("zed", account="alice"))
    assert not matches("$a:alice", Who("alice"))  # a guest called alice is not the account
    assert matches("$a", Who("x", account="anyone")) and not matches("$a", Who("x"))


def test_masks_a_channels_lists_follow_each_change_and_exceptions_win():
    settings = ChannelSettings()
    bob, guest = Who("bob", account="bob"), Who("guest")
    assert not settings.banned(bob)
    assert settings.add("b", ListEntry("*!*@10.0.0.*", "op", 0))
    assert settings.banned(bob) and settings.banned(guest)
    assert not settings.add("b", ListEntry("*!*@10.0.0.*", "op", 1))  # there already
    settings.add("e", ListEntry("$a:BOB", "op", 0))
    assert not settings.banned(bob) and settings.banned(guest)
    assert settings.remove("b", "*!*@10.0.0.*") is not None
    assert not settings.banned(guest) and settings.remove("b", "*!*@10.0.0.*") is None
