"""How one LogEntry reads in the log: a list of (text, tags) runs for the Text widget.

An entry may take several Text lines: a reply's quote of its parent above it, each line of a
multiline message, its reaction chips below it (line_count says how many). No Tk here; the
window maps the tag names to fonts and colours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from app.models.links import find_links
from app.models.log import EntryKind, LogEntry
from app.models.reacts import chip_text
from app.models.replies import DELETED
from app.views.palette import nick_slot
from ircproto.formatting import strip_formatting

Run = tuple[str, tuple[str, ...]]

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def plain_text(text: str) -> str:
    """text without IRC formatting codes, with other control characters shown as U+FFFD."""
    return _CONTROL.sub("\ufffd", strip_formatting(text))


PENDING_MARK = "  \u25f7 sending\u2026"
"""What follows a message of ours the server has not confirmed yet."""

MARKER_TEXT = "\u2500" * 12 + "  new messages  " + "\u2500" * 12
"""The separator line the log shows before the first unread entry of a conversation."""


def clock(time: datetime) -> str:
    """The timestamp a line shows: local hours and minutes."""
    return _local(time).strftime("%H:%M")


def stamp(time: datetime, today: date | None = None) -> str:
    """The timestamp of a replayed line: hours and minutes today, 'Mon 14:02' within the last
    six days, '2026-11-17 14:02' before that. time is timezone-aware or naive local."""
    local = _local(time)
    today = today or date.today()
    if local.date() == today:
        return local.strftime("%H:%M")
    if today - timedelta(days=6) <= local.date() < today:
        return local.strftime("%a %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def _local(time: datetime) -> datetime:
    return time.astimezone() if time.tzinfo is not None else time


def nick_tag(nick: str) -> str:
    """The tag that colours nick (one per palette slot)."""
    return f"nick{nick_slot(nick)}"


def with_links(text: str, tags: tuple[str, ...]) -> list[Run]:
    """text as runs with tags, its links (app.models.links) also tagged 'link'."""
    runs: list[Run] = []
    at = 0
    for link in find_links(text):
        runs += [(text[at:link.start], tags), (text[link.start:link.end], (*tags, "link"))]
        at = link.end
    runs.append((text[at:], tags))
    return [run for run in runs if run[0]]


QUOTE_MARK = "\u21aa "
"""What starts the line quoting the message a reply answers."""
CHIP_GAP = "  "


def line_count(entry: LogEntry) -> int:
    """How many Text lines entry takes (the runs of entry_runs hold as many newlines)."""
    lines = 1 if entry.deleted else entry.text.count("\n") + 1
    return lines + bool(entry.reply_to) + bool(entry.reactions)


def entry_runs(entry: LogEntry) -> list[Run]:
    """The runs of one log entry, each of its lines ending with a newline."""
    line_tags: tuple[str, ...] = ("own",) if entry.own else ()
    if entry.private:
        line_tags += ("private",)
    if entry.pending:
        line_tags += ("pending",)
    if entry.mention:
        line_tags += ("mention",)
    if entry.deleted:
        runs = [*_line_runs(entry, ""), (DELETED, ("deleted",))]
    elif "\n" not in entry.text:  # the usual line: no copy, no split
        runs = _line_runs(entry, plain_text(entry.text))
    else:
        first, *more = entry.text.split("\n")
        runs = _line_runs(entry, plain_text(first))
        for line in more:
            runs += [("\n", ()), *with_links(plain_text(line), ("chat", "cont"))]
    if entry.reply_to:
        runs[:0] = [(QUOTE_MARK + plain_text(entry.quote or entry.reply_to), ("quote",)),
                    ("\n", ())]
    if entry.pending:
        runs.append((PENDING_MARK, ("pendingmark",)))
    runs.append(("\n", ()))
    if entry.reactions:
        runs += _chip_runs(entry)
    return [(text, tags + line_tags) for text, tags in runs]


def _chip_runs(entry: LogEntry) -> list[Run]:
    """The reaction chips line: ' 👍 2 alice, bob ' for each reaction, clickable."""
    runs: list[Run] = [(CHIP_GAP, ("chips",))]
    for reaction, nicks in entry.reactions:
        runs += [(f" {plain_text(chip_text(reaction, nicks))} ", ("chips", "chip")),
                 (CHIP_GAP, ("chips",))]
    runs.append(("\n", ("chips",)))
    return runs


def _line_runs(entry: LogEntry, text: str) -> list[Run]:
    when = stamp(entry.time) if entry.replayed else clock(entry.time)
    runs: list[Run] = [(when + "  ", ("time",))]
    if entry.private:
        runs.append((f"[to {entry.target}] " if entry.own else "[private] ", ("pmlabel",)))
    sender = plain_text(entry.sender)
    if entry.kind is EntryKind.SYSTEM:
        dash = "" if entry.presence == "summary" else "— "  # its arrows say what it is
        runs.append((dash + text, ("system",)))
    elif entry.kind is EntryKind.ERROR:
        runs.append(("! " + text, ("error",)))
    elif entry.kind is EntryKind.ACTION:
        runs += [("* ", ("action",)), (sender, ("action", "nick", nick_tag(sender))),
                 *with_links(" " + text, ("action",))]
    elif entry.kind is EntryKind.NOTICE:
        runs += [("-", ("notice",)), (sender, ("nick", nick_tag(sender))),
                 *with_links("- " + text, ("notice",))]
    else:
        runs += [("<", ("punct",)), (sender, ("nick", nick_tag(sender))), ("> ", ("punct",)),
                 *with_links(text, ("chat",))]
    return runs


def entry_line(entry: LogEntry) -> str:
    """The plain text of one log line, without its newline."""
    return "".join(text for text, _ in entry_runs(entry)).rstrip("\n")


def insert_args(entries: Sequence[LogEntry], marker_at: int = -1) -> list[object]:
    """The arguments of one Text.insert call that appends all entries: text, tags, text, tags...
    When 0 <= marker_at < len(entries), the 'new messages' line comes before entries[marker_at]."""
    args: list[object] = []
    for index, entry in enumerate(entries):
        if index == marker_at:
            args += [MARKER_TEXT + "\n", ("marker",)]
        for text, tags in entry_runs(entry):
            args.append(text)
            args.append(tags)
    return args
