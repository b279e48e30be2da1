"""The sender with a real cache: each message is kept on disk from the moment it is typed, marked
sent as it goes out and dropped when confirmed; a restarted sender shows what was kept as
pending, lets a replayed line confirm what had arrived and sends only the rest; without
echo-message a message is dropped once handed to the connection."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from app.controllers.archive import Archive
from app.controllers.presenter import Presenter
from app.controllers.sender import Sender
from app.models.conversations import STATUS
from app.models.session import Session
from app.models.settings import ConnectParams
from ircproto.message import Message, parse
from ircproto.servertime import format_server_time
from tests.fakes import FakeClock, FakeView

T = datetime(2026, 1, 2, 3, 4, 5)
ECHO = "message-tags echo-message server-time batch draft/chathistory"


class Run:
    """One run of the client: presenter, session, its archive on directory, the sender."""

    def __init__(self, directory: Path, caps: str = ECHO) -> None:
        self.view = FakeView()
        self.presenter = Presenter(self.view, FakeClock(T), lambda c, e: None)
        self.session = Session("me", clock=lambda: T)
        lines = (f":srv CAP * LS :{caps}", f":srv CAP me ACK :{caps}") if caps else ()
        for raw in (*lines, ":srv 001 me :Welcome", ":me!u@h JOIN #lobby"):
            self.session.feed(parse(raw))
        self.presenter.session = self.session
        self.archive = Archive(directory, self.presenter)
        self.sent: list[str] = []
        self.sender = Sender(self.presenter, self._send, self.archive)
        self.sender.restore(self.archive.open(ConnectParams("h", 1, "me")))
        self.presenter.switch_to("#lobby", online=True)

    def _send(self, message: Message) -> bool:
        self.sent.append(message.format())
        return True

    def say(self, text: str, live: bool) -> None:
        self.sender.speak(self.session, self.session.say("#lobby", text), "#lobby", False, live)

    def hear(self, raw: str) -> None:
        """A line from the server, filed as the controller files it (echoes confirm)."""
        entries = [event.entry for event in self.session.feed(parse(raw)).events
                   if hasattr(event, "entry")]
        self.presenter.add(entries, lambda entry: self.sender.confirmed(self.session, entry))

    def on_disk(self) -> list[tuple[str, int]]:
        """The outbox rows (text, sent) once every queued write is in."""
        assert self.archive.cache is not None and self.archive.cache.wait()
        with sqlite3.connect(self.archive.cache.path) as db:
            return db.execute("SELECT text, sent FROM outbox ORDER BY seq").fetchall()

    def crash(self) -> None:
        """Die here: what was queued is written, nothing more is."""
        assert self.archive.cache is not None
        self.archive.cache.close()


def history(*texts: str, at: datetime = T) -> list[str]:
    """A chathistory batch replaying our own texts, stamped at."""
    stamp = format_server_time(at)
    return [":srv BATCH +h chathistory #lobby",
            *[f"@batch=h;time={stamp};msgid=r{n} :me!u@h PRIVMSG #lobby :{text}"
              for n, text in enumerate(texts)],
            ":srv BATCH -h"]


def test_sender_cache_keeps_what_is_typed_until_its_echo(tmp_path):
    run = Run(tmp_path)
    run.say("offline", live=False)
    assert run.on_disk() == [("offline", 0)]  # on disk before anything went out
    run.sender.flush(run.session)
    assert run.sent == ["PRIVMSG #lobby offline"] and run.on_disk() == [("offline", 1)]
    run.say("live", live=True)
    assert run.on_disk() == [("offline", 1), ("live", 1)]
    run.hear("@msgid=e1 :me!u@h PRIVMSG #lobby offline")
    assert run.on_disk() == [("live", 1)]
    run.hear("@msgid=e2 :me!u@h PRIVMSG #lobby live")
    assert run.on_disk() == [] and not any(e.pending for e in run.view.entries)


def test_sender_cache_sent_then_crashed_before_the_echo_is_not_sent_again(tmp_path):
    run = Run(tmp_path)
    run.say("arrived", live=True)  # the server stored it; its echo never got read
    run.say("typed after", live=False)
    run.crash()
    again = Run(tmp_path)
    assert [(e.text, e.pending) for e in again.view.entries if e.own] == [
        ("arrived", True), ("typed after", True)]
    for raw in history("arrived", at=T + timedelta(seconds=1)):
        again.hear(raw)
    again.sender.flush(again.session)
    assert again.sent == ["PRIVMSG #lobby :typed after"]
    again.hear("@msgid=e9 :me!u@h PRIVMSG #lobby :typed after")
    assert again.on_disk() == []
    assert [(e.text, e.pending) for e in again.view.entries if e.own] == [
        ("arrived", False), ("typed after", False)]


def test_sender_cache_an_older_line_with_the_same_text_does_not_stand_for_it(tmp_path):
    run = Run(tmp_path)
    run.say("ok", live=False)
    run.crash()
    again = Run(tmp_path)
    for raw in history("ok", at=T - timedelta(hours=1)):  # our "ok" of an hour before
        again.hear(raw)
    again.sender.flush(again.session)
    assert again.sent == ["PRIVMSG #lobby ok"]


def test_sender_cache_without_echo_forgets_a_message_on_disk_before_handing_it_over(tmp_path):
    run = Run(tmp_path, caps="")
    run.say("to ngircd", live=False)
    assert run.on_disk() == [("to ngircd", 0)]
    cache, steps = run.archive.cache, []
    assert cache is not None
    for name in ("drop", "wait"):
        real = getattr(cache, name)
        setattr(cache, name, lambda *args, real=real, name=name: (steps.append(name),
                                                                  real(*args))[1])
    real_send = run._send
    run.sender._send = lambda message: (steps.append("send"), real_send(message))[1]
    run.sender.flush(run.session)
    assert steps == ["drop", "wait", "send"]  # a crash as it goes out cannot send it twice
    assert run.sent == ["PRIVMSG #lobby :to ngircd"] and run.on_disk() == []
    assert not run.view.entries[-1].pending


def test_sender_cache_a_replayed_line_we_hold_already_confirms_nothing(tmp_path):
    run = Run(tmp_path)
    run.say("ok", live=True)
    run.hear("@msgid=r0 :me!u@h PRIVMSG #lobby ok")  # its echo: delivered, held as r0
    run.say("ok", live=False)  # the same words again, typed offline
    for raw in history("ok", at=T):  # the catch-up replays r0 once more
        run.hear(raw)
    run.sender.flush(run.session)
    assert run.sent == ["PRIVMSG #lobby ok"] * 2 and run.on_disk() == [("ok", 1)]


def test_sender_cache_of_a_newer_version_is_said_and_the_client_runs_without_it(tmp_path):
    with sqlite3.connect(tmp_path / "cache.sqlite3") as db:
        db.execute("PRAGMA user_version = 99")
    run = Run(tmp_path)
    server_lines = run.presenter.conversations.get(STATUS)
    assert server_lines is not None
    [error] = [e.text for e in server_lines.entries() if e.kind.value == "error"]
    assert "newer LocalChat" in error and "runs without it" in error
    run.say("still works", live=True)
    assert run.sent == ["PRIVMSG #lobby :still works"]
    run.hear("@msgid=e1 :me!u@h PRIVMSG #lobby :still works")
    assert not run.view.entries[-1].pending
    with sqlite3.connect(tmp_path / "cache.sqlite3") as db:
        assert db.execute("PRAGMA user_version").fetchone() == (99,)
