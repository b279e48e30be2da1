"""Controller tests for typing notifications (sent and shown), automatic away and compact
join/part lines, with a fake clock and the FakeView's virtual timers."""

from app.controllers.activity import AWAY_CHECK_MS, TICK_MS
from app.models.log import EntryKind
from tests.app.controllers.conftest import WELCOME

CAPS = (":srv CAP * LS :message-tags away-notify", ":srv CAP * ACK :message-tags away-notify")


def online_v3(rig, *extra: str):
    """Online on a server that granted message-tags and away-notify."""
    controller = rig.start()
    rig.conn.open()
    rig.conn.feed(*CAPS, *WELCOME, *extra)
    rig.view.pump()
    rig.conn.sent.clear()
    return controller


def sent(rig) -> list[str]:
    """What was sent, without the keepalive PINGs."""
    return [line for line in rig.conn.sent_lines() if not line.startswith("PING")]


def typing_lines(rig) -> list[str]:
    return [line for line in sent(rig) if "TAGMSG" in line]


def wait(rig, seconds: float, ms: int = TICK_MS) -> None:
    """seconds pass on the clock, ms on the view's timers; the server answered our PINGs."""
    rig.clock.advance(seconds)
    while ms > 0:
        rig.conn.feed(":srv PONG srv localchat")
        rig.view.pump(min(ms, 20_000))
        ms -= 20_000


def test_typing_is_sent_throttled_and_refreshed_while_typing(rig):
    controller = online_v3(rig)
    controller.on_input_changed("h")
    assert typing_lines(rig) == ["@+typing=active TAGMSG #lobby"]
    wait(rig, 1)
    controller.on_input_changed("he")
    assert len(typing_lines(rig)) == 1
    wait(rig, 2)
    assert typing_lines(rig)[-1] == "@+typing=active TAGMSG #lobby" and \
        len(typing_lines(rig)) == 2


def test_typing_pauses_then_clearing_sends_done(rig):
    controller = online_v3(rig)
    controller.on_input_changed("hello")
    for _ in range(5):
        wait(rig, 1)
    assert typing_lines(rig) == ["@+typing=active TAGMSG #lobby", "@+typing=paused TAGMSG #lobby"]
    wait(rig, 3)
    controller.on_input_changed("")
    assert typing_lines(rig)[-1] == "@+typing=done TAGMSG #lobby"


def test_typing_a_sent_message_needs_no_done(rig):
    controller = online_v3(rig)
    controller.on_input_changed("hi all")
    controller.on_send("hi all")
    controller.on_input_changed("")  # the view clears the input
    for _ in range(8):
        wait(rig, 1)
    assert sent(rig) == ["@+typing=active TAGMSG #lobby", "PRIVMSG #lobby :hi all"]


def test_typing_not_sent_without_message_tags(rig):
    controller = rig.online()
    controller.on_input_changed("hello")
    assert typing_lines(rig) == []



def test_typing_not_sent_for_commands_or_when_turned_off(rig):
    controller = online_v3(rig)
    controller.on_input_changed("/whois bob")
    assert typing_lines(rig) == []
    controller.activity.send_typing = False
    controller.on_input_changed("hello")
    assert typing_lines(rig) == []


def test_typing_setting_off_is_read_from_the_settings(rig):
    rig.store.update(send_typing=False)
    controller = online_v3(rig)
    controller.on_input_changed("hello")
    assert typing_lines(rig) == []


def test_typing_of_others_is_shown_and_expires_after_six_seconds(rig):
    online_v3(rig, "@+typing=active :bob!b@h TAGMSG #lobby")
    assert rig.view.typing == "bob is typing\u2026"
    wait(rig, 5)
    assert rig.view.typing == "bob is typing\u2026"
    wait(rig, 1)
    assert rig.view.typing == ""


def test_typing_of_others_ends_with_their_message_or_done(rig):
    online_v3(rig, "@+typing=active :bob!b@h TAGMSG #lobby",
               "@+typing=active :alice!a@h TAGMSG #lobby")
    assert rig.view.typing == "bob and alice are typing\u2026"
    rig.conn.feed(":bob!b@h PRIVMSG #lobby :here it is")
    rig.view.pump()
    assert rig.view.typing == "alice is typing\u2026"
    rig.conn.feed("@+typing=done :alice!a@h TAGMSG #lobby")
    rig.view.pump()
    assert rig.view.typing == ""


def test_typing_elsewhere_shows_when_that_conversation_does(rig):
    controller = online_v3(rig, "@+typing=active :carol!c@h TAGMSG me")
    assert rig.view.typing == ""
    controller.on_send("/query carol")
    assert rig.view.typing == "carol is typing\u2026"
    controller.on_switch("#lobby")
    assert rig.view.typing == ""


def test_auto_away_after_idle_minutes_and_back_on_input(rig):
    rig.store.update(auto_away_minutes=1)
    controller = online_v3(rig)
    wait(rig, 59, AWAY_CHECK_MS)
    assert sent(rig) == []
    wait(rig, 30, AWAY_CHECK_MS)
    assert sent(rig) == ["AWAY :Away from the keyboard"]
    wait(rig, 120, AWAY_CHECK_MS * 4)
    assert len(sent(rig)) == 1  # once
    controller.on_input_changed("x")
    assert sent(rig)[1] == "AWAY"


def test_auto_away_leaves_a_manual_away_alone(rig):
    rig.store.update(auto_away_minutes=1)
    controller = rig.online()
    controller.on_send("/away lunch")
    wait(rig, 120, AWAY_CHECK_MS * 4)
    controller.on_input_changed("x")
    assert sent(rig) == ["AWAY lunch"]
    controller.on_send("/back")
    assert sent(rig)[-1] == "AWAY"


def test_auto_away_off_with_zero_minutes(rig):
    rig.store.update(auto_away_minutes=0)
    rig.online()
    wait(rig, 3600, AWAY_CHECK_MS * 4)
    assert sent(rig) == []


def test_away_users_are_marked_in_the_user_list(rig):
    online_v3(rig, ":bob!b@h AWAY :lunch")
    assert [(u.nick, u.away) for u in rig.view.users] == [
        ("alice", False), ("bob", True), ("me", False)]
    rig.conn.feed(":bob!b@h AWAY")
    rig.view.pump()
    assert not any(u.away for u in rig.view.users)


def test_compact_joins_fold_a_run_into_one_line(rig):
    rig.store.update(compact_joins=True)
    rig.online(":carol!c@h JOIN #lobby", ":dave!d@h JOIN #lobby", ":bob!b@h PART #lobby",
               ":erin!e@h JOIN #lobby", ":erin!e@h QUIT :gone")
    summaries = [e for e in rig.view.entries if e.presence]
    assert [e.text for e in summaries] == [
        "\u2192 carol, dave, erin joined \u00b7 \u2190 bob left \u00b7 \u2190 erin quit"]
    rig.conn.feed(":alice!a@h PRIVMSG #lobby :hi", ":frank!f@h JOIN #lobby")
    rig.view.pump()
    assert [e.text for e in rig.view.entries[-2:]] == ["hi", "\u2192 frank joined"]
    assert [e.text for e in rig.controller.conversations.get("#lobby").entries()
            if e.presence] == [summaries[0].text, "\u2192 frank joined"]


def test_compact_joins_off_shows_every_line(rig):
    rig.online(":carol!c@h JOIN #lobby", ":bob!b@h PART #lobby")
    assert rig.view.texts()[-2:] == ["carol joined #lobby", "bob left #lobby"]
    assert all(e.kind is EntryKind.SYSTEM for e in rig.view.entries[-2:])


def test_typing_of_an_ignored_nick_is_not_shown(rig):
    rig.store.update(ignored=["bob"])
    online_v3(rig, "@+typing=active :bob!b@h TAGMSG #lobby")
    assert rig.view.typing == ""


def test_who_after_joining_marks_who_was_away_before_we_came(rig):
    online_v3(rig)
    rig.conn.feed(":me!u@h JOIN #dev", ":srv 353 me = #dev :me zoe", ":srv 366 me #dev :End")
    rig.view.pump()
    assert "WHO #dev" in sent(rig)
    rig.conn.feed(":srv 352 me #dev z h srv zoe G :0 Zoe", ":srv 315 me #dev :End of WHO list")
    rig.view.pump()
    assert [(u.nick, u.away) for u in rig.view.users] == [("me", False), ("zoe", True)]


def test_typing_ends_where_it_was_typed_when_a_msg_switches_away(rig):
    controller = online_v3(rig)
    controller.on_input_changed("/msg bob hi")  # a command: nothing to anyone
    controller.on_input_changed("hello")
    controller.on_send("/msg bob hi")
    controller.on_input_changed("")
    for _ in range(8):
        wait(rig, 1)
    assert typing_lines(rig) == ["@+typing=active TAGMSG #lobby"]
