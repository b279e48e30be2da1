"""Session tests for the IRCv3 capabilities: replay raw lines for CAP negotiation, server-time,
msgid, echo-message, chathistory batches and MARKREAD."""

from datetime import UTC, datetime

from app.models import events as ev
from app.models.capabilities import WANTED_CAPS
from app.models.entries import parse_time
from app.models.log import EntryKind
from ircproto.servertime import format_server_time
from tests.app.models.test_session import entries, feed, joined, make_session, of_type

OFFERED = ("message-tags server-time echo-message batch labeled-response away-notify "
           "multi-prefix userhost-in-names setname cap-notify draft/chathistory "
           "draft/read-marker sasl soju.im/search draft/multiline=max-bytes=4096,max-lines=24 "
           "draft/message-redaction draft/event-playback")
ISUPPORT = ":srv 005 me CHATHISTORY=100 MSGREFTYPES=msgid,timestamp :are supported"


def local(text: str) -> datetime:
    parsed = parse_time(text)
    assert parsed is not None
    return parsed


def v3(nick: str = "me"):
    session = joined(nick)
    session.caps.update(WANTED_CAPS)
    feed(session, ISUPPORT)
    return session


def test_session_cap_requests_every_wanted_cap_the_server_offers():
    session = make_session()
    _, out = feed(session, f":srv CAP * LS :{OFFERED}")
    [request] = out
    asked = set(request.removeprefix("CAP REQ :").split())
    assert asked == WANTED_CAPS and "labeled-response" not in asked
    _, out = feed(session, f":srv CAP * ACK :{' '.join(sorted(asked))}")
    assert out == ["CAP END"] and session.caps == WANTED_CAPS
    assert session.echoes and session.has_history


def test_session_cap_nak_ends_negotiation_without_caps():
    session = make_session()
    feed(session, ":srv CAP * LS :echo-message batch")
    _, out = feed(session, ":srv CAP * NAK :batch echo-message")
    assert out == ["CAP END"] and session.caps == set()
    assert not session.echoes and not session.has_history


def test_session_without_cap_support_registers_plainly():
    session = make_session()
    _, out = feed(session, ":srv 421 * CAP :Unknown command", ":srv 001 me :Welcome")
    assert out == [] and session.registered and session.caps == set()
    assert session.history_limit == 0 and not session.has_history


def test_session_isupport_chathistory_sets_the_page_size():
    session = v3()
    assert session.history_limit == 100
    assert session.history("AFTER", "#lobby", "msgid=abc").format() == \
        "CHATHISTORY AFTER #lobby msgid=abc 100"


def test_session_server_time_and_msgid_become_the_entry_time_and_id():
    session = v3()
    events, _ = feed(session, "@time=2026-03-04T05:06:07.890Z;msgid=m1 :bob!b@h PRIVMSG "
                              "#lobby :hi")
    [entry] = entries(events)
    assert entry.msgid == "m1" and not entry.replayed and entry.kind is EntryKind.CHAT
    utc = datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)
    assert entry.time == utc.astimezone().replace(tzinfo=None)


def test_session_bad_server_time_falls_back_to_the_clock():
    session = v3()
    events, _ = feed(session, "@time=yesterday :bob!b@h PRIVMSG #lobby :hi")
    assert entries(events)[0].time == datetime(2026, 1, 2, 3, 4, 5)


def test_session_time_round_trips_in_milliseconds():
    text = "2026-11-24T01:02:03.456Z"
    assert format_server_time(local(text)) == text
    assert parse_time("2026-11-24 01:02:03") is None


def test_session_echo_of_own_message_is_own_with_its_msgid():
    session = v3()
    events, _ = feed(session, "@msgid=e1 :me!u@h PRIVMSG #lobby :mine",
                     "@msgid=e2 :me!u@h PRIVMSG bob :private")
    channel, private = entries(events)
    assert (channel.own, channel.msgid, channel.target) == (True, "e1", "#lobby")
    assert (private.own, private.private, private.target) == (True, True, "bob")


def test_session_chathistory_batch_marks_replayed_and_reports_the_end():
    session = v3()
    events, _ = feed(
        session, ":srv BATCH +b1 chathistory #lobby",
        "@batch=b1;time=2026-03-04T05:06:07.000Z;msgid=h1 :bob!b@h PRIVMSG #lobby :old",
        "@batch=b1;time=2026-03-04T05:06:08.000Z;msgid=h2 :me!u@h PRIVMSG #lobby :mine",
        ":srv BATCH -b1", "@msgid=n1 :bob!b@h PRIVMSG #lobby :new")
    old, mine, new = entries(events)
    assert old.replayed and mine.replayed and mine.own and not new.replayed
    assert of_type(events, ev.HistoryReceived) == [ev.HistoryReceived("#lobby", 2, "h2")]


def test_session_empty_chathistory_batch_reports_zero():
    session = v3()
    events, _ = feed(session, ":srv BATCH +x chathistory bob", ":srv BATCH -x")
    assert of_type(events, ev.HistoryReceived) == [ev.HistoryReceived("bob", 0, "")]


def test_session_chathistory_targets_batch_lists_targets():
    session = v3()
    events, _ = feed(session, ":srv BATCH +t draft/chathistory-targets",
                     "@batch=t :srv CHATHISTORY TARGETS bob 2026-03-04T05:06:07.000Z",
                     "@batch=t :srv CHATHISTORY TARGETS #lobby 2026-03-04T05:06:08.000Z",
                     ":srv BATCH -t")
    assert of_type(events, ev.HistoryTargetFound) == [
        ev.HistoryTargetFound("bob", local("2026-03-04T05:06:07.000Z")),
        ev.HistoryTargetFound("#lobby", local("2026-03-04T05:06:08.000Z"))]
    assert of_type(events, ev.HistoryReceived) == [ev.HistoryReceived("", 2)]


def test_session_markread_from_server_becomes_read_marker_event():
    session = v3()
    events, _ = feed(session, ":srv MARKREAD #lobby timestamp=2026-03-04T05:06:07.000Z",
                     ":srv MARKREAD #lobby *")
    assert of_type(events, ev.ReadMarkerSet) == [
        ev.ReadMarkerSet("#lobby", local("2026-03-04T05:06:07.000Z"))]


def test_session_mark_read_builds_markread_line():
    session = v3()
    line = session.mark_read("#lobby", local("2026-03-04T05:06:07.120Z")).format()
    assert line == "MARKREAD #lobby timestamp=2026-03-04T05:06:07.120Z"


def test_session_fail_becomes_request_failed_and_an_error_line():
    session = v3()
    events, _ = feed(session, ":srv FAIL CHATHISTORY MESSAGE_ERROR AFTER #lobby "
                              ":Unknown msgid x")
    assert of_type(events, ev.RequestFailed) == [
        ev.RequestFailed("CHATHISTORY", "MESSAGE_ERROR", ("AFTER", "#lobby"))]
    [line] = entries(events)
    assert line.kind is EntryKind.ERROR and "Unknown msgid x" in line.text


def test_session_away_notify_marks_users_without_log_lines():
    session = v3()
    events, _ = feed(session, ":bob!b@h AWAY :lunch")
    assert entries(events) == []
    assert of_type(events, ev.AwayChanged) == [ev.AwayChanged("bob", "lunch")]
    assert [(u.nick, u.away) for u in session.users("#lobby")] == [
        ("alice", False), ("bob", True), ("me", False)]
    events, _ = feed(session, ":bob!b@h AWAY")
    assert of_type(events, ev.AwayChanged) == [ev.AwayChanged("bob", "")]
    assert not any(u.away for u in session.users("#lobby"))


def test_session_away_survives_a_names_refresh_and_follows_a_rename():
    session = v3()
    feed(session, ":bob!b@h AWAY :lunch", ":srv 353 me = #lobby :@alice +bob me",
         ":srv 366 me #lobby :End", ":bob!b@h NICK robert")
    assert [(u.nick, u.away) for u in session.users("#lobby")] == [
        ("alice", False), ("robert", True), ("me", False)]


def test_session_own_away_from_305_306():
    session = v3()
    events, _ = feed(session, ":srv 306 me :You have been marked as being away")
    assert of_type(events, ev.AwayChanged) == [ev.AwayChanged("me", "away", own=True)]
    assert entries(events)[0].text == "You are marked as away"
    assert [u.away for u in session.users("#lobby")][-1] is True
    events, _ = feed(session, ":srv 305 me :You are no longer marked as being away")
    assert of_type(events, ev.AwayChanged) == [ev.AwayChanged("me", "", own=True)]
    assert not any(u.away for u in session.users("#lobby"))


def test_session_301_says_who_is_away():
    session = v3()
    events, _ = feed(session, ":srv 301 me bob :at lunch")
    assert [e.text for e in entries(events)] == ["bob is away: at lunch"]


def test_session_typing_tagmsg_becomes_an_event_not_a_line():
    session = v3()
    events, _ = feed(session, "@+typing=active :bob!b@h TAGMSG #lobby",
                     "@+typing=paused :bob!b@h TAGMSG me", "@+typing=active :me!u@h TAGMSG #lobby",
                     "@+react=x :bob!b@h TAGMSG #lobby")
    assert entries(events) == []
    assert of_type(events, ev.TypingNotified) == [ev.TypingNotified("#lobby", "bob", "active"),
                                                 ev.TypingNotified("bob", "bob", "paused")]


def test_session_builds_typing_tagmsg():
    line = v3().build.typing("#lobby", "active").format()
    assert line == "@+typing=active TAGMSG #lobby"


def test_session_asks_who_after_joining_to_learn_who_is_away():
    session = v3()
    _, out = feed(session, ":me!u@h JOIN #dev", ":srv 353 me = #dev :me bob carol",
                  ":srv 366 me #dev :End")
    assert out == ["WHO #dev"]
    events, _ = feed(session, ":srv 352 me #dev u h srv bob G :0 Bob",
                     ":srv 352 me #dev u h srv carol H :0 Carol",
                     ":srv 315 me #dev :End of WHO list")
    assert entries(events) == []
    assert [(u.nick, u.away) for u in session.users("#dev")] == [
        ("bob", True), ("carol", False), ("me", False)]
    events, _ = feed(session, ":srv 352 me * u h srv zoe G :0 Zoe",
                     ":srv 315 me zoe :End of WHO list")
    assert len(entries(events)) == 2  # a WHO we did not ask for shows as status lines


def test_session_without_away_notify_asks_no_who():
    session = joined()
    _, out = feed(session, ":me!u@h JOIN #dev", ":srv 366 me #dev :End")
    assert out == []


def test_session_search_results_are_not_chat():
    session = make_session()
    feed(session, ":srv BATCH +s soju.im/search")
    events, _ = feed(session, "@batch=s;msgid=a :bob!b@h PRIVMSG #lobby :an old hit")
    assert events == []
    events, _ = feed(session, ":srv BATCH -s")
    [answer] = events
    assert isinstance(answer, ev.SearchAnswered)
    assert [m.params[1] for m in answer.messages] == ["an old hit"]
