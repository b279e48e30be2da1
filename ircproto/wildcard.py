"""IRC wildcard masks: `*` for any run of characters, `?` for exactly one, compared casemapped
(WHO masks, LIST masks; ban masks may share it)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from ircproto.casemap import DEFAULT_CASEMAPPING, casefold


def has_wildcards(text: str) -> bool:
    """Whether text is a pattern (holds `*` or `?`) rather than a plain name."""
    return "*" in text or "?" in text


@lru_cache(maxsize=256)
def _compile(mask_key: str) -> re.Pattern[str]:
    parts = (".*" if char == "*" else "." if char == "?" else re.escape(char) for char in mask_key)
    return re.compile("".join(parts), re.DOTALL)


def matcher(mask: str, casemapping: str = DEFAULT_CASEMAPPING) -> Callable[[str], bool]:
    """A test that tells whether a text matches mask as a whole, both casefolded."""
    pattern = _compile(casefold(mask, casemapping))
    return lambda text: pattern.fullmatch(casefold(text, casemapping)) is not None


_SEPARATOR = "\0"  # never in an IRC param


@lru_cache(maxsize=256)
def _compile_any(mask_key: str) -> re.Pattern[str]:
    parts = ("[^\0]*" if char == "*" else "[^\0]" if char == "?" else re.escape(char)
             for char in mask_key)
    return re.compile("(?:^|\0)" + "".join(parts) + "(?:\0|$)")


def any_matcher(mask: str, casemapping: str = DEFAULT_CASEMAPPING
                ) -> Callable[[Iterable[str]], bool]:
    """A test that tells whether any of several texts matches mask as a whole (one casefold
    and one search for them all: WHO tries a mask on four fields of every user)."""
    pattern = _compile_any(casefold(mask, casemapping))
    return lambda texts: pattern.search(casefold(_SEPARATOR.join(texts), casemapping)) is not None


def matches(mask: str, text: str, casemapping: str = DEFAULT_CASEMAPPING) -> bool:
    """Whether text matches mask (see matcher())."""
    return matcher(mask, casemapping)(text)
