"""What makes a valid nick and a channel name, shared by the server and the client's dialog."""

from __future__ import annotations

import string

NICKLEN = 30
CHANNELLEN = 50
CHANTYPES = "#&"

_NICK_FIRST = set(string.ascii_letters + "[]\\`_^{|}")
_NICK_REST = _NICK_FIRST | set(string.digits + "-")


def nick_error(nick: str, nicklen: int = NICKLEN) -> str | None:
    """Why nick is not a valid nick, or None when it is."""
    if not nick:
        return "the nickname is empty"
    if len(nick) > nicklen:
        return f"the nickname is longer than {nicklen} characters"
    if nick[0] not in _NICK_FIRST:
        return "a nickname starts with a letter or one of [ ] \\ ` _ ^ { | }"
    bad = sorted({c for c in nick if c not in _NICK_REST})
    if bad:
        return "a nickname cannot contain " + " ".join(repr(c) for c in bad)
    return None


def is_valid_nick(nick: str, nicklen: int = NICKLEN) -> bool:
    """True when nick may be used as a nickname."""
    return nick_error(nick, nicklen) is None


def is_channel(name: str, chantypes: str = CHANTYPES) -> bool:
    """True when name is a channel name (starts with one of chantypes), as opposed to a nick."""
    return bool(name) and name[0] in chantypes


def is_valid_channel(name: str, chantypes: str = CHANTYPES, channellen: int = CHANNELLEN) -> bool:
    """True when name may be used to create a channel."""
    return (
        is_channel(name, chantypes)
        and 1 < len(name) <= channellen
        and not any(c in name for c in " ,\x07\r\n\0:")
    )
