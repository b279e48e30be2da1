"""mIRC text formatting codes (bold, colour, italics, ...): what is left once they are removed."""

from __future__ import annotations

import re

# bold, colour (with its digits), hex colour, reset, reverse, italics, strike, underline,
# monospace
FORMATTING = re.compile(
    r"\x03(?:\d{1,2}(?:,\d{1,2})?)?|\x04(?:[0-9a-fA-F]{6}(?:,[0-9a-fA-F]{6})?)?"
    r"|[\x02\x0f\x11\x16\x1d\x1e\x1f]"
)


def strip_formatting(text: str) -> str:
    """text without IRC formatting codes (other control characters are left as they are)."""
    return FORMATTING.sub("", text)
