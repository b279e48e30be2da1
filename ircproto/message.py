"""One IRC message: parse a line into a frozen Message, and format a Message back into a line.

Follows the Modern IRC client protocol and IRCv3 message-tags (with tag value escaping).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

_TAG_ESCAPES = {"\\": "\\\\", ";": "\\:", " ": "\\s", "\r": "\\r", "\n": "\\n"}
_TAG_UNESCAPES = {":": ";", "s": " ", "\\": "\\", "r": "\r", "n": "\n"}
_TAG_ESCAPE_TABLE = str.maketrans(_TAG_ESCAPES)


class MessageError(ValueError):
    """A line that cannot be parsed, or a message that must never be put on the wire."""


def _freeze(tags: Mapping[str, str]) -> Mapping[str, str]:
    return tags if isinstance(tags, MappingProxyType) else MappingProxyType(dict(tags))


@dataclass(frozen=True, slots=True)
class Message:
    """An IRC message; params hold the middle params and, last, the trailing one."""

    command: str
    params: tuple[str, ...] = ()
    source: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", tuple(self.params))
        object.__setattr__(self, "tags", _freeze(self.tags))
        _check_message(self)

    @property
    def verb(self) -> str:
        """The command, upper-cased (numerics stay as they are)."""
        return self.command.upper()

    def param(self, index: int, default: str = "") -> str:
        """The param at index, or default when the message has fewer params."""
        return self.params[index] if -len(self.params) <= index < len(self.params) else default

    def with_tags(self, **tags: str) -> Message:
        """A copy of this message with the given tags added or replaced."""
        return Message(self.command, self.params, self.source, {**self.tags, **tags})

    def with_source(self, source: str | None) -> Message:
        """A copy of this message sent from another source."""
        return Message(self.command, self.params, source, self.tags)

    def with_first_param(self, first: str) -> Message:
        """A copy of this message (two params or more) with params[0] replaced by first: a
        reply made once ahead of time, sent to each recipient with its nick first. Only first
        is checked (as a middle param), so it costs a fraction of building the message anew."""
        if len(self.params) < 2:
            raise MessageError("with_first_param needs a message of two params or more")
        if not first or " " in first or first[0] == ":" or has_line_break(first):
            raise MessageError(f"middle param 0 {first!r} is empty, has a space or starts "
                               "with ':'")
        copy = object.__new__(Message)
        set_field = object.__setattr__  # frozen: as __post_init__ does
        set_field(copy, "command", self.command)
        set_field(copy, "params", (first, *self.params[1:]))
        set_field(copy, "source", self.source)
        set_field(copy, "tags", self.tags)
        return copy

    def format(self) -> str:
        """The message as one line of text, without the line ending."""
        parts = []
        if self.tags:
            parts.append(format_tags(self.tags))
        if self.source:
            parts.append(":" + self.source)
        parts.append(self.command)
        if self.params:
            parts.extend(self.params[:-1])
            last = self.params[-1]
            needs_colon = not last or " " in last or last.startswith(":")
            parts.append(":" + last if needs_colon else last)
        return " ".join(parts)

    def encode(self) -> bytes:
        """The message as bytes ready for the socket, ending in CRLF."""
        return (self.format() + "\r\n").encode("utf-8")


def format_tags(tags: Mapping[str, str]) -> str:
    """The tags part of a line, '@' included: @a=1;+b (values escaped)."""
    return "@" + ";".join(_format_tag(key, value) for key, value in tags.items())


def _format_tag(key: str, value: str) -> str:
    return f"{key}={value.translate(_TAG_ESCAPE_TABLE)}" if value else key


def escape_tag_value(value: str) -> str:
    """IRCv3 tag value escaping (also that of soju.im/search's attribute values)."""
    return value.translate(_TAG_ESCAPE_TABLE)


def is_client_tag(key: str) -> bool:
    """True for a client-only tag (+typing, +draft/reply): one a client may send to others."""
    return key[:1] == "+"


def _check_message(message: Message) -> None:
    if not message.command or not message.command.isascii() or not message.command.isalnum():
        raise MessageError(f"invalid command {message.command!r}")
    if message.source is not None and (" " in message.source or has_line_break(message.source)):
        raise MessageError(f"invalid source {message.source!r}")
    for index, param in enumerate(message.params):
        if has_line_break(param):
            raise MessageError(f"param {index} contains CR, LF or NUL")
        if index < len(message.params) - 1 and (not param or " " in param or param[0] == ":"):
            raise MessageError(f"middle param {index} is empty, has a space or starts with ':'")
    for key in message.tags:
        if not key or any(c in key for c in " ;=\r\n\0"):
            raise MessageError(f"invalid tag key {key!r}")


def has_line_break(text: str) -> bool:
    """True when text holds CR, LF or NUL, which can never be part of one IRC line."""
    return "\r" in text or "\n" in text or "\0" in text


def unescape_tag_value(value: str) -> str:
    """Undo IRCv3 tag value escaping; an unknown escape keeps the character, a lone trailing
    backslash is dropped."""
    if "\\" not in value:
        return value
    out: list[str] = []
    chars = iter(value)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        escaped = next(chars, "")
        out.append(_TAG_UNESCAPES.get(escaped, escaped))
    return "".join(out)


def _parse_tags(raw: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    for item in raw.split(";"):
        if not item:
            continue
        key, _, value = item.partition("=")
        tags[key] = unescape_tag_value(value)
    return tags


def _next_token(line: str) -> tuple[str, str]:
    token, _, rest = line.partition(" ")
    return token, rest.lstrip(" ")


def parse(line: str) -> Message:
    """Parse one line (with or without its CRLF) into a Message; MessageError if it is not IRC."""
    line = line.rstrip("\r\n")
    if has_line_break(line):
        raise MessageError("line contains CR, LF or NUL")
    rest = line.lstrip(" ")
    tags: dict[str, str] = {}
    source = None
    if rest.startswith("@"):
        raw_tags, rest = _next_token(rest)
        tags = _parse_tags(raw_tags[1:])
    if rest.startswith(":"):
        raw_source, rest = _next_token(rest)
        source = raw_source[1:]
    command, rest = _next_token(rest)
    if not command:
        raise MessageError("line has no command")
    params: list[str] = []
    while rest:
        if rest.startswith(":"):
            params.append(rest[1:])
            break
        param, rest = _next_token(rest)
        params.append(param)
    return Message(command, tuple(params), source, tags)
