"""What the input line does besides holding text: Up/Down history and Tab nick completion.

No Tk here; the window binds the keys to these objects.
"""

from __future__ import annotations

from collections.abc import Sequence

from ircproto.casemap import casefold

HISTORY_LIMIT = 200


class InputHistory:
    """The lines sent, newest last. Up walks back, Down walks forward and finally returns the
    draft that was being typed when Up was first pressed."""

    def __init__(self, limit: int = HISTORY_LIMIT) -> None:
        self._lines: list[str] = []
        self._limit = limit
        self._index: int | None = None
        self._draft = ""

    def add(self, line: str) -> None:
        """Remember a line that was sent (not blank ones, nor a repeat of the last)."""
        if line.strip() and (not self._lines or self._lines[-1] != line):
            self._lines.append(line)
            del self._lines[:-self._limit]
        self._index = None

    def previous(self, current: str) -> str | None:
        """The line before the one shown (current is kept as the draft); None at the oldest."""
        if not self._lines or self._index == 0:
            return None
        if self._index is None:
            self._draft = current
            self._index = len(self._lines)
        self._index -= 1
        return self._lines[self._index]

    def next(self) -> str | None:
        """The line after the one shown, then the draft; None when not walking the history."""
        if self._index is None:
            return None
        self._index += 1
        if self._index >= len(self._lines):
            self._index = None
            return self._draft
        return self._lines[self._index]


class NickCompleter:
    """Tab completion of the word before the cursor against the nicks present. Pressing Tab
    again right away offers the next match; a nick completed at the start gets ': '."""

    def __init__(self) -> None:
        self._last: tuple[str, int] | None = None
        self._cycle: tuple[str, str, list[str], int] | None = None  # before, after, matches, i

    def complete(self, text: str, cursor: int, nicks: Sequence[str]) -> tuple[str, int] | None:
        """The new text and cursor position, or None when nothing matches."""
        if self._cycle is not None and self._last == (text, cursor):
            before, after, matches, index = self._cycle
            index = (index + 1) % len(matches)
        else:
            start = len(text[:cursor]) - len(text[:cursor].split(" ")[-1])
            word = text[start:cursor]
            if not word:
                return None
            word_key = casefold(word)
            matches = sorted((n for n in nicks if casefold(n).startswith(word_key)),
                             key=casefold)
            if not matches:
                return None
            before, after, index = text[:start], text[cursor:], 0
        self._cycle = (before, after, matches, index)
        suffix = ": " if not before else " "
        completed = before + matches[index] + suffix
        self._last = (completed + after.lstrip(" "), len(completed))
        return self._last
