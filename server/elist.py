"""LIST's filters (ISUPPORT ELIST=CMNTU): what `LIST [<channels or conditions>] [<conditions>]`
asks for, parsed once, then tested per channel. Pure.

Conditions: `<n` / `>n` users (U); `C<m` / `C>m` created less / more than m minutes ago (C);
`T<m` / `T>m` topic set less / more than m minutes ago (T; a channel without a topic has no
topic time and fails both); a wildcard mask (M) and `!mask` (N); any other item names a channel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ircproto.wildcard import has_wildcards, matcher

ELIST = "CMNTU"
CASEMAPPING = "rfc1459"


class ElistError(ValueError):
    """A condition that cannot be read, e.g. `>x` or `C<`."""


@dataclass(frozen=True, slots=True)
class ChannelFacts:
    """What the filters look at: the name, the member count, and ages in minutes."""

    name: str
    users: int
    created_minutes: float
    topic_minutes: float | None  # None: no topic


Test = Callable[[ChannelFacts], bool]


@dataclass
class ListQuery:
    """The channels named, and the tests every listed channel passes."""

    names: list[str] = field(default_factory=list)
    tests: list[Test] = field(default_factory=list)

    def wants(self, facts: ChannelFacts) -> bool:
        return all(test(facts) for test in self.tests)


def number(text: str, item: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise ElistError(f"{item!r} needs a whole number after its < or >")
    return int(text)


def compare(value: float | None, op: str, limit: int) -> bool:
    if value is None:
        return False
    return value < limit if op == "<" else value > limit


def condition(item: str) -> Test | None:
    """The test item stands for, or None when it is not a condition (a mask or a name)."""
    if item[:1] in "<>":
        op, limit = item[0], number(item[1:], item)
        return lambda f: compare(f.users, op, limit)
    if len(item) >= 2 and item[0] in "CcTt" and item[1] in "<>":
        op, limit = item[1], number(item[2:], item)
        if item[0] in "Cc":
            return lambda f: compare(f.created_minutes, op, limit)
        return lambda f: compare(f.topic_minutes, op, limit)
    return None


def excluding(unwanted: Callable[[str], bool]) -> Test:
    return lambda f: not unwanted(f.name)


def parse_query(params: tuple[str, ...]) -> ListQuery:
    """LIST's params as a query; ElistError for a condition that cannot be read."""
    query = ListQuery()
    masks: list[Callable[[str], bool]] = []
    for param in params[:2]:
        for item in (part for part in param.split(",") if part):
            test = condition(item)
            if test is not None:
                query.tests.append(test)
            elif item.startswith("!"):
                query.tests.append(excluding(matcher(item[1:], CASEMAPPING)))
            elif has_wildcards(item):
                masks.append(matcher(item, CASEMAPPING))
            else:
                query.names.append(item)
    if masks:
        query.tests.append(lambda f: any(mask(f.name) for mask in masks))
    return query
