"""draft/multiline: the server's limits (its CAP value), typed text cut into batches of lines
that fit them (draft/multiline-concat for a line too long for one IRC line), and the one text a
batch stands for. Pure: no session, no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MULTILINE_CAP = "draft/multiline"
BATCH_TYPE = "draft/multiline"
CONCAT_TAG = "draft/multiline-concat"


@dataclass(frozen=True, slots=True)
class Limits:
    """What one batch may hold: max_bytes of content (each joining line feed counts one) and,
    when the server says, max_lines lines (0: not limited)."""

    max_bytes: int
    max_lines: int = 0


@dataclass(frozen=True, slots=True)
class Piece:
    """One PRIVMSG line of a batch; concat: it continues the line before (no line feed)."""

    text: str
    concat: bool = False


def parse_limits(value: str) -> Limits | None:
    """The limits in a CAP value such as 'max-bytes=4096,max-lines=24' (unknown keys ignored);
    None without a positive max-bytes, which the spec requires."""
    found: dict[str, int] = {}
    for token in value.split(","):
        key, _, number = token.partition("=")
        if key in ("max-bytes", "max-lines") and number.isascii() and number.isdigit():
            found[key] = int(number)
    if found.get("max-bytes", 0) <= 0:
        return None
    return Limits(found["max-bytes"], found.get("max-lines", 0))


def message_text(text: str) -> str:
    """text as one multiline message holds it: CR LF and CR become LF, NUL is dropped, each
    line loses its trailing blanks, and blank lines at the start and the end go."""
    lines = text.replace("\0", "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [line.rstrip() for line in lines]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def pieces(text: str, budget: int) -> list[Piece]:
    """The lines of text (see message_text), each cut into pieces of at most budget UTF-8 bytes
    as the spec recommends: between words with the space kept at the end of the piece, inside a
    word only when it is longer than a line, never inside a character."""
    if budget < 4:
        raise ValueError("budget must leave room for at least one character")
    found: list[Piece] = []
    for line in message_text(text).split("\n"):
        found += _cut(line, budget)
    return found


def _cut(line: str, budget: int) -> list[Piece]:
    if not line:
        return [Piece("")]
    found: list[Piece] = []
    rest = line
    while rest:
        head = rest.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
        if len(head) < len(rest):
            space = head.rfind(" ")
            if space > 0:
                head = head[:space + 1]
        found.append(Piece(head, concat=bool(found)))
        rest = rest[len(head):]
    return found


def batches(found: Iterable[Piece], limits: Limits) -> list[list[Piece]]:
    """The pieces grouped into batches within limits, in order; a piece that does not fit
    starts the next batch (as a line of its own). No batch starts or ends with a blank line,
    so none is made of blank lines only."""
    groups: list[list[Piece]] = [[]]
    size = 0
    for piece in found:
        current = groups[-1]
        grows = _size(piece.text) + (1 if current and not piece.concat else 0)
        full = limits.max_lines and len(current) >= limits.max_lines
        if current and (full or size + grows > limits.max_bytes):
            current, size = [], 0
            groups.append(current)
            piece = Piece(piece.text)
            grows = _size(piece.text)
        if not current and not piece.text:
            continue  # a batch does not start with a blank line
        current.append(piece)
        size += grows
    return [_trimmed(group) for group in groups if _trimmed(group)]


def _trimmed(group: list[Piece]) -> list[Piece]:
    end = len(group)
    while end and not group[end - 1].text:
        end -= 1
    return group[:end]


def joined(found: Iterable[Piece]) -> str:
    """The one text a batch's lines stand for: joined by line feeds, except that a concat line
    continues the one before it."""
    text = ""
    for index, piece in enumerate(found):
        text += piece.text if piece.concat or index == 0 else "\n" + piece.text
    return text


def _size(text: str) -> int:
    return len(text.encode("utf-8"))
