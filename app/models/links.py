"""Links in a chat line: http(s)://, mailto: and bare www. addresses, where each one starts and
ends (trailing punctuation and unbalanced closing brackets are not part of it), and the address a
browser opens. Pure; international domain names are kept as typed (the browser encodes them)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A candidate runs from its scheme (or www.) up to whitespace, angle brackets or quotes;
# link_end() then trims what a sentence put after it.
_CANDIDATE = re.compile(
    r"(?<![\w@.])(?:(?:https?://|www\.)[^\s<>\"'`]+|mailto:[^\s<>\"'`@]+@[^\s<>\"'`]+)",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?*~'\"…"
_PAIRS = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True, slots=True)
class Link:
    """A link at text[start:end]; url is what to open."""

    start: int
    end: int
    url: str


def find_links(text: str) -> list[Link]:
    """Every link in text, in order."""
    found: list[Link] = []
    for match in _CANDIDATE.finditer(text):
        raw = match.group()
        length = link_end(raw)
        shown = raw[:length]
        if not _has_host(shown):
            continue
        found.append(Link(match.start(), match.start() + length, browser_url(shown)))
    return found


def link_end(raw: str) -> int:
    """How much of a candidate is the link: without trailing punctuation, and without closing
    brackets that have no opening one inside it ("(see http://x/a_(b))" keeps one)."""
    end = len(raw)
    while end > 0:
        last = raw[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last in _PAIRS and raw[:end].count(_PAIRS[last]) < raw[:end].count(last):
            end -= 1
        else:
            break
    return end


def _has_host(link: str) -> bool:
    """True when something follows the scheme or www. that can be a host."""
    lowered = link.lower()
    for prefix in ("https://", "http://", "www.", "mailto:"):
        if lowered.startswith(prefix):
            rest = link[len(prefix):]
            return bool(rest) and (rest[0].isalnum() or rest[0] == "[")
    return False


def browser_url(link: str) -> str:
    """The address to open: a bare www. gets http:// (browsers upgrade to https themselves)."""
    return f"http://{link}" if link.lower().startswith("www.") else link
