"""Split a byte stream into IRC messages, a byte at a time if need be, within the line limits.

Bodies are limited to 512 bytes (with CRLF) and tags to 8191 bytes (with '@' and the space),
as the Modern IRC and IRCv3 message-tags specs say; what clients send, to 4094 bytes of tag
data (from_clients()). Memory stays bounded: a line that never
ends is discarded as it arrives, and reported once as a LineError.
"""

from __future__ import annotations

from dataclasses import dataclass

from ircproto.message import Message, MessageError, parse

BODY_LIMIT = 512
TAGS_LIMIT = 8191  # the whole tags part, '@' and the space included
CLIENT_TAG_DATA_LIMIT = 4094  # what a client may send: the bytes between '@' and the space


@dataclass(frozen=True, slots=True)
class LineError:
    """A line that was dropped, and why: 'too long', 'invalid utf-8' or 'malformed'."""

    reason: str
    detail: str = ""
    command: str = ""


class LineDecoder:
    """Feed it bytes as they arrive; it returns the complete messages (and LineErrors) so far."""

    def __init__(
        self,
        body_limit: int = BODY_LIMIT,
        tags_limit: int = TAGS_LIMIT,
        fallback_encoding: str | None = None,
        tag_data_limit: int | None = None,
    ) -> None:
        self._body_limit = body_limit
        self._tags_limit = tags_limit
        self._tag_data_limit = tag_data_limit
        self._max_buffer = body_limit + tags_limit
        self._fallback = fallback_encoding
        self._buffer = bytearray()
        self._discarding = False
        self._discarded = 0  # bytes of the current, unfinished line dropped so far

    @classmethod
    def from_clients(cls) -> LineDecoder:
        """A server's decoder of what a client sends: its tag data is limited to 4094 bytes
        (IRCv3 message-tags; more gets 417), the whole tags part to 8191."""
        return cls(tag_data_limit=CLIENT_TAG_DATA_LIMIT)

    @property
    def buffered(self) -> int:
        """How many bytes of an unfinished line are held."""
        return len(self._buffer)

    @property
    def unterminated(self) -> int:
        """How many bytes arrived since the last line break, held or already discarded."""
        return self._discarded + len(self._buffer)

    def feed(self, data: bytes) -> list[Message | LineError]:
        """Add data; return every line it completes, parsed, in order."""
        self._buffer += data
        items: list[Message | LineError] = []
        while (end := self._buffer.find(b"\n")) >= 0:
            raw = bytes(self._buffer[:end])
            del self._buffer[: end + 1]
            self._discarded = 0
            if self._discarding:
                self._discarding = False
                continue
            item = self._decode(raw.rstrip(b"\r"))
            if item is not None:
                items.append(item)
        if len(self._buffer) > self._max_buffer:
            self._discarded += len(self._buffer)
            self._buffer.clear()
            if not self._discarding:
                self._discarding = True
                items.append(LineError("too long", "line has no end within the limits"))
        return items

    def _decode(self, raw: bytes) -> Message | LineError | None:
        if not raw.strip(b" "):
            return None
        too_long = self._check_length(raw)
        if too_long:
            return too_long
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            if self._fallback is None:
                return LineError("invalid utf-8", "line is not valid UTF-8", _peek_command(raw))
            line = raw.decode(self._fallback, errors="replace")
        try:
            return parse(line)
        except MessageError as error:
            return LineError("malformed", str(error), _peek_command(raw))

    def _check_length(self, raw: bytes) -> LineError | None:
        body = raw
        if raw.startswith(b"@"):
            tags, _, body = raw.partition(b" ")
            if len(tags) + 1 > self._tags_limit:
                return LineError("too long", "tags are too long", _peek_command(body))
            if self._tag_data_limit is not None and len(tags) - 1 > self._tag_data_limit:
                why = f"tag data is over {self._tag_data_limit} bytes"
                return LineError("too long", why, _peek_command(body))
        if len(body.lstrip(b" ")) + 2 > self._body_limit:
            return LineError("too long", "line is too long", _peek_command(body))
        return None


def _peek_command(raw: bytes) -> str:
    """The command of a raw line, as well as it can be told, for an error reply."""
    words = raw.split()
    while words and words[0][:1] in (b"@", b":"):
        words.pop(0)
    return words[0].decode("ascii", "replace").upper() if words else ""
