"""Controller tests for what the server refuses: a refused JOIN (471/473/474/475) shows the
server's reason in that channel's conversation and is not tried again on reconnect; a refused
message (404) shows why and is not sent again."""

from __future__ import annotations

import pytest

from app.models.log import EntryKind


def reconnect(rig, *lines: str) -> None:
    rig.conn.drop()
    rig.view.pump(1050)
    rig.conn.open()
    rig.conn.feed(":srv 001 me :Welcome back", *lines)
    rig.view.pump()


@pytest.mark.parametrize(("numeric", "mode", "hint"), [
    ("471", "l", "it is full"),
    ("473", "i", "it is invite-only; ask one of its operators to /invite you"),
    ("474", "b", "you are banned from it"), ("475", "k", "it needs a key: /join #dev <key>"),
])
def test_refused_rejoin_is_shown_in_its_conversation_and_not_tried_again(rig, numeric, mode,
                                                                         hint):
    controller = rig.online(":me!u@h JOIN #dev", ":srv 366 me #dev :End")
    reconnect(rig, f":srv {numeric} me #dev :Cannot join channel (+{mode})")
    assert rig.conn.sent_lines().count("JOIN #dev") == 1
    controller.switch_to("#dev")
    error = next(e for e in rig.view.entries if e.kind is EntryKind.ERROR and "#dev" in e.text)
    assert error.text == f"Could not join #dev: Cannot join channel (+{mode}) ({hint})"
    reconnect(rig)  # a new connection: #dev is no longer wanted
    assert "JOIN #lobby" in rig.conn.sent_lines() and "JOIN #dev" not in rig.conn.sent_lines()


def test_refused_join_does_not_hold_the_outbox_back(rig):
    controller = rig.online(":me!u@h JOIN #dev", ":srv 366 me #dev :End")
    controller.switch_to("#lobby")
    rig.conn.drop()
    rig.view.pump()
    controller.on_send("typed while away")
    rig.view.pump(1050)
    rig.conn.open()
    rig.conn.feed(":srv 001 me :Welcome back", ":me!u@h JOIN #lobby",
                  ":srv 366 me #lobby :End", ":srv 474 me #dev :Cannot join channel (+b)")
    rig.view.pump()
    assert rig.conn.sent_lines()[-1] == "PRIVMSG #lobby :typed while away"  # not 20 s later


def test_refused_message_shows_why_and_is_not_sent_again(rig):
    controller = rig.online()
    controller.on_send("hello?")
    rig.conn.feed(":srv 404 me #lobby :Cannot send to channel")
    rig.view.pump()
    error = rig.view.entries[-1]
    assert error.kind is EntryKind.ERROR
    assert error.text.startswith("Not delivered to #lobby: Cannot send to channel")
    reconnect(rig, ":me!u@h JOIN #lobby", ":srv 366 me #lobby :End")
    assert not any(line.startswith("PRIVMSG") for line in rig.conn.sent_lines())
