"""Casefolding for nicks and channels, as ISUPPORT CASEMAPPING says (rfc1459 or ascii)."""

from __future__ import annotations

import string

_ASCII = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_RFC1459 = str.maketrans(string.ascii_uppercase + "[]\\~", string.ascii_lowercase + "{}|^")
_STRICT = str.maketrans(string.ascii_uppercase + "[]\\", string.ascii_lowercase + "{}|")
_TABLES = {"ascii": _ASCII, "rfc1459": _RFC1459, "strict-rfc1459": _STRICT}

DEFAULT_CASEMAPPING = "rfc1459"


def casefold(name: str, casemapping: str = DEFAULT_CASEMAPPING) -> str:
    """The key two names share when they are the same nick or channel under casemapping."""
    return name.translate(_TABLES.get(casemapping, _RFC1459))


def known_casemappings() -> tuple[str, ...]:
    """The casemappings this module can fold."""
    return tuple(_TABLES)
