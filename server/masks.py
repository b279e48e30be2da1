"""Ban, exception and invite-exception masks: `nick!user@host` globs (`*`, `?`, casemapped) and
the `$a:<account>` extban; normalising what an operator typed, and matching a client."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol

from ircproto.casemap import casefold

CASEMAPPING = "rfc1459"  # the server's (server.state.CASEMAPPING; kept here to stay a leaf)
EXTBAN_PREFIX = "$"
EXTBAN_TYPES = "a"  # $a:<account> (any logged-in user for a bare $a)
MASK_LEN = 100  # longest mask kept, as typed (longer ones are refused)


class Masked(Protocol):
    """What a mask is matched against: a client's nick, user, host and account."""

    nick: str
    user: str
    host: str
    account: str | None


class InvalidMask(ValueError):
    """A mask that cannot be set (its reason is shown with 696 ERR_INVALIDMODEPARAM)."""


def normalize(mask: str) -> str:
    """The mask as the list keeps it: `bob` -> `bob!*@*`, `*@h` -> `*!*@h`, `b!u` -> `b!u@*`;
    an extban is checked and kept as typed. InvalidMask for what can never match."""
    if not mask or len(mask) > MASK_LEN or mask[0] == ":" or "," in mask or " " in mask:
        raise InvalidMask("Masks are 1 to 100 characters without spaces or commas")
    if mask.startswith(EXTBAN_PREFIX):
        kind, _, _arg = mask[1:].partition(":")
        if kind not in EXTBAN_TYPES or len(kind) != 1:
            raise InvalidMask(f"Unknown extban type (supported: {EXTBAN_TYPES})")
        return mask
    nick, bang, rest = mask.partition("!")
    if not bang:
        if "@" in nick:
            nick, rest = "*", nick
        else:
            rest = "*"
    user, at, host = rest.partition("@")
    return f"{nick or '*'}!{user or '*'}@{host if at and host else '*'}"


def key_of(mask: str) -> str:
    """The casefolded form two masks are compared by (a list holds each key once)."""
    return casefold(mask, CASEMAPPING)


def matches(mask: str, client: Masked) -> bool:
    """Whether a normalised mask matches client."""
    if mask.startswith(EXTBAN_PREFIX):
        _kind, colon, account = mask[1:].partition(":")  # only $a exists
        if client.account is None:
            return False
        return not colon or key_of(account) == key_of(client.account)
    prefix = f"{client.nick}!{client.user or '*'}@{client.host}"
    return _pattern(key_of(mask)).fullmatch(key_of(prefix)) is not None


@lru_cache(maxsize=1024)
def _pattern(folded_mask: str) -> re.Pattern[str]:
    """A folded glob as a regular expression: `*` any run, `?` one character."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in folded_mask)
    return re.compile("".join(parts), re.DOTALL)
