"""Open IRCv3 BATCHes by reference: their type, and for history how many lines arrived and the
newest msgid, so that the end of a chathistory batch becomes a HistoryReceived event; the lines
of a SEARCH answer and of a multiline message (draft/multiline) are kept until their end."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.models import events as ev
from app.models.multiline import BATCH_TYPE as MULTILINE_BATCH
from ircproto.message import Message

HISTORY_BATCHES = ("chathistory", "draft/chathistory-targets")
SEARCH_BATCH = "soju.im/search"
"""A SEARCH answer: its lines are results, never live or replayed chat (kept until it ends)."""
COLLECTED = (SEARCH_BATCH, MULTILINE_BATCH)


@dataclass(frozen=True)
class MultilineArrived:
    """A draft/multiline batch ended: its BATCH line (source, msgid, time, +reply) and lines."""

    opening: Message
    lines: tuple[Message, ...]


@dataclass
class _OpenBatch:
    params: tuple[str, ...]
    """(type, params...) from BATCH +<reference>."""
    count: int = 0
    last_msgid: str = ""
    found: list[Message] = field(default_factory=list)
    opening: Message | None = None


def _search_result(opening: Message, lines: list[Message]) -> Message:
    """A multiline message found by SEARCH as one result line: its lines joined by spaces (a
    result is one line of the search window), with the BATCH line's source and tags."""
    verb = lines[0].verb if lines and lines[0].verb in ("PRIVMSG", "NOTICE") else "PRIVMSG"
    text = " ".join(line.param(1) for line in lines if line.param(1))
    tags = {key: value for key, value in opening.tags.items() if key != "batch"}
    return Message(verb, (opening.param(2), text), opening.source, tags)


class BatchTracker:
    """The batches the server opened and has not closed yet."""

    def __init__(self) -> None:
        self._open: dict[str, _OpenBatch] = {}

    # BATCH +<reference> <type> [<params>...]
    def open(self, reference: str, kind: str, *params: str,
             opening: Message | None = None) -> None:
        """The server opened batch reference of type kind (with the BATCH line opening)."""
        self._open[reference] = _OpenBatch((kind, *params), opening=opening)

    # BATCH -<reference>
    def close(self, reference: str
              ) -> ev.HistoryReceived | ev.SearchAnswered | MultilineArrived | None:
        """The server closed batch reference: a HistoryReceived when it carried history, a
        SearchAnswered when it answered a SEARCH, a MultilineArrived for a multiline message."""
        batch = self._open.pop(reference, None)
        if batch is None:
            return None
        kind = batch.params
        if kind[0] == MULTILINE_BATCH and batch.opening is not None:
            outer = self._open.get(batch.opening.tags.get("batch", ""))
            if outer is not None and outer.params[0] == SEARCH_BATCH:
                outer.found.append(_search_result(batch.opening, batch.found))
                return None
            return MultilineArrived(batch.opening, tuple(batch.found))
        if kind[0] == SEARCH_BATCH:
            return ev.SearchAnswered(tuple(batch.found))
        if kind[0] == "chathistory" and len(kind) > 1:
            return ev.HistoryReceived(kind[1], batch.count, batch.last_msgid)
        if kind[0] == "draft/chathistory-targets":
            return ev.HistoryReceived("", batch.count)
        return None

    def collect(self, message: Message) -> bool:
        """Keep message when it is a line of a SEARCH answer or a multiline message (True): not
        to be handled on its own."""
        batch = self._open.get(message.tags.get("batch", ""))
        if batch is None or batch.params[0] not in COLLECTED:
            return False
        if message.verb == "BATCH" and batch.params[0] == SEARCH_BATCH:
            return False  # a multiline result opens (or closes) its own batch
        batch.found.append(message)
        return True

    def in_history(self, tags: Mapping[str, str]) -> bool:
        """True when a line with these tags is part of an open history batch."""
        batch = self._open.get(tags.get("batch", ""))
        return batch is not None and batch.params[0] in HISTORY_BATCHES

    def count(self, tags: Mapping[str, str]) -> bool:
        """Count a line with these tags in its batch; True when it is replayed history."""
        batch = self._open.get(tags.get("batch", ""))
        if batch is None:
            return False
        batch.count += 1
        batch.last_msgid = tags.get("msgid", batch.last_msgid)
        return batch.params[0] in HISTORY_BATCHES
