"""SEARCH is bounded by the work it does, not only by the matches it returns: a common word from
a rare sender stops at its budget with the newest matches found, and the asker is told."""

from __future__ import annotations

from pathlib import Path

import pytest

from server import history
from server.history import HistoryStore, new_msgid
from server.historysearch import Scope, Search
from tests.server.test_caps import joined
from tests.server.test_search import SEARCH_CAPS, found, harness

WORDY = 3000


@pytest.fixture
def store(tmp_path: Path):
    made = HistoryStore(str(tmp_path / "h.sqlite3"), 30, 10 * WORDY)
    made.store(new_msgid(), made.now_ms(), "#a", "#a", "bob!b@h", "PRIVMSG", "status ok", {})
    for n in range(WORDY):
        made.store(new_msgid(), made.now_ms(), "#a", "#a", "alice!a@h", "PRIVMSG",
                   f"status report {n}", {})
    made.commit()
    made.progress_steps = 200
    yield made
    made.close()


class Ticks:
    """A timer that moves 1 ms each time it is read (SQLite reads it every 200 instructions
    here), so a budget is a fixed amount of work."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.001
        return self.now


def test_search_budget_stops_a_broad_walk_and_says_so(store: HistoryStore) -> None:
    scope, rare = Scope(("#a",), None), Search("status", from_key="bob")
    store.timer = Ticks()
    narrow = store.search(scope, rare, str.lower, budget=0.05)
    assert not narrow.complete and narrow.messages == []  # bob's line is the oldest match
    whole = store.search(scope, rare, str.lower, budget=1e9)
    assert whole.complete and [m.text for m in whole.messages] == ["status ok"]


def test_search_budget_keeps_the_newest_matches_found_before_it_ran_out(
        store: HistoryStore) -> None:
    store.timer = Ticks()
    cut = store.search(Scope(("#a",), None), Search("status", limit=1000), str.lower,
                       budget=0.05)
    texts = [m.text for m in cut.messages]
    assert not cut.complete and 0 < len(texts) < 1000
    assert texts[-1] == f"status report {WORDY - 1}"  # newest first in the walk, oldest first out
    assert texts == [f"status report {n}" for n in range(WORDY - len(texts), WORDY)]


def test_search_over_budget_answers_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    h = harness()
    alice = joined(h, "alice", *SEARCH_CAPS)
    h.send(alice, *[f"PRIVMSG #lobby :status {n}" for n in range(300)])
    h.state.history.progress_steps = 100
    monkeypatch.setattr(history, "SEARCH_BUDGET", 0.0)
    reply = h.send(alice, "SEARCH text=status;from=nobody")
    assert reply[-1].command == "NOTE" and reply[-1].params[:2] == ("SEARCH", "PARTIAL")
    assert reply[0].command == "BATCH" and reply[-2].command == "BATCH"
    monkeypatch.setattr(history, "SEARCH_BUDGET", 1e9)
    assert found(h, alice, "text=status;limit=2") and \
        h.send(alice, "SEARCH text=status;from=nobody")[-1].command == "BATCH"
