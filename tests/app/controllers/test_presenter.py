"""The presenter on its own with a FakeView: where entries are filed, what the view is told
(appended lines, a redraw, the list only when it changed), switching, and read markers."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from app.controllers.presenter import Presenter
from app.models.conversations import STATUS, Conversation
from app.models.events import ReadMarkerSet
from app.models.log import EntryKind, LogEntry
from app.models.session import Session
from app.views.base import Conversation as Listed
from ircproto.message import parse
from tests.fakes import FakeClock, FakeView

T = datetime(2026, 1, 2, 3, 4, 5)
CAPS = "message-tags server-time draft/read-marker"


def line(text: str, target: str = "#lobby", second: int = 0, private: bool = False,
         msgid: str = "") -> LogEntry:
    return LogEntry(T + timedelta(seconds=second), "bob", target, text, EntryKind.CHAT,
                    private=private, msgid=msgid)


def presenter_in_lobby(*caps_lines: str) -> tuple[Presenter, FakeView, list[tuple[str, str]]]:
    view, filed = FakeView(), []
    presenter = Presenter(view, FakeClock(T), lambda c, e: filed.append((c.name, e.text)))
    session = Session("me", clock=lambda: T)
    for raw in (*caps_lines, ":srv 001 me :Welcome", ":me!u@h JOIN #lobby",
                ":srv 353 me = #lobby :me bob", ":srv 366 me #lobby :End"):
        session.feed(parse(raw))
    presenter.session = session
    presenter.switch_to("#lobby", online=True)
    return presenter, view, filed


def test_presenter_files_lines_by_target_and_appends_only_the_shown_ones():
    presenter, view, filed = presenter_in_lobby()
    view.calls.clear()
    presenter.show([line("here", msgid="a"), line("psst", target="bob", private=True),
                    presenter.entry("local note")])
    assert view.called("show_entries") == [([line("here", msgid="a"),
                                             presenter.entry("local note")],)]
    assert Listed("bob", 1, True) in view.conversations
    assert filed == [("#lobby", "here")]  # only server lines (with a msgid) go to the cache


def test_presenter_a_replayed_older_line_redraws_the_conversation_in_time_order():
    presenter, view, _ = presenter_in_lobby()
    presenter.show([line("new", second=5, msgid="n")])
    view.calls.clear()
    presenter.show([replace(line("old", second=1, msgid="o"), replayed=True)])
    assert [e.text for e in view.entries] == ["old", "new"]
    assert view.called("show_entries") == [] and len(view.called("show_conversation")) == 1


def test_presenter_tells_the_list_only_when_it_changed():
    presenter, view, _ = presenter_in_lobby()
    view.calls.clear()
    presenter.refresh()
    presenter.show([line("again")])
    assert view.called("set_conversations") == []
    presenter.show([line("elsewhere", target="#dev")])  # a channel we are not in: shown here
    assert view.called("set_conversations") == []


def test_presenter_switch_shows_the_marker_before_the_first_unread_and_clears_counts():
    presenter, view, _ = presenter_in_lobby()
    presenter.show([line("one", target="carol", private=True),
                    line("two", target="carol", private=True, second=1)])
    presenter.switch_to("carol", online=True)
    assert presenter.current == "carol" and view.first_unread == 0
    assert Listed("carol", 0, True) in view.conversations
    assert [u.nick for u in view.users] == ["carol", "me"]
    presenter.switch_to(None, online=True)
    assert presenter.shown().name == STATUS and view.status == ("connected", "")


def test_presenter_replace_updates_a_shown_line_in_place():
    presenter, view, filed = presenter_in_lobby()
    pending = LogEntry(T, "me", "#lobby", "hi", own=True, pending=True)
    presenter.show([pending])
    delivered = LogEntry(T, "me", "#lobby", "hi", own=True, msgid="e1")
    presenter.replace(pending, delivered)
    assert view.called("update_entry") == [(pending, delivered)]
    assert view.entries[-1] is delivered and filed[-1] == ("#lobby", "hi")


def test_presenter_read_marker_once_per_newest_line_and_only_online_with_the_cap():
    caps = (f":srv CAP * LS :{CAPS}", f":srv CAP me ACK :{CAPS}")
    presenter, _, _ = presenter_in_lobby(*caps)
    presenter.show([line("seen", second=3, msgid="m")])
    assert presenter.read_marker(online=False) is None
    marker = presenter.read_marker(online=True)
    assert marker is not None and marker.format().startswith("MARKREAD #lobby timestamp=")
    assert presenter.read_marker(online=True) is None
    presenter.forget_read_markers()
    assert presenter.read_marker(online=True) is not None
    plain, _, _ = presenter_in_lobby()
    plain.show([line("seen", msgid="m")])
    assert plain.read_marker(online=True) is None


def test_presenter_read_elsewhere_clears_unread_up_to_that_time():
    presenter, _, _ = presenter_in_lobby()
    presenter.show([line("a", target="carol", second=1, private=True),
                    line("b", target="carol", second=2, private=True)])
    carol = presenter.conversations.get("carol")
    assert isinstance(carol, Conversation) and carol.unread == 2
    presenter.read_elsewhere(ReadMarkerSet("carol", T + timedelta(seconds=1)))
    assert carol.unread == 1
