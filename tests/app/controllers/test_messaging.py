"""Modern messaging through the controller (fakes, the specs' wire lines): a multi-line paste as
one multiline message, pending until its echoed batch; replies with the parent's quote, fetched
when not held; reactions toggled and replayed; deletion; what the log offers without the caps."""

from __future__ import annotations

from app.controllers.client import start_client
from app.models.replies import NOT_LOADED
from app.views.base import MessageActions
from tests.app.controllers.test_conversations import JOIN, PARAMS, at, cached_rig, history, msg
from tests.app.controllers.test_search import online
from tests.fakes import FakeView

CAPS = ("message-tags server-time echo-message batch draft/chathistory "
        "draft/multiline=max-bytes=4096,max-lines=10 draft/message-redaction")
NAMES = " ".join(cap.partition("=")[0] for cap in CAPS.split())
REGISTER = (f":srv CAP * LS :{CAPS}", f":srv CAP me ACK :{NAMES}", ":srv 001 me :Welcome",
            ":srv 005 me CHATHISTORY=3 MSGREFTYPES=msgid,timestamp :are supported")


def modern(rig, *extra: str, register=REGISTER):
    return online(rig, register, *extra)


def shown(rig, msgid: str):
    return next(entry for entry in rig.view.entries if entry.msgid == msgid)


def test_messaging_multiline_paste_is_one_batch_one_pending_entry_confirmed_by_its_echo(rig):
    controller = modern(rig)
    controller.on_send("first line\nsecond line")
    assert rig.conn.sent_lines() == [
        "BATCH +ml1 draft/multiline #lobby", "@batch=ml1 PRIVMSG #lobby :first line",
        "@batch=ml1 PRIVMSG #lobby :second line", "BATCH -ml1"]
    [pending] = [e for e in rig.view.entries if e.pending]
    assert pending.text == "first line\nsecond line"
    rig.conn.feed(f"@msgid=e1;time={at(9)} :me!u@h BATCH +s draft/multiline #lobby",
                  "@batch=s :me!u@h PRIVMSG #lobby :first line",
                  "@batch=s :me!u@h PRIVMSG #lobby :second line", "BATCH -s")
    rig.view.pump()
    assert [e.text for e in rig.view.entries if "line" in e.text] == ["first line\nsecond line"]
    assert not shown(rig, "e1").pending and len(controller.sender.outbox) == 0


def test_messaging_multiline_typed_offline_goes_out_as_a_batch_after_the_reconnect(rig):
    controller = modern(rig)
    rig.conn.drop()
    rig.view.pump()
    controller.on_send("a\nb")
    assert len(controller.sender.outbox) == 1
    rig.view.pump(2000)
    rig.conn.open()
    rig.conn.feed(*REGISTER, *JOIN, *history("#lobby"), ":srv BATCH +t draft/chathistory-targets",
                  ":srv BATCH -t")
    rig.view.pump()
    assert [line for line in rig.conn.sent_lines() if "ml" in line] == [
        "BATCH +ml1 draft/multiline #lobby", "@batch=ml1 PRIVMSG #lobby a",
        "@batch=ml1 PRIVMSG #lobby b", "BATCH -ml1"]


def test_messaging_without_multiline_a_paste_is_a_message_per_line(rig):
    plain = tuple(line.replace(" draft/multiline=max-bytes=4096,max-lines=10", "")
                  .replace(" draft/multiline", "") for line in REGISTER)
    controller = modern(rig, register=plain)
    controller.on_send("one\ntwo")
    assert rig.conn.sent_lines() == ["PRIVMSG #lobby one", "PRIVMSG #lobby two"]


def test_messaging_received_multiline_is_one_entry(rig):
    modern(rig, "@msgid=m9 :bob!b@h BATCH +x draft/multiline #lobby",
           "@batch=x :bob!b@h PRIVMSG #lobby :roses", "@batch=x :bob!b@h PRIVMSG #lobby :violets",
           "BATCH -x")
    assert shown(rig, "m9").text == "roses\nviolets"


def test_messaging_reply_mode_sends_the_reply_tags_and_shows_the_quote(rig):
    controller = modern(rig, msg("m1", 1, "lunch at noon?"))
    controller.on_reply(None)  # the newest message
    assert rig.view.reply_text == "Replying to bob: lunch at noon?"
    controller.on_send("sure")
    assert rig.conn.sent_lines() == ["@+reply=m1;+draft/reply=m1 PRIVMSG #lobby sure"]
    assert rig.view.reply_text == ""
    [pending] = [e for e in rig.view.entries if e.pending]
    assert pending.reply_to == "m1" and pending.quote == "bob: lunch at noon?"
    rig.conn.feed(f"@msgid=e2;time={at(5)};+reply=m1 :me!u@h PRIVMSG #lobby sure")
    rig.view.pump()
    assert shown(rig, "e2").quote == "bob: lunch at noon?" and not shown(rig, "e2").pending


def test_messaging_reply_mode_ends_on_a_switch_and_with_cancel(rig):
    controller = modern(rig, msg("m1", 1, "hi"))
    controller.on_reply(shown(rig, "m1"))
    controller.on_cancel_reply()
    assert rig.view.reply_text == "" and controller.annotations.replying is None
    controller.on_reply(shown(rig, "m1"))
    controller.switch_to(None)
    assert rig.view.reply_text == "" and controller.annotations.replying is None


def test_messaging_a_reply_to_a_message_not_held_is_fetched_and_then_quoted(rig):
    modern(rig)
    rig.conn.feed(f"@msgid=r1;time={at(8)};+reply=old :bob!u@h PRIVMSG #lobby :agreed")
    rig.view.pump()
    assert shown(rig, "r1").quote == NOT_LOADED
    assert rig.conn.sent_lines() == ["CHATHISTORY AROUND #lobby msgid=old 1"]
    rig.conn.feed(*history("#lobby", msg("old", 0, "the plan", sender="alice")))
    rig.view.pump()
    assert shown(rig, "r1").quote == "alice: the plan"


def test_messaging_reactions_toggle_and_replayed_ones_are_applied(rig):
    controller = modern(rig, msg("m1", 1, "ship it"),
                        "@+draft/react=🎉;+reply=m1 :alice!a@h TAGMSG #lobby")
    assert shown(rig, "m1").reactions == (("🎉", ("alice",)),)
    controller.on_react(shown(rig, "m1"), "🎉")
    assert rig.conn.sent_lines() == ["@+draft/react=🎉;+reply=m1;+draft/reply=m1 TAGMSG #lobby"]
    assert shown(rig, "m1").reactions == (("🎉", ("alice", "me")),)
    rig.conn.feed("@+draft/react=🎉;+reply=m1 :me!u@h TAGMSG #lobby")  # our echo: no change
    rig.view.pump()
    controller.on_react(shown(rig, "m1"), "🎉")  # clicked again: taken back
    assert rig.conn.sent_lines()[-1] == "@+draft/unreact=🎉;+reply=m1;+draft/reply=m1 TAGMSG #lobby"
    assert shown(rig, "m1").reactions == (("🎉", ("alice",)),)
    rig.conn.feed(*history("#lobby", "@batch=h;msgid=t1;+draft/react=👍;+reply=m1 "
                                     ":carol!c@h TAGMSG #lobby", ref="h2"))
    rig.view.pump()
    assert shown(rig, "m1").reactions == (("🎉", ("alice",)), ("👍", ("carol",)))


def test_messaging_delete_own_message_sends_redact_and_the_echo_deletes_it(rig, tmp_path):
    controller = modern(cached_rig(rig, tmp_path),
                        f"@msgid=o1;time={at(2)} :me!u@h PRIVMSG #lobby :oops typo")
    assert rig.view.message_actions == MessageActions(True, True, "own")
    controller.on_delete(shown(rig, "o1"))
    assert rig.conn.sent_lines() == ["REDACT #lobby o1"]
    assert not shown(rig, "o1").deleted  # with echo-message: when the server says so
    rig.conn.feed(":me!u@h REDACT #lobby o1")
    rig.view.pump()
    assert shown(rig, "o1").deleted and shown(rig, "o1").text == ""
    assert controller.archive.cache is not None and controller.archive.cache.search("typo") == []


def test_messaging_someone_elses_redact_replaces_the_message_and_unknown_ones_are_ignored(rig):
    controller = modern(rig, msg("m1", 1, "spam"), ":alice!a@h REDACT #lobby m1 :spam",
                        ":alice!a@h REDACT #lobby nosuch")
    assert shown(rig, "m1").deleted
    controller.on_delete(shown(rig, "m1"))  # not ours, and we are no operator
    assert rig.conn.sent_lines() == [] and "cannot be deleted" in rig.view.entries[-1].text


def test_messaging_an_operator_may_delete_any_message(rig):
    controller = modern(rig, msg("m1", 1, "spam"), ":alice!a@h MODE #lobby +o me")
    assert rig.view.message_actions.delete == "any"
    controller.on_delete(shown(rig, "m1"))
    assert rig.conn.sent_lines() == ["REDACT #lobby m1"]


def test_messaging_without_caps_nothing_is_offered_or_sent(rig):
    controller = rig.online(msg("m1", 1, "hello"))
    assert rig.view.message_actions == MessageActions()
    entry = next(e for e in rig.view.entries if e.text == "hello")
    controller.on_reply(entry)
    controller.on_react(entry, "👍")
    controller.on_delete(entry)
    assert rig.conn.sent_lines() == [] and rig.view.reply_text == ""
    assert [e.text for e in rig.view.entries[-3:]] == [
        "This server cannot carry replies", "Reactions are not possible on this message here",
        "That message cannot be deleted here"]


def test_messaging_a_refused_batch_is_no_longer_pending_and_says_why(rig):
    controller = modern(rig)
    controller.on_send("one\ntwo")
    rig.conn.feed(":srv FAIL BATCH MULTILINE_MAX_BYTES 4096 :Multiline batch is too long")
    rig.view.pump()
    entry = next(e for e in rig.view.entries if e.text == "one\ntwo")
    assert not entry.pending and len(controller.sender.outbox) == 0
    assert rig.view.texts()[-1] == "BATCH failed: Multiline batch is too long"
    rig.conn.drop()
    rig.view.pump(5000)
    rig.conn.open()
    rig.conn.feed(*REGISTER, *JOIN)
    rig.view.pump()
    assert not any(line.startswith("BATCH") for line in rig.conn.sent_lines())  # not resent


def test_messaging_reactions_that_come_before_their_message_show_when_it_comes(rig):
    modern(rig, "@+draft/react=🎉;+reply=late :alice!a@h TAGMSG #lobby",
           "@+draft/react=👍;+reply=late :bob!b@h TAGMSG #lobby",
           "@+draft/unreact=👍;+reply=late :bob!b@h TAGMSG #lobby",
           "@+draft/react=★;+reply=gone :carol!c@h TAGMSG #lobby",
           ":carol!c@h REDACT #lobby gone")
    rig.conn.feed(*history("#lobby", msg("late", 0, "the plan", sender="dave"),
                           msg("gone", 1, "deleted before we saw it", sender="carol")))
    rig.view.pump()
    assert shown(rig, "late").reactions == (("🎉", ("alice",)),)
    assert shown(rig, "gone").reactions == ()


def test_messaging_replies_and_reactions_are_kept_in_the_cache_across_a_restart(rig, tmp_path):
    first = modern(cached_rig(rig, tmp_path), msg("p1", 1, "the plan", sender="alice"),
                   f"@msgid=r1;time={at(2)};+reply=p1 :bob!u@h PRIVMSG #lobby :agreed",
                   "@+draft/react=🎉;+reply=p1 :carol!c@h TAGMSG #lobby")
    assert shown(rig, "p1").reactions == (("🎉", ("carol",)),)
    first.shut_down()
    view = FakeView()
    again = start_client(view, params=PARAMS, settings_store=rig.store,
                         connection_factory=rig.factory, clock=rig.clock,
                         cache_dir=tmp_path / "data")
    held = {e.msgid: e for e in view.entries if e.msgid}
    assert held["p1"].reactions == (("🎉", ("carol",)),)
    assert (held["r1"].reply_to, held["r1"].quote) == ("p1", "alice: the plan")
    again.shut_down()
