"""A draft/multiline batch a client is sending, pure: its lines collected and checked against
the limits and rules of the IRCv3 spec, and the one message they make.

The limits, advertised as `draft/multiline=max-bytes=4096,max-lines=64`: 4096 bytes is a
screenful of pasted text (about ergo's default), 64 lines of 64 bytes on average fits code. A
full batch costs each recipient about 64 x ~150 bytes of source, target and tags plus the 4096 of
text, ~14 KB, a twentieth of the 256 KB send queue; and each of its lines counts against the
sender's flood bucket as one command (20 at once, then 10 a second).
"""

from __future__ import annotations

from dataclasses import dataclass, field

BATCH_TYPE = "draft/multiline"
CAP = "draft/multiline"
CONCAT = "draft/multiline-concat"
MAX_BYTES = 4096
MAX_LINES = 64
CAP_VALUE = f"max-bytes={MAX_BYTES},max-lines={MAX_LINES}"
VERBS = ("PRIVMSG", "NOTICE")

Line = tuple[str, bool]  # a line's text, and whether it is concatenated to the one before


class MultilineError(Exception):
    """A batch broke a rule: becomes `FAIL BATCH <code> [<params>...] :<description>`."""

    def __init__(self, code: str, *params: str) -> None:
        super().__init__(code, *params)
        self.code, self.params = code, params


def invalid(why: str) -> MultilineError:
    return MultilineError("MULTILINE_INVALID", why)


@dataclass
class OpenBatch:
    """A client's open `BATCH +ref draft/multiline <target>`: what it has sent so far. A failed
    batch (the client was told why) swallows the rest of its lines until `BATCH -ref`."""

    ref: str
    target: str
    target_key: str  # the target casefolded: lines must name the same
    tags: dict[str, str] = field(default_factory=dict)  # the client tags of the BATCH open
    label: str | None = None  # labeled-response: the BATCH open's label, for the echo
    verb: str | None = None  # PRIVMSG or NOTICE, from the first line
    lines: list[Line] = field(default_factory=list)
    size: int = 0  # bytes of the combined message so far
    failed: bool = False

    def add(self, verb: str, target: str, target_key: str, text: str, concat: bool) -> None:
        """Take one line of the batch; MultilineError when it breaks a rule."""
        if verb not in VERBS or (self.verb is not None and verb != self.verb):
            raise invalid("A multiline batch holds PRIVMSG lines or NOTICE lines, not both")
        if target_key != self.target_key:
            raise MultilineError("MULTILINE_INVALID_TARGET", self.target, target or "*",
                                 "Invalid multiline target")
        if concat and not text:
            raise invalid("Invalid multiline batch with concatenated blank line")
        if len(self.lines) >= MAX_LINES:
            raise MultilineError("MULTILINE_MAX_LINES", str(MAX_LINES),
                                 "Multiline batch max-lines exceeded")
        size = self.size + len(text.encode("utf-8")) + (1 if self.lines and not concat else 0)
        if size > MAX_BYTES:
            raise MultilineError("MULTILINE_MAX_BYTES", str(MAX_BYTES),
                                 "Multiline batch max-bytes exceeded")
        self.verb, self.size = verb, size
        self.lines.append((text, concat))

    def finish(self) -> str:
        """At `BATCH -ref`: the combined message; MultilineError when there is none to send."""
        if not self.lines:
            raise invalid("Invalid multiline batch without lines")
        if not any(text for text, _ in self.lines):
            raise invalid("Invalid multiline batch with blank lines only")
        return combined(self.lines)


def combined(lines: list[Line]) -> str:
    """The message lines make: joined by '\\n', a concatenated line directly."""
    parts: list[str] = []
    for index, (text, concat) in enumerate(lines):
        if index and not concat:
            parts.append("\n")
        parts.append(text)
    return "".join(parts)
