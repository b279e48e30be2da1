"""The sender on its own: lines sent at once when live (pending until echoed), kept when not,
flushed in order on the next connection, confirmed by their echo."""

from __future__ import annotations

from datetime import datetime

from app.controllers.archive import Archive
from app.controllers.presenter import Presenter
from app.controllers.sender import Sender
from app.models.session import Session
from ircproto.message import Message, parse
from tests.fakes import FakeClock, FakeView

T = datetime(2026, 1, 2, 3, 4, 5)


class Probe:
    def __init__(self, caps: str = "") -> None:
        self.view = FakeView()
        self.presenter = Presenter(self.view, FakeClock(T), lambda c, e: None)
        self.session = Session("me", clock=lambda: T)
        lines = (f":srv CAP * LS :{caps}", f":srv CAP me ACK :{caps}") if caps else ()
        for raw in (*lines, ":srv 001 me :Welcome", ":me!u@h JOIN #lobby"):
            self.session.feed(parse(raw))
        self.presenter.session = self.session
        self.presenter.switch_to("#lobby", online=True)
        self.sent: list[str] = []
        self.sender = Sender(self.presenter, self._send, Archive(None, self.presenter))

    def _send(self, message: Message) -> bool:
        self.sent.append(message.format())
        return True

    def say(self, text: str, live: bool, action: bool = False) -> None:
        outcome = (self.session.act if action else self.session.say)("#lobby", text)
        self.sender.speak(self.session, outcome, "#lobby", action, live)


def test_sender_live_without_echo_sends_and_shows_a_delivered_line():
    probe = Probe()
    probe.say("hi", live=True)
    assert probe.sent == ["PRIVMSG #lobby hi"] and len(probe.sender.outbox) == 0
    assert not probe.view.entries[-1].pending


def test_sender_live_with_echo_keeps_the_line_pending_until_the_echo():
    probe = Probe("message-tags echo-message")
    probe.say("hi", live=True)
    assert probe.sent == ["PRIVMSG #lobby hi"] and probe.view.entries[-1].pending
    echo = probe.session.feed(parse("@msgid=e1 :me!u@h PRIVMSG #lobby :hi")).events[0].entry
    assert probe.sender.confirmed(probe.session, echo)
    assert len(probe.sender.outbox) == 0
    assert not probe.view.entries[-1].pending and probe.view.entries[-1].msgid == "e1"


def test_sender_offline_keeps_lines_in_order_and_flushes_them_once_per_connection():
    probe = Probe()
    probe.say("one", live=False)
    probe.say("two", live=False, action=True)
    assert probe.sent == [] and [e.pending for e in probe.view.entries[-2:]] == [True, True]
    probe.say("three", live=True)  # live, but older lines wait ahead: it waits too
    assert probe.sent == []
    probe.sender.flush(probe.session)
    assert probe.sent == ["PRIVMSG #lobby one", "PRIVMSG #lobby :\x01ACTION two\x01",
                          "PRIVMSG #lobby three"]
    assert len(probe.sender.outbox) == 0 and not any(e.pending for e in probe.view.entries)


def test_sender_with_echo_resends_an_unconfirmed_line_only_on_a_new_connection():
    probe = Probe("message-tags echo-message")
    probe.say("hi", live=False)
    probe.sender.flush(probe.session)
    probe.sender.flush(probe.session)  # not twice on one connection
    assert probe.sent == ["PRIVMSG #lobby hi"] and len(probe.sender.outbox) == 1
    probe.sender.outbox.new_connection()
    probe.sender.flush(probe.session)
    assert probe.sent == ["PRIVMSG #lobby hi"] * 2 and probe.view.entries[-1].pending


def test_sender_a_refused_line_is_no_longer_pending_and_not_sent_again():
    probe = Probe("message-tags echo-message")
    probe.say("one", live=True)
    probe.say("two", live=True)
    probe.sender.undelivered("#LOBBY")  # 404 for the oldest sent there (casemapped)
    assert [(e.text, e.pending) for e in probe.view.entries[-2:]] == [("one", False),
                                                                        ("two", True)]
    probe.sender.outbox.new_connection()
    probe.sender.flush(probe.session)
    assert probe.sent == ["PRIVMSG #lobby one", "PRIVMSG #lobby two", "PRIVMSG #lobby two"]
    probe.sender.undelivered("#elsewhere")  # nothing sent there: nothing changes
    assert len(probe.sender.outbox) == 1
