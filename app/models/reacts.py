"""Reactions (+draft/react, +draft/unreact) on log entries: who reacted with what, toggled one
nick at a time, and how a reaction reads. Pure: entries in, entries out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from app.models.log import LogEntry
from app.models.userinput import InvalidInput

REACT_TAG = "+draft/react"
UNREACT_TAG = "+draft/unreact"
QUICK_REACTIONS = ("✔", "❤", "☺", "★", "⚡", "☹")
"""The reactions the log's menu offers at once (any other can be typed): symbols of the Basic
Multilingual Plane, which Tk 8.6 draws with ordinary fonts (DejaVu); emoji outside it need a
monochrome emoji font on the system, else they show as boxes."""
MAX_REACTION_BYTES = 64
"""The longest reaction we send or show: an emoji, a word; not a message."""
NAMES_SHOWN = 3


def reacted(entry: LogEntry, reaction: str, nick: str, key: Callable[[str], str]) -> bool:
    """True when nick (folded with key) has reacted to entry with reaction."""
    for found, nicks in entry.reactions:
        if found == reaction:
            return any(key(someone) == key(nick) for someone in nicks)
    return False


def toggled(entry: LogEntry, reaction: str, nick: str, added: bool,
            key: Callable[[str], str]) -> LogEntry | None:
    """entry with nick's reaction added (or taken away); None when nothing changes (sent twice,
    or the echo of one we applied already). A reaction nobody holds any more goes."""
    if reacted(entry, reaction, nick, key) == added:
        return None
    reactions: list[tuple[str, tuple[str, ...]]] = []
    placed = False
    for found, nicks in entry.reactions:
        if found == reaction:
            placed = True
            nicks = (*nicks, nick) if added else tuple(
                someone for someone in nicks if key(someone) != key(nick))
        if nicks:
            reactions.append((found, nicks))
    if added and not placed:
        reactions.append((reaction, (nick,)))
    return replace(entry, reactions=tuple(reactions))


def check_reaction(reaction: str) -> str:
    """reaction stripped; InvalidInput when it is empty, too long or spans lines."""
    reaction = reaction.strip()
    if not reaction:
        raise InvalidInput("A reaction needs an emoji or a word")
    if any(c in reaction for c in "\r\n\0") or len(reaction.encode("utf-8")) > MAX_REACTION_BYTES:
        raise InvalidInput(f"A reaction is at most {MAX_REACTION_BYTES} bytes on one line")
    return reaction


def chip_text(reaction: str, nicks: tuple[str, ...]) -> str:
    """One reaction as its chip reads: the reaction, how many, and who ('👍 2 alice, bob')."""
    names = ", ".join(nicks[:NAMES_SHOWN]) + ("…" if len(nicks) > NAMES_SHOWN else "")
    return f"{reaction} {len(nicks)} {names}"
