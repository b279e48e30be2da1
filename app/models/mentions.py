"""Mention matching: does a chat line name a nick as a word, folded as the server folds nicks."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from ircproto.formatting import strip_formatting

NICK_CHARACTERS = r"A-Za-z0-9\[\]\\`_^{|}~\-"
"""What a nick is made of (RFC 2812 letters, digits and specials): around a mention there is
anything else (start, end, space, punctuation, a formatting code)."""


def mentions(text: str, nick: str, fold: Callable[[str], str]) -> bool:
    """True when text names nick as a whole word: 'alice: hi', 'hi Alice!' and '@alice' do,
    'alicex' and 'malice' do not. fold is the server's casemapping (e.g. Session.key), applied
    to both, so under rfc1459 'Ali[e]' also matches 'ali{e}'. An empty nick matches nothing."""
    if not nick:
        return False
    return _word(fold(nick)).search(fold(strip_formatting(text))) is not None


@lru_cache(maxsize=64)
def _word(folded_nick: str) -> re.Pattern[str]:
    """The pattern of folded_nick as a whole word (one per nick we have had)."""
    return re.compile(rf"(?<![{NICK_CHARACTERS}]){re.escape(folded_nick)}(?![{NICK_CHARACTERS}])")
