"""A channel's NAMES lines as its members see them, kept per variant (multi-prefix,
userhost-in-names): built once, extended as members join, dropped on any other change.

Pure, under the state lock. A join storm makes every newcomer's NAMES O(1) work per member it
adds instead of O(members) per NAMES: the lines are extended in place (the last one grows until
it is full), never rebuilt. Anything that changes what an entry says or which entries there are
(a part, a quit, a kick, a nick change, a +o/+v, a promoted device) calls clear(); the next
NAMES builds that variant again. NAMES from outside the channel (invisible members left out) is
never cached.
"""

from __future__ import annotations

from collections.abc import Callable

MEMBER_PREFIXES = {"o": "@", "v": "+"}  # membership mode -> its prefix, highest first
NAMES_LINE_LIMIT = 400  # characters of entries per 353 line, well under 512 (CAP LS's too)
Variant = tuple[bool, bool]  # (multi-prefix, userhost-in-names) of a viewer


def member_prefix(modes: str, multi: bool) -> str:
    """'@+', '@', '+' or '' for membership modes: every prefix with multi-prefix, else only
    the highest."""
    if multi:
        return "".join(prefix for mode, prefix in MEMBER_PREFIXES.items() if mode in modes)
    return next((prefix for mode, prefix in MEMBER_PREFIXES.items() if mode in modes), "")


def names_entry(variant: Variant, modes: str, nick: str, full: str) -> str:
    """One RPL_NAMREPLY entry: the prefixes, then nick (or nick!user@host, full, with
    userhost-in-names)."""
    multi, userhost = variant
    return member_prefix(modes, multi) + (full if userhost else nick)


def add_fitted(lines: list[str], item: str, limit: int = NAMES_LINE_LIMIT) -> None:
    """Append item to lines as server.commands.base.fit_lines places it: on the last line,
    space-separated, while that stays within limit characters; else on a new line."""
    if lines and len(lines[-1]) + 1 + len(item) <= limit:
        lines[-1] = f"{lines[-1]} {item}"
    else:
        lines.append(item)


class NamesCache:
    """The 353 texts of one channel per variant: only variants somebody asked for are kept."""

    __slots__ = ("_lines",)

    def __init__(self) -> None:
        self._lines: dict[Variant, list[str]] = {}

    def lines(self, variant: Variant, entries: Callable[[], list[str]]) -> list[str]:
        """The lines of variant; entries() gives every member's entry, in order, when they
        must be built. The list returned must not be changed by the caller."""
        lines = self._lines.get(variant)
        if lines is None:
            lines = []
            for entry in entries():
                add_fitted(lines, entry)
            self._lines[variant] = lines
        return lines

    def joined(self, modes: str, nick: str, full: str) -> None:
        """A member joined (last in the channel's order): its entry ends every kept variant.
        The lists are replaced, not changed, so a list lines() returned earlier stays as it
        was."""
        for variant, lines in self._lines.items():
            grown = lines.copy()
            add_fitted(grown, names_entry(variant, modes, nick, full))
            self._lines[variant] = grown

    def clear(self) -> None:
        """Something else changed: every variant is built again when next asked for."""
        self._lines.clear()

    def kept(self) -> list[Variant]:
        """The variants held now (for tests)."""
        return list(self._lines)
