"""Controller tests for the view's actions: Send/Enter, Users, Escape, X, and the poll loop."""

from app.controllers.link import BATCH_LIMIT, KEEPALIVE_MS, POLL_MS
from app.models.log import EntryKind
from app.models.users import UserItem
from ircproto.framing import LineError
from ircproto.message import parse


def test_on_send_sends_to_current_channel_shows_own_line_and_clears(rig):
    controller = rig.online()
    controller.on_send("hello all")
    assert rig.conn.sent_lines() == ["PRIVMSG #lobby :hello all"]
    last = rig.view.entries[-1]
    assert (last.sender, last.target, last.text, last.own) == ("me", "#lobby", "hello all", True)
    assert rig.view.calls[-1] == ("clear_input", ())


def test_on_send_empty_or_whitespace_sends_nothing(rig):
    controller = rig.online()
    shown = len(rig.view.entries)
    for text in ["", "   ", "\n\t "]:
        controller.on_send(text)
    assert rig.conn.sent == [] and len(rig.view.entries) == shown
    assert rig.view.called("clear_input") == []


def test_on_send_long_text_is_split_into_several_messages(rig):
    controller = rig.online()
    words = [f"w{n}" for n in range(300)]
    controller.on_send(" ".join(words))
    assert len(rig.conn.sent) >= 3
    assert all(m.command == "PRIVMSG" and m.params[0] == "#lobby" for m in rig.conn.sent)
    assert " ".join(m.params[1] for m in rig.conn.sent).split() == words


def test_on_send_newlines_become_separate_messages_never_commands(rig):
    controller = rig.online()
    controller.on_send("hi\r\nQUIT :pwned\rJOIN #x\0")
    assert rig.conn.sent_lines() == ["PRIVMSG #lobby hi", "PRIVMSG #lobby :QUIT :pwned",
                                     "PRIVMSG #lobby :JOIN #x"]


def test_on_send_double_slash_sends_literal_slash(rig):
    controller = rig.online()
    controller.on_send("//not a command")
    assert rig.conn.sent_lines() == ["PRIVMSG #lobby :/not a command"]


def test_on_send_while_disconnected_shows_error_and_keeps_input(rig):
    controller = rig.start()
    controller.on_send("anyone?")
    assert rig.conn.sent == []
    assert rig.view.entries[-1].kind is EntryKind.ERROR
    assert rig.view.called("clear_input") == []


def test_on_users_shows_current_users_and_pane_follows_changes(rig):
    controller = rig.online()
    controller.on_users()
    assert rig.view.shown_users == [[UserItem("alice", "@"), UserItem("bob", "+"), UserItem("me")]]
    rig.conn.feed(":carol!c@h JOIN #lobby", ":alice!a@h MODE #lobby +v carol",
                  ":bob!b@h QUIT :bye")
    rig.view.pump()
    assert rig.view.users == [UserItem("alice", "@"), UserItem("carol", "+"), UserItem("me")]
    assert len(rig.view.called("set_users")) >= 4


def test_on_escape_cancelled_changes_nothing(rig):
    controller = rig.online()
    rig.view.exit_answers.append(False)
    controller.on_escape()
    assert rig.conn.sent == [] and not rig.conn.closed and not rig.view.closed


def test_on_escape_confirmed_quits_closes_connection_and_view(rig):
    controller = rig.online()
    rig.view.exit_answers.append(True)
    controller.on_escape()
    assert rig.conn.sent_lines() == ["QUIT Leaving"]
    assert rig.conn.closed and rig.view.closed and controller.closed
    rig.view.pump(KEEPALIVE_MS)
    assert rig.view.pending == 0  # the poll and keepalive loops stopped


def test_on_close_asks_then_quits(rig):
    controller = rig.online()
    rig.view.exit_answers.extend([False, True])
    controller.on_close()
    assert not rig.view.closed
    controller.on_close()
    assert rig.conn.sent_lines() == ["QUIT Leaving"] and rig.view.closed


def test_on_close_while_connecting_closes_without_quit(rig):
    controller = rig.start()
    rig.view.exit_answers.append(True)
    controller.on_close()
    assert rig.conn.sent == [] and rig.conn.closed and rig.view.closed


def test_poll_drains_in_bounded_batches_one_show_call_each(rig):
    controller = rig.online()
    rig.view.calls.clear()
    total = BATCH_LIMIT * 2 + 50
    rig.conn.feed(*[f":bob!b@h PRIVMSG #lobby :line {n}" for n in range(total)])
    rig.view.pump(POLL_MS)
    shows = rig.view.called("show_entries")
    assert [len(args[0]) for args in shows] == [BATCH_LIMIT, BATCH_LIMIT, 50]
    assert rig.view.texts()[-1] == f"line {total - 1}"
    assert len(controller.conversations.get("#lobby").log) >= total


def test_poll_waits_between_ticks_when_idle(rig):
    rig.online()
    for _ in range(POLL_MS):  # step to the next tick, so the following one is POLL_MS away
        if rig.view.pump(1):
            break
    rig.conn.feed(":bob!b@h PRIVMSG #lobby :later")
    assert rig.view.pump(POLL_MS - 1) == 0
    assert rig.view.pump(1) == 1
    assert rig.view.texts()[-1] == "later"


def test_bad_line_from_server_is_shown_as_error(rig):
    rig.online()
    rig.conn.events.put(LineError("too long", "line is too long", "PRIVMSG"))
    rig.view.pump()
    last = rig.view.entries[-1]
    assert last.kind is EntryKind.ERROR and "too long" in last.text


def test_ping_is_answered_through_the_controller(rig):
    rig.online()
    rig.conn.feed("PING :abc")
    rig.view.pump()
    assert rig.conn.sent_lines() == ["PONG abc"]


def test_own_nick_change_updates_identity(rig):
    rig.online()
    rig.conn.feed(":me!u@h NICK newme")
    rig.view.pump()
    assert rig.view.identity == ("newme", "127.0.0.1:13333")


def test_own_nick_change_is_remembered_for_reconnect_and_settings(rig):
    controller = rig.online()
    controller.on_send("/nick newme")
    rig.conn.feed(":me!u@h NICK newme")
    rig.view.pump()
    assert controller.params.nick == "newme"
    assert rig.store.load().nick == "newme"


def test_theme_unknown_is_refused_with_error(rig):
    controller = rig.online()
    controller.on_theme_changed("purple")
    assert rig.view.entries[-1].kind is EntryKind.ERROR
    assert rig.store.load().theme == ""  # still not picked: the system's


def test_keepalive_pings_after_silence_and_reconnects_after_no_reply(rig):
    rig.online()
    rig.view.pump(KEEPALIVE_MS)  # traffic was heard in the first interval: no ping yet
    assert rig.conn.sent == []
    rig.view.pump(KEEPALIVE_MS)
    assert rig.conn.sent_lines() == ["PING localchat"]
    rig.conn.feed(":srv PONG srv localchat")
    rig.view.pump(KEEPALIVE_MS)
    assert rig.conn.sent_lines() == ["PING localchat"]  # the reply counted as traffic
    rig.view.pump(KEEPALIVE_MS)
    assert rig.conn.sent_lines() == ["PING localchat"] * 2
    rig.view.pump(KEEPALIVE_MS)
    assert rig.conn.closed
    assert rig.view.entries[-1].text.startswith("No reply from 127.0.0.1:13333 for 120 s")
    rig.view.pump(1000)
    assert len(rig.factory.made) == 2


def test_poll_survives_a_bug_while_handling_one_item(rig, mocker, caplog):
    controller = rig.online()
    mocker.patch.object(controller.session, "feed", side_effect=[RuntimeError("boom"),
                                                                 controller.session.feed(
                                                                     parse(":bob!b@h PING x"))])
    rig.conn.feed(":bob!b@h PRIVMSG #lobby :one", ":bob!b@h PRIVMSG #lobby :two")
    rig.view.pump()
    errors = [e.text for e in rig.view.entries if e.kind is EntryKind.ERROR]
    assert errors == [("Internal error while handling ':bob!b@h PRIVMSG #lobby one': "
                       "RuntimeError('boom')")]
    assert "boom" in caplog.text
    assert rig.conn.sent_lines() == ["PONG x"]  # the next item was still handled
    rig.view.pump(POLL_MS)
    assert rig.view.pending > 0
