"""How one LogEntry reads in the log: a list of (text, tags) runs for the Text widget.

No Tk here; the window maps the tag names to fonts and colours.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Sequence

from app.models.log import EntryKind, LogEntry
from app.views.palette import nick_slot

Run = tuple[str, tuple[str, ...]]

# mIRC formatting: bold, colour (with its digits), hex colour, reset, reverse, italics, strike,
# underline, monospace. The log shows the plain text.
_FORMATTING = re.compile(
    r"\x03(?:\d{1,2}(?:,\d{1,2})?)?|\x04(?:[0-9a-fA-F]{6}(?:,[0-9a-fA-F]{6})?)?"
    r"|[\x02\x0f\x11\x16\x1d\x1e\x1f]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def plain_text(text: str) -> str:
    """text without IRC formatting codes, with other control characters shown as U+FFFD."""
    return _CONTROL.sub("\ufffd", _FORMATTING.sub("", text))


def clock(time: datetime) -> str:
    """The timestamp a line shows: local hours and minutes."""
    if time.tzinfo is not None:
        time = time.astimezone()
    return time.strftime("%H:%M")


def nick_tag(nick: str) -> str:
    """The tag that colours nick (one per palette slot)."""
    return f"nick{nick_slot(nick)}"


def entry_runs(entry: LogEntry) -> list[Run]:
    """The runs of one log line, ending with its newline."""
    line_tags: tuple[str, ...] = ("own",) if entry.own else ()
    if entry.private:
        line_tags += ("private",)
    runs = _line_runs(entry, plain_text(entry.text))
    runs.append(("\n", ()))
    return [(text, tags + line_tags) for text, tags in runs]


def _line_runs(entry: LogEntry, text: str) -> list[Run]:
    runs: list[Run] = [(clock(entry.time) + "  ", ("time",))]
    if entry.private:
        runs.append((f"[to {entry.target}] " if entry.own else "[private] ", ("pmlabel",)))
    sender = plain_text(entry.sender)
    if entry.kind is EntryKind.SYSTEM:
        runs.append(("— " + text, ("system",)))
    elif entry.kind is EntryKind.ERROR:
        runs.append(("! " + text, ("error",)))
    elif entry.kind is EntryKind.ACTION:
        runs += [("* ", ("action",)), (sender, ("action", "nick", nick_tag(sender))),
                 (" " + text, ("action",))]
    elif entry.kind is EntryKind.NOTICE:
        runs += [("-", ("notice",)), (sender, ("nick", nick_tag(sender))),
                 ("- " + text, ("notice",))]
    else:
        runs += [("<", ("punct",)), (sender, ("nick", nick_tag(sender))), ("> ", ("punct",)),
                 (text, ("chat",))]
    return runs


def entry_line(entry: LogEntry) -> str:
    """The plain text of one log line, without its newline."""
    return "".join(text for text, _ in entry_runs(entry)).rstrip("\n")


def insert_args(entries: Sequence[LogEntry]) -> list[object]:
    """The arguments of one Text.insert call that appends all entries: text, tags, text, tags..."""
    args: list[object] = []
    for entry in entries:
        for text, tags in entry_runs(entry):
            args.append(text)
            args.append(tags)
    return args
