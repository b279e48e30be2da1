"""Session tests for modern messaging, replaying the specs' wire lines: draft/multiline batches
received and sent, +reply, +draft/react/+draft/unreact TAGMSGs and REDACT, live and replayed."""

from app.models import events as ev
from app.models.log import EntryKind
from tests.app.models.test_session import feed, make_session

CAPS = ("message-tags server-time echo-message batch draft/chathistory "
        "draft/multiline=max-bytes=4096,max-lines=3 draft/message-redaction")


def modern(caps: str = CAPS):
    """A session that negotiated caps, registered and joined #lobby."""
    session = make_session()
    names = " ".join(cap.partition("=")[0] for cap in caps.split())
    feed(session, f":srv CAP * LS :{caps}", f":srv CAP me ACK :{names}",
         ":srv 001 me :Welcome", ":me!u@h JOIN #lobby", ":srv 353 me = #lobby :@alice bob me",
         ":srv 366 me #lobby :End of /NAMES list")
    return session


def test_session_shows_a_received_multiline_batch_as_one_entry():
    events, _ = feed(modern(),
                     "@msgid=xxx;time=2026-01-02T03:04:05.000Z;+reply=p1 :bob!b@h BATCH +123 "
                     "draft/multiline #lobby",
                     "@batch=123 :bob!b@h PRIVMSG #lobby hello",
                     "@batch=123 :bob!b@h PRIVMSG #lobby :",
                     "@batch=123 :bob!b@h PRIVMSG #lobby :how is ",
                     "@batch=123;draft/multiline-concat :bob!b@h PRIVMSG #lobby :everyone?",
                     "BATCH -123")
    [said] = [event.entry for event in events if isinstance(event, ev.MessageReceived)]
    assert said.text == "hello\n\nhow is everyone?" and said.sender == "bob"
    assert said.msgid == "xxx" and said.reply_to == "p1" and said.target == "#lobby"
    assert not said.replayed


def test_session_counts_a_multiline_batch_inside_history_as_one_replayed_line():
    events, _ = feed(modern(),
                     ":srv BATCH +h chathistory #lobby",
                     "@batch=h;msgid=a1 :bob!b@h BATCH +m draft/multiline #lobby",
                     "@batch=m :bob!b@h NOTICE #lobby one",
                     "@batch=m :bob!b@h NOTICE #lobby two",
                     "BATCH -m", "BATCH -h")
    [said] = [event.entry for event in events if isinstance(event, ev.MessageReceived)]
    assert said.text == "one\ntwo" and said.kind is EntryKind.NOTICE and said.replayed
    [done] = [event for event in events if isinstance(event, ev.HistoryReceived)]
    assert done.count == 1 and done.last_msgid == "a1"


def test_session_refuses_a_multiline_batch_mixing_privmsg_and_notice():
    events, _ = feed(modern(), ":bob!b@h BATCH +x draft/multiline #lobby",
                     "@batch=x :bob!b@h PRIVMSG #lobby a", "@batch=x :bob!b@h NOTICE #lobby b",
                     "BATCH -x")
    [error] = [event.entry for event in events if isinstance(event, ev.MessageReceived)]
    assert error.kind is EntryKind.ERROR and "malformed multiline" in error.text


def test_session_reads_the_parent_of_a_reply_from_either_tag():
    events, _ = feed(modern(), "@msgid=2;+draft/reply=1 :bob!b@h PRIVMSG #lobby :sure")
    assert events[0].entry.reply_to == "1"


def test_session_turns_react_and_unreact_tagmsgs_into_reaction_events():
    events, _ = feed(modern(), "@+draft/react=👍;+reply=m1 :bob!b@h TAGMSG #lobby",
                     "@+draft/unreact=👍;+draft/reply=m1 :bob!b@h TAGMSG #lobby",
                     "@+draft/react=👍 :bob!b@h TAGMSG #lobby")  # no parent: not a reaction
    assert events == [ev.ReactionChanged("#lobby", "m1", "bob", "👍", True),
                      ev.ReactionChanged("#lobby", "m1", "bob", "👍", False)]


def test_session_applies_reactions_replayed_from_history_and_counts_them():
    events, _ = feed(modern(), ":srv BATCH +h chathistory #lobby",
                     "@batch=h;msgid=r1;+draft/react=🎉;+reply=m1 :bob!b@h TAGMSG #lobby",
                     "BATCH -h")
    assert events[0] == ev.ReactionChanged("#lobby", "m1", "bob", "🎉", True, replayed=True)
    assert events[1] == ev.HistoryReceived("#lobby", 1, "r1")


def test_session_files_a_private_reaction_and_redaction_with_the_other_person():
    events, _ = feed(modern(), "@+draft/react=ok;+reply=m1 :bob!b@h TAGMSG me",
                     ":bob!b@h REDACT me m1 :oops", ":me!u@h REDACT bob m2")
    assert events == [ev.ReactionChanged("bob", "m1", "bob", "ok", True),
                      ev.MessageRedacted("bob", "m1", "bob", "oops"),
                      ev.MessageRedacted("bob", "m2", "me", "")]


def test_session_says_several_lines_as_one_multiline_batch_with_the_reply_on_its_batch_line():
    session = modern()
    [(entry, messages)] = session.speech("#lobby", "hi\r\nthere", reply_to="p1", quote="bob: x")
    assert entry.text == "hi\nthere" and entry.reply_to == "p1" and entry.quote == "bob: x"
    assert [m.format() for m in messages] == [
        "@+reply=p1;+draft/reply=p1 BATCH +ml1 draft/multiline #lobby",
        "@batch=ml1 PRIVMSG #lobby hi", "@batch=ml1 PRIVMSG #lobby there", "BATCH -ml1"]


def test_session_splits_a_long_line_of_a_batch_with_concat_and_beyond_max_lines_in_batches():
    session = modern()
    text = "\n".join(["a", "b", "c", "d", "word " * 120])
    said = session.speech("#lobby", text)
    assert [entry.text for entry, _ in said] == ["a\nb\nc", "d\n" + ("word " * 120).rstrip()]
    second = said[1][1]
    assert second[0].params[:2] == ("+ml2", "draft/multiline")
    assert "draft/multiline-concat" in second[-2].tags and all(
        len(m.format().partition(" ")[2].encode()) < 512 for m in second)
    assert "".join(m.params[1] for m in second[2:-1]) == ("word " * 120).rstrip()


def test_session_says_several_lines_one_message_each_without_multiline():
    session = modern("message-tags echo-message batch")
    said = session.speech("#lobby", "hi\nthere", reply_to="p1")
    assert [[m.format() for m in messages] for _, messages in said] == [
        ["@+reply=p1;+draft/reply=p1 PRIVMSG #lobby hi"], ["PRIVMSG #lobby there"]]
    assert [entry.reply_to for entry, _ in said] == ["p1", ""]


def test_session_needs_batch_for_multiline():
    assert modern("message-tags draft/multiline=max-bytes=4096").multiline is None
    assert modern().multiline is not None


def test_session_builds_react_unreact_and_redact():
    session = modern()
    assert session.react("#lobby", "m1", "👍").format() == \
        "@+draft/react=👍;+reply=m1;+draft/reply=m1 TAGMSG #lobby"
    assert session.react("#lobby", "m1", "👍", added=False).format() == \
        "@+draft/unreact=👍;+reply=m1;+draft/reply=m1 TAGMSG #lobby"
    assert session.redact("#lobby", "m1").format() == "REDACT #lobby m1"


def test_session_passes_over_other_events_a_server_replays_in_history():
    session = modern(CAPS + " draft/event-playback")
    events, _ = feed(session, ":srv BATCH +h chathistory #lobby",
                     "@batch=h;msgid=j1 :carol!c@h JOIN #lobby",
                     "@batch=h;msgid=n1 :bob!b@h NICK bobby", "BATCH -h")
    assert events == [ev.HistoryReceived("#lobby", 2, "n1")]
    assert [user.nick for user in session.users("#lobby")] == ["alice", "bob", "me"]


def test_session_a_multiline_search_result_is_one_result_not_live_chat():
    events, _ = feed(modern(), ":srv BATCH +s soju.im/search",
                     "@batch=s;msgid=a1;time=2026-01-02T03:04:05.000Z :bob!b@h BATCH +m "
                     "draft/multiline #lobby",
                     "@batch=m :bob!b@h PRIVMSG #lobby :deploy",
                     "@batch=m :bob!b@h PRIVMSG #lobby :",
                     "@batch=m :bob!b@h PRIVMSG #lobby :today", "BATCH -m", "BATCH -s")
    [answer] = events
    assert isinstance(answer, ev.SearchAnswered)
    [found] = answer.messages
    assert found.params == ("#lobby", "deploy today") and found.tags["msgid"] == "a1"
