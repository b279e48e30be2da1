"""Controller tests with IRCv3: conversations with unread counts and the new-messages marker,
MARKREAD both ways, history on join and after a reconnect, and the outbox (pending lines sent
in order after reconnect, delivered on echo, none sent twice)."""

from __future__ import annotations

from app.controllers import start_client
from app.controllers.reactions import CATCH_UP_MS
from app.models.conversations import STATUS
from app.models.log import EntryKind
from app.views.base import Conversation
from tests.app.controllers.conftest import PARAMS
from tests.fakes import FakeView

CAPS = ("message-tags server-time echo-message batch away-notify multi-prefix "
        "draft/chathistory draft/read-marker")
REGISTER = (f":srv CAP * LS :{CAPS}", f":srv CAP me ACK :{CAPS}", ":srv 001 me :Welcome",
            ":srv 005 me CHATHISTORY=3 MSGREFTYPES=msgid,timestamp :are supported")
JOIN = (":me!u@h JOIN #lobby", ":srv 353 me = #lobby :@alice +bob me",
        ":srv 366 me #lobby :End of /NAMES list")


def at(second: int) -> str:
    return f"2026-03-04T05:06:{second:02d}.000Z"


def msg(msgid: str, second: int, text: str, sender: str = "bob", target: str = "#lobby",
        batch: str = "") -> str:
    tags = f"time={at(second)};msgid={msgid}" + (f";batch={batch}" if batch else "")
    return f"@{tags} :{sender}!u@h PRIVMSG {target} :{text}"


def history(target: str, *lines: str, ref: str = "h") -> tuple[str, ...]:
    return (f":srv BATCH +{ref} chathistory {target}", *lines, f":srv BATCH -{ref}")


def v3(rig, *extra: str):
    """Online with every capability, in #lobby, its (empty) LATEST history answered."""
    controller = rig.start()
    rig.conn.open()
    rig.conn.feed(*REGISTER, *JOIN)
    rig.view.pump()
    assert "CHATHISTORY LATEST #lobby * 3" in rig.conn.sent_lines()
    rig.conn.feed(*history("#lobby"), *extra)
    rig.view.pump()
    rig.conn.sent.clear()
    return controller


def reconnect(rig, *after_join: str) -> None:
    rig.conn.drop()
    rig.view.pump(1050)
    rig.conn.open()
    rig.conn.feed(*REGISTER, *JOIN, *after_join)
    rig.view.pump()


def texts(entries) -> list[str]:
    return [e.text for e in entries]


def test_conversations_channel_and_private_chat_are_listed_with_unread_counts(rig):
    v3(rig)
    assert rig.view.current == "#lobby"
    rig.conn.feed(msg("p1", 1, "psst", target="me"), msg("p2", 2, "again", target="me"))
    rig.view.pump()
    assert Conversation("bob", 2, True) in rig.view.conversations
    assert [c.name for c in rig.view.conversations if c.name != STATUS] == ["#lobby", "bob"]
    assert "psst" not in rig.view.texts()  # another conversation's line is not shown here


def test_conversations_switch_shows_log_with_marker_at_first_unread(rig):
    controller = v3(rig)
    rig.conn.feed(msg("p0", 1, "earlier", target="me"))
    rig.view.pump()
    controller.on_switch("bob")
    controller.on_switch("#lobby")
    rig.conn.feed(msg("p1", 2, "first new", target="me"), msg("p2", 3, "second", target="me"))
    rig.view.pump()
    controller.on_switch("bob")
    entries, marker = rig.view.called("show_conversation")[-1]
    assert texts(entries) == ["earlier", "first new", "second"] and marker == 1
    assert Conversation("bob", 0, True) in rig.view.conversations
    assert rig.view.current == "bob" and controller.current == "bob"


def test_conversations_send_talks_to_the_current_private_chat(rig):
    controller = v3(rig)
    rig.conn.feed(msg("p1", 1, "hi", target="me"))
    rig.view.pump()
    controller.on_switch("bob")
    controller.on_send("hello bob")
    assert "PRIVMSG bob :hello bob" in rig.conn.sent_lines()


def test_conversations_user_pane_shows_a_private_chats_two_people(rig):
    controller = v3(rig)
    rig.conn.feed(msg("p1", 1, "hi", target="me"))
    rig.view.pump()
    controller.on_switch("bob")
    assert [user.nick for user in rig.view.users] == ["bob", "me"]
    controller.on_switch("#lobby")
    assert [user.nick for user in rig.view.users] == ["alice", "bob", "me"]


def test_conversations_user_pane_of_a_chat_with_ourselves_shows_us_once(rig):
    controller = v3(rig)
    controller.on_send("/msg ME a note to self")
    assert controller.current == "ME"
    assert [user.nick for user in rig.view.users] == ["me"]


def test_conversations_unknown_switch_is_an_error_line(rig):
    controller = v3(rig)
    controller.on_switch("nobody")
    assert controller.current == "#lobby"
    assert rig.view.entries[-1].kind is EntryKind.ERROR


def test_conversations_viewing_sends_markread_of_newest_line(rig):
    v3(rig)
    rig.conn.feed(msg("c1", 5, "hello all"))
    rig.view.pump()
    assert rig.conn.sent_lines() == [f"MARKREAD #lobby timestamp={at(5)}"]
    rig.view.pump()
    assert rig.conn.sent_lines() == [f"MARKREAD #lobby timestamp={at(5)}"]  # not again


def test_conversations_markread_from_server_clears_unread_up_to_it(rig):
    v3(rig)
    rig.conn.feed(*(msg(f"p{n}", n, f"line {n}", target="me") for n in range(1, 4)))
    rig.view.pump()
    assert Conversation("bob", 3, True) in rig.view.conversations
    rig.conn.feed(f":srv MARKREAD bob timestamp={at(2)}")
    rig.view.pump()
    assert Conversation("bob", 1, True) in rig.view.conversations


def test_conversations_replayed_lines_older_than_marker_are_not_unread(rig):
    controller = v3(rig)
    rig.conn.feed(":srv JOIN #dev", ":me!u@h JOIN #dev", f":srv MARKREAD #dev timestamp={at(2)}")
    rig.view.pump()
    controller.on_switch("#lobby")
    rig.conn.feed(*history("#dev", msg("d1", 1, "old", target="#dev", batch="h"),
                           msg("d2", 3, "new", target="#dev", batch="h")))
    rig.view.pump()
    assert Conversation("#dev", 1, False) in rig.view.conversations
    dev = controller.conversations.get("#dev")
    assert all(e.replayed for e in dev.entries() if e.msgid)


def test_history_first_join_asks_latest_and_shows_it_in_order(rig):
    controller = v3(rig)
    rig.conn.feed(":me!u@h JOIN #dev")
    rig.view.pump()
    assert rig.conn.sent_lines()[-1] == "CHATHISTORY LATEST #dev * 3"
    rig.conn.feed(*history("#dev", msg("d1", 1, "one", target="#dev", batch="h"),
                           msg("d2", 2, "two", target="#dev", batch="h")))
    rig.view.pump()
    assert texts(e for e in rig.view.entries if e.msgid) == ["one", "two"]
    assert controller.conversations.get("#dev").last_msgid == "d2"


def test_history_reconnect_pages_after_last_msgid_until_a_short_page(rig):
    controller = v3(rig, msg("c1", 1, "seen"))
    reconnect(rig)
    assert "CHATHISTORY AFTER #lobby msgid=c1 3" in rig.conn.sent_lines()
    assert f"CHATHISTORY TARGETS timestamp={at(0)}" in " ".join(rig.conn.sent_lines())
    rig.conn.feed(":srv BATCH +t draft/chathistory-targets", ":srv BATCH -t")
    rig.conn.feed(*history("#lobby", *(msg(f"c{n}", n, f"m{n}", batch="h")
                                       for n in range(2, 5))))
    rig.view.pump()
    assert "CHATHISTORY AFTER #lobby msgid=c4 3" in rig.conn.sent_lines()
    asked = len([line for line in rig.conn.sent_lines() if line.startswith("CHATHISTORY")])
    rig.conn.feed(*history("#lobby", msg("c4", 4, "m4", batch="g"), msg("c5", 5, "m5", batch="g"),
                           ref="g"))
    rig.view.pump()
    assert controller.caught_up and controller.catching_up == []
    lobby = controller.conversations.get("#lobby")
    assert [e.text for e in lobby.entries() if e.msgid] == ["seen", "m2", "m3", "m4", "m5"]
    assert asked == len([line for line in rig.conn.sent_lines()
                         if line.startswith("CHATHISTORY")])  # a short page ends it


def test_history_reconnect_fetches_missed_private_conversations(rig):
    controller = v3(rig, msg("p1", 1, "hi", target="me"), msg("c1", 2, "x"))
    reconnect(rig)
    rig.conn.feed(":srv BATCH +t draft/chathistory-targets",
                  f"@batch=t :srv CHATHISTORY TARGETS bob {at(9)}",
                  f"@batch=t :srv CHATHISTORY TARGETS carol {at(9)}",
                  ":srv BATCH -t")
    rig.view.pump()
    sent = rig.conn.sent_lines()
    assert "CHATHISTORY AFTER bob msgid=p1 3" in sent
    assert f"CHATHISTORY AFTER carol timestamp={at(1)} 3" in sent
    rig.conn.feed(*history("carol", msg("q1", 8, "while away", sender="carol", target="me",
                                        batch="h")))
    rig.view.pump()
    assert Conversation("carol", 1, True) in rig.view.conversations
    assert controller.conversations.get("carol").entries()[0].replayed


def test_history_unknown_msgid_retries_by_timestamp(rig):
    controller = v3(rig, msg("c1", 1, "seen"))
    reconnect(rig)
    rig.conn.feed(":srv FAIL CHATHISTORY MESSAGE_ERROR AFTER #lobby :Unknown msgid c1")
    rig.view.pump()
    assert rig.conn.sent_lines()[-1] == f"CHATHISTORY AFTER #lobby timestamp={at(1)} 3"
    assert not controller.caught_up and controller.catching_up == ["#lobby"]


def test_outbox_echo_marks_pending_line_delivered_without_a_second_line(rig):
    controller = v3(rig)
    controller.on_send("hello")
    [line] = [e for e in rig.view.entries if e.text == "hello"]
    assert line.pending and rig.conn.sent_lines()[0] == "PRIVMSG #lobby hello"
    rig.conn.feed(msg("e1", 7, "hello", sender="me"))
    rig.view.pump()
    [(old, new)] = rig.view.called("update_entry")
    assert old is line and not new.pending and new.msgid == "e1"
    assert [e.text for e in rig.view.entries].count("hello") == 1


def test_outbox_typed_offline_is_pending_then_sent_in_order_after_rejoin(rig):
    controller = v3(rig, msg("c1", 1, "seen"))
    rig.conn.drop()
    rig.view.pump()
    controller.on_send("one")
    controller.on_send("/me two")
    pending = [e for e in rig.view.entries if e.text in ("one", "two")]
    assert [e.pending for e in pending] == [True, True]
    reconnect(rig)
    assert not [line for line in rig.conn.sent_lines() if line.startswith("PRIVMSG")]
    rig.conn.feed(":srv BATCH +t draft/chathistory-targets", ":srv BATCH -t",
                  *history("#lobby"))
    rig.view.pump()
    privmsgs = [line for line in rig.conn.sent_lines() if line.startswith("PRIVMSG")]
    assert privmsgs == ["PRIVMSG #lobby one", "PRIVMSG #lobby :\x01ACTION two\x01"]
    rig.conn.feed(msg("e1", 8, "one", sender="me"),
                  msg("e2", 9, "\x01ACTION two\x01", sender="me"))
    rig.view.pump()
    assert len(controller.sender.outbox) == 0
    shown = [e for e in rig.view.entries if e.text in ("one", "two")]
    assert [(e.text, e.pending) for e in shown] == [("one", False), ("two", False)]


def test_outbox_sent_but_unechoed_is_not_resent_when_history_has_it(rig):
    controller = v3(rig, msg("c1", 1, "seen"))
    controller.on_send("did it arrive")
    controller.on_send("lost one")
    reconnect(rig)
    rig.conn.feed(":srv BATCH +t draft/chathistory-targets", ":srv BATCH -t",
                  *history("#lobby", msg("e1", 2, "did it arrive", sender="me", batch="h")))
    rig.view.pump()
    privmsgs = [line for line in rig.conn.sent_lines() if line.startswith("PRIVMSG")]
    assert privmsgs == ["PRIVMSG #lobby :lost one"]
    lobby = controller.conversations.get("#lobby")
    assert [e.text for e in lobby.entries()].count("did it arrive") == 1
    rig.conn.feed(msg("e2", 3, "lost one", sender="me"))
    rig.view.pump()
    assert len(controller.sender.outbox) == 0 and not any(e.pending for e in lobby.entries())


def test_outbox_without_echo_message_counts_sent_as_delivered(rig):
    controller = rig.online()
    controller.on_send("plain")
    assert rig.conn.sent_lines() == ["PRIVMSG #lobby plain"]
    assert not rig.view.entries[-1].pending and len(controller.sender.outbox) == 0


def test_outbox_plain_server_sends_offline_lines_after_rejoin(rig):
    controller = rig.online()
    rig.conn.drop()
    rig.view.pump()
    controller.on_send("later")
    assert rig.view.entries[-1].pending
    rig.view.pump(1050)
    rig.conn.open()
    rig.conn.feed(":srv 001 me :Welcome back", ":me!u@h JOIN #lobby")
    rig.view.pump()
    assert rig.conn.sent_lines()[-1] == "PRIVMSG #lobby later"
    assert not [e for e in rig.view.entries if e.text == "later"][-1].pending
    assert len(controller.sender.outbox) == 0


def test_history_duplicate_msgid_is_shown_once(rig):
    controller = v3(rig, msg("c1", 1, "once"), msg("c1", 1, "once"))
    lobby = controller.conversations.get("#lobby")
    assert [e.text for e in lobby.entries()].count("once") == 1
    assert rig.view.texts().count("once") == 1


def cached_rig(rig, tmp_path):
    """rig, but its controller keeps the local log cache under tmp_path/data."""
    def start(params=PARAMS):
        rig.controller = start_client(rig.view, params=params, settings_store=rig.store,
                                      connection_factory=rig.factory, clock=rig.clock,
                                      cache_dir=tmp_path / "data")
        return rig.controller
    rig.start = start
    return rig


def test_cache_shows_conversation_at_start_and_resumes_after_it(rig, tmp_path):
    first = v3(cached_rig(rig, tmp_path), msg("c1", 1, "from last time"))
    first.shut_down()
    view = FakeView()
    again = start_client(view, params=PARAMS, settings_store=rig.store,
                         connection_factory=rig.factory, clock=rig.clock,
                         cache_dir=tmp_path / "data")
    assert view.current == "#lobby" and "from last time" in view.texts()  # before any reply
    rig.conn.open()
    rig.conn.feed(*REGISTER, *JOIN)
    view.pump()
    assert "CHATHISTORY AFTER #lobby msgid=c1 3" in rig.conn.sent_lines()
    rig.conn.feed(*history("#lobby", msg("c1", 1, "from last time", batch="h"),
                           msg("c2", 2, "meanwhile", batch="h")))
    view.pump()
    lobby = again.conversations.get("#lobby")
    assert [e.text for e in lobby.entries() if e.msgid] == ["from last time", "meanwhile"]
    again.shut_down()


def test_cache_corrupt_file_is_a_warning_line_not_a_crash(rig, tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "cache.sqlite3").write_bytes(b"garbage" * 500)
    controller = v3(cached_rig(rig, tmp_path), msg("c1", 1, "still works"))
    server_lines = [e for e in controller.conversations.get(STATUS).entries()]
    assert any("cannot be used" in e.text and e.kind is EntryKind.ERROR for e in server_lines)
    assert "still works" in rig.view.texts()


def test_outbox_is_sent_anyway_when_history_never_answers(rig):
    controller = v3(rig, msg("c1", 1, "seen"))
    rig.conn.drop()
    rig.view.pump()
    controller.on_send("patient")
    reconnect(rig)
    assert not [line for line in rig.conn.sent_lines() if line.startswith("PRIVMSG")]
    rig.view.pump(CATCH_UP_MS)
    assert rig.conn.sent_lines()[-1] == "PRIVMSG #lobby patient"
    assert any("Stopped waiting for #lobby" in text for text in rig.view.texts())


def test_cache_keeps_the_outbox_across_a_client_restart(rig, tmp_path):
    first = v3(cached_rig(rig, tmp_path), msg("c1", 1, "seen"))
    first.on_send("sent, echo lost")
    rig.conn.drop()
    rig.view.pump()
    first.on_send("typed offline")
    first.shut_down()
    view = FakeView()
    again = start_client(view, params=PARAMS, settings_store=rig.store,
                         connection_factory=rig.factory, clock=rig.clock,
                         cache_dir=tmp_path / "data")
    shown = [e for e in view.entries if e.own]
    assert [(e.text, e.pending) for e in shown] == [("sent, echo lost", True),
                                                    ("typed offline", True)]
    rig.conn.open()
    rig.conn.feed(*REGISTER, *JOIN)
    view.pump()
    assert not [line for line in rig.conn.sent_lines() if line.startswith("PRIVMSG")]
    rig.conn.feed(":srv BATCH +t draft/chathistory-targets", ":srv BATCH -t",
                  *history("#lobby", msg("e1", 2, "sent, echo lost", sender="me", batch="h")))
    view.pump()
    privmsgs = [line for line in rig.conn.sent_lines() if line.startswith("PRIVMSG")]
    assert privmsgs == ["PRIVMSG #lobby :typed offline"]
    assert [e.text for e in view.entries if e.own].count("sent, echo lost") == 1
    again.shut_down()


def test_cache_lets_you_type_before_the_first_registration(rig, tmp_path):
    first = v3(cached_rig(rig, tmp_path), msg("c1", 1, "seen"))
    first.shut_down()
    view = FakeView()
    again = start_client(view, params=PARAMS, settings_store=rig.store,
                         connection_factory=rig.factory, clock=rig.clock,
                         cache_dir=tmp_path / "data")
    again.on_send("early bird")
    assert view.entries[-1].text == "early bird" and view.entries[-1].pending
    rig.conn.open()
    rig.conn.feed(*REGISTER, *JOIN, ":srv BATCH +t draft/chathistory-targets", ":srv BATCH -t",
                  *history("#lobby"))
    view.pump()
    assert [line for line in rig.conn.sent_lines() if line.startswith("PRIVMSG")] == [
        "PRIVMSG #lobby :early bird"]
    again.shut_down()


def test_conversations_private_chat_follows_a_nick_change(rig):
    controller = v3(rig, msg("p1", 1, "hi", target="me"))
    controller.on_switch("bob")
    rig.conn.feed(":bob!u@h NICK robert", msg("p2", 2, "renamed", sender="robert", target="me"))
    rig.view.pump()
    assert controller.current == "robert" and rig.view.current == "robert"
    assert [e.text for e in controller.conversations.get("robert").entries() if e.msgid] == [
        "hi", "renamed"]
    controller.on_send("hello again")
    assert "PRIVMSG robert :hello again" in rig.conn.sent_lines()
