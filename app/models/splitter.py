"""Split typed text into IRC-sized pieces: one piece per typed line (CR, LF and CRLF end a line,
NUL is dropped), each line cut at spaces, UTF-8 safe, so no byte of text is lost and no piece
can smuggle a second IRC command onto the wire."""

from __future__ import annotations

from ircproto.framing import BODY_LIMIT

LINE_LIMIT = BODY_LIMIT
"""Bytes in one IRC line, CRLF included (the framer's limit)."""

USER_LEN = 10
HOST_LEN = 63
"""Assumed lengths of the username and hostname the server adds in ':nick!user@host'."""


def payload_budget(nick: str, command: str, target: str, extra: int = 0) -> int:
    """How many bytes of text fit in `COMMAND target :text` once the server prefixes
    ':nick!user@host ', assuming a long user and host; extra is any wrapping (CTCP ACTION)."""
    prefix = f":{nick}!{'u' * USER_LEN}@{'h' * HOST_LEN} {command} {target} :"
    return LINE_LIMIT - 2 - len(prefix.encode("utf-8")) - extra


def typed_lines(text: str) -> list[str]:
    """The lines of text as typed or pasted: split on CR, LF or CRLF, NUL dropped, blank lines
    (only whitespace) left out."""
    text = text.replace("\0", "").replace("\r\n", "\n").replace("\r", "\n")
    return [line for line in text.split("\n") if line.strip()]


def split_text(text: str, budget: int) -> list[str]:
    """text cut into pieces of at most budget UTF-8 bytes: at spaces where it can (the space at
    the cut is dropped), inside a word only when the word alone is too long, never inside a
    character. Each typed line becomes its own pieces; see typed_lines."""
    if budget < 4:
        raise ValueError("budget must leave room for at least one character")
    pieces: list[str] = []
    for line in typed_lines(text):
        pieces.extend(_split_line(line, budget))
    return pieces


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _split_line(line: str, budget: int) -> list[str]:
    pieces: list[str] = []
    rest = line
    while _size(rest) > budget:
        head = _fit(rest, budget)
        cut = head.rfind(" ")
        if cut > 0 and head[:cut].strip():
            pieces.append(head[:cut])
            rest = rest[cut + 1 :]
        else:
            pieces.append(head)
            rest = rest[len(head) :]
    if rest:
        pieces.append(rest)
    return pieces


def _fit(text: str, budget: int) -> str:
    """The longest prefix of text within budget bytes that ends on a character boundary."""
    encoded = text.encode("utf-8")[:budget]
    return encoded.decode("utf-8", errors="ignore")
