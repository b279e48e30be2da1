"""Ban, exception and invite-exception masks: `nick!user@host` globs (`*`, `?`, casemapped) and
the `$a:<account>` extban; normalising what an operator typed, and matching a client."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Subject:
    """A client as masks see it: its casefolded nick!user@host and account (None: a guest)."""

    prefix: str
    account: str | None


def subject_of(client: Masked) -> Subject:
    """What masks are matched against, folded once for many masks."""
    prefix = key_of(f"{client.nick}!{client.user or '*'}@{client.host}")
    return Subject(prefix, key_of(client.account) if client.account is not None else None)


def matches(mask: str, client: Masked | Subject) -> bool:
    """Whether a normalised mask matches client."""
    return matcher(mask)(client if isinstance(client, Subject) else subject_of(client))


@lru_cache(maxsize=4096)
def matcher(mask: str) -> Callable[[Subject], bool]:
    """The test a normalised mask stands for, made once per mask."""
    return any_matcher((mask,))


def any_matcher(masks: tuple[str, ...]) -> Callable[[Subject], bool]:
    """One test for whether any of masks matches: the globs (folded; `*` any run, `?` one
    character) as one regular expression over the nick!user@host, the `$a` extbans as a set
    of accounts (None in it: a bare `$a`, any account)."""
    accounts = set()
    globs = []
    for mask in masks:
        if mask.startswith(EXTBAN_PREFIX):
            _kind, colon, account = mask[1:].partition(":")  # only $a exists
            accounts.add(key_of(account) if colon else None)
        else:
            globs.append("".join(".*" if c == "*" else "." if c == "?" else re.escape(c)
                                 for c in key_of(mask)))
    pattern = re.compile("|".join(f"(?:{glob})" for glob in globs), re.DOTALL) if globs else None

    def test(who: Subject) -> bool:
        if who.account is not None and (None in accounts or who.account in accounts):
            return True
        return pattern is not None and pattern.fullmatch(who.prefix) is not None

    return test
