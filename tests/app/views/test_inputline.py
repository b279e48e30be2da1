"""The input line's history (Up/Down) and nick completion (Tab)."""

from __future__ import annotations

from app.views.inputline import InputHistory, NickCompleter


def test_history_walks_back_and_forward_to_the_draft() -> None:
    history = InputHistory()
    for line in ("one", "two", "three"):
        history.add(line)
    assert history.previous("dra") == "three"
    assert history.previous("three") == "two"
    assert history.previous("two") == "one"
    assert history.previous("one") is None
    assert history.next() == "two"
    assert history.next() == "three"
    assert history.next() == "dra"
    assert history.next() is None


def test_history_skips_blank_and_repeated_lines_and_is_bounded() -> None:
    history = InputHistory(limit=3)
    for line in ("a", "a", "  ", "b", "c", "d"):
        history.add(line)
    walked = [history.previous(""), history.previous(""), history.previous(""),
              history.previous("")]
    assert walked == ["d", "c", "b", None]


def test_history_empty_has_nothing_to_offer() -> None:
    history = InputHistory()
    assert history.previous("x") is None and history.next() is None


def test_completer_completes_at_line_start_with_colon() -> None:
    completer = NickCompleter()
    assert completer.complete("ca", 2, ["alice", "Carol", "bob"]) == ("Carol: ", 7)


def test_completer_completes_mid_line_and_keeps_the_rest() -> None:
    completer = NickCompleter()
    assert completer.complete("ask bo about it", 6, ["bob", "alice"]) == (
        "ask bob about it", 8)


def test_completer_tab_again_cycles_through_matches() -> None:
    completer = NickCompleter()
    nicks = ["bob", "Bobby", "alice", "bo[b]"]
    first = completer.complete("bo", 2, nicks)
    assert first == ("bob: ", 5)
    second = completer.complete(*first, nicks)
    assert second == ("Bobby: ", 7)
    third = completer.complete(*second, nicks)
    assert third == ("bo[b]: ", 7)
    assert completer.complete(*third, nicks) == ("bob: ", 5)


def test_completer_nothing_to_complete() -> None:
    completer = NickCompleter()
    assert completer.complete("", 0, ["bob"]) is None
    assert completer.complete("hello ", 6, ["bob"]) is None
    assert completer.complete("zz", 2, ["bob"]) is None


def test_completer_casefolds_like_irc() -> None:
    completer = NickCompleter()
    assert completer.complete("{x", 2, ["[X]y"]) == ("[X]y: ", 6)
