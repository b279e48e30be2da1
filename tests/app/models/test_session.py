"""Session tests: replay raw server lines and check the events and replies."""

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.models import events as ev
from app.models.log import EntryKind
from app.models.session import Session
from app.models.userinput import InvalidInput
from app.models.users import UserItem
from ircproto.message import Message, parse
from ircproto.version import client_version

T0 = datetime(2026, 1, 2, 3, 4, 5)


def make_session(nick: str = "me", **kwargs) -> Session:
    return Session(nick, clock=lambda: T0, **kwargs)


def feed(session: Session, *lines: str):
    events, outgoing = [], []
    for line in lines:
        outcome = session.feed(parse(line))
        events.extend(outcome.events)
        outgoing.extend(message.format() for message in outcome.outgoing)
    return events, outgoing


def entries(events):
    return [e.entry for e in events if isinstance(e, ev.MessageReceived)]


def of_type(events, kind):
    return [e for e in events if isinstance(e, kind)]


def joined(nick: str = "me") -> Session:
    session = make_session(nick)
    feed(session, f":srv 001 {nick} :Welcome to LocalChat",
         ":srv 005 me PREFIX=(ov)@+ CHANTYPES=# CASEMAPPING=rfc1459 NICKLEN=20 :are supported",
         f":{nick}!u@h JOIN #lobby", f":srv 353 {nick} = #lobby :@alice +bob {nick}",
         f":srv 366 {nick} #lobby :End of /NAMES list")
    return session


def test_session_start_sends_cap_ls_nick_user():
    lines = [m.format() for m in make_session("ann").start()]
    assert lines == ["CAP LS 302", "NICK ann", f"USER localchat 0 * :{client_version()}"]
    assert make_session("ann", use_cap=False).start()[0].format() == "NICK ann"


def test_session_cap_ls_ends_negotiation_after_last_line():
    session = make_session()
    assert feed(session, ":srv CAP * LS * :a b")[1] == []
    assert feed(session, ":srv CAP * LS :c d")[1] == ["CAP END"]


def test_session_requests_multi_prefix_when_offered_then_ends():
    session = make_session()
    assert feed(session, ":srv CAP * LS * :account-tag multi-prefix")[1] == []
    assert feed(session, ":srv CAP * LS :echo-message")[1] == [
        "CAP REQ :echo-message multi-prefix"]
    assert feed(session, ":srv CAP * ACK :multi-prefix")[1] == ["CAP END"]
    assert session.caps == {"multi-prefix"}
    assert feed(make_session(), ":srv CAP * NAK :multi-prefix")[1] == ["CAP END"]


def test_session_unknown_cap_command_is_not_shown_as_error():
    events, _ = feed(make_session(), ":srv 421 * CAP :Unknown command")
    assert events == []


def test_session_answers_ping_with_pong():
    assert feed(make_session(), "PING :tok 123")[1] == ["PONG :tok 123"]


def test_session_welcome_registers_with_server_given_nick():
    session = make_session("me")
    events, _ = feed(session, ":irc.local 001 Me_ :Welcome home")
    assert of_type(events, ev.Registered) == [ev.Registered("Me_", "irc.local")]
    assert session.registered and session.nick == "Me_"
    assert entries(events)[0].text == "Welcome home"


def test_session_isupport_sets_casemapping_prefix_chantypes_nicklen():
    session = make_session()
    feed(session, ":srv 005 me CASEMAPPING=ascii PREFIX=(qov)~@+ CHANTYPES=#& NICKLEN=9 "
                  "CHANMODES=b,k,l,imnt NETWORK=Home :are supported")
    assert (session.casemapping, session.prefixes, session.prefix_modes) == ("ascii", "~@+", "qov")
    assert (session.chantypes, session.nicklen, session.network) == ("#&", 9, "Home")
    assert session.chanmodes == ("b", "k", "l", "imnt")


def test_session_names_reply_builds_sorted_user_list():
    session = make_session()
    events, _ = feed(session, ":srv 001 me :hi", ":me!u@h JOIN #lobby",
                     ":srv 353 me = #lobby :zed +bob",
                     ":srv 353 me = #lobby :@Alice me", ":srv 366 me #lobby :End")
    [changed] = of_type(events, ev.UsersChanged)
    assert [(u.nick, u.prefix) for u in changed.users] == [
        ("Alice", "@"), ("bob", "+"), ("me", ""), ("zed", "")]
    assert of_type(events, ev.UserJoined) == [ev.UserJoined("#lobby", "me", own=True)]


def test_session_join_by_other_updates_users_and_logs():
    session = joined()
    events, _ = feed(session, ":carol!c@h JOIN #lobby")
    assert ev.UserJoined("#lobby", "carol") in events
    assert "carol" in [u.nick for u in of_type(events, ev.UsersChanged)[0].users]
    assert entries(events)[0].text == "carol joined #lobby"


def test_session_part_and_kick_remove_users():
    session = joined()
    events, _ = feed(session, ":bob!b@h PART #lobby :bye now")
    assert ev.UserParted("#lobby", "bob", "bye now") in events
    assert entries(events)[0].text == "bob left #lobby (bye now)"
    events, _ = feed(session, ":alice!a@h KICK #lobby me :out")
    assert ev.UserParted("#lobby", "me", "out", own=True, kicked_by="alice") in events
    assert session.channels() == []
    assert "You were kicked from #lobby by alice (out)" in [e.text for e in entries(events)]


def test_session_quit_removes_user_from_every_channel():
    session = joined()
    feed(session, ":me!u@h JOIN #two", ":srv 353 me = #two :me bob", ":srv 366 me #two :End")
    events, _ = feed(session, ":BOB!b@h QUIT :gone")
    assert of_type(events, ev.UserQuit) == [ev.UserQuit("BOB", "gone", ("#lobby", "#two"))]
    assert len(of_type(events, ev.UsersChanged)) == 2
    assert session.users("#two") == [UserItem("me")]


def test_session_nick_change_renames_and_tracks_own_nick():
    session = joined()
    events, _ = feed(session, ":bob!b@h NICK robert")
    assert ev.NickChanged("bob", "robert") in events
    assert UserItem("robert", "+") in session.users("#lobby")
    events, _ = feed(session, ":me!u@h NICK me2")
    assert ev.NickChanged("me", "me2", own=True) in events
    assert session.nick == "me2"
    assert entries(events)[0].text == "You are now known as me2"


def test_session_mode_changes_update_prefixes():
    session = joined()
    events, _ = feed(session, ":alice!a@h MODE #lobby +o-v+l bob bob 10")
    assert session.users("#lobby")[0:2] == [UserItem("alice", "@"), UserItem("bob", "@")]
    assert entries(events)[0].text == "alice sets mode +o-v+l bob bob 10 on #lobby"
    feed(session, ":alice!a@h MODE #lobby -o+k bob key")
    assert UserItem("bob", "") in session.users("#lobby")


def test_session_mode_ban_argument_is_not_taken_as_nick():
    session = joined()
    events, _ = feed(session, ":alice!a@h MODE #lobby +bv *!*@x bob")
    assert UserItem("bob", "+") in session.users("#lobby")
    assert of_type(events, ev.UsersChanged)


def test_session_topic_reply_and_change():
    session = joined()
    events, _ = feed(session, ":srv 332 me #lobby :Welcome all")
    assert ev.TopicChanged("#lobby", "Welcome all") in events
    events, _ = feed(session, ":alice!a@h TOPIC #lobby :New topic")
    assert ev.TopicChanged("#lobby", "New topic", "alice") in events
    assert session.channel("#LOBBY").topic == "New topic"
    assert entries(events)[0].text == "alice changed the topic of #lobby to: New topic"


def test_session_channel_and_private_messages_become_entries():
    session = joined()
    events, _ = feed(session, ":bob!b@h PRIVMSG #Lobby :hi all", ":bob!b@h PRIVMSG me :psst")
    chat, private = entries(events)
    assert (chat.sender, chat.target, chat.text, chat.private) == ("bob", "#lobby", "hi all", False)
    assert (private.target, private.text, private.private) == ("bob", "psst", True)
    assert chat.kind is EntryKind.CHAT and chat.time == T0


def test_session_ctcp_action_and_version_request():
    session = joined()
    events, out = feed(session, ":bob!b@h PRIVMSG #lobby :\x01ACTION waves\x01",
                       ":bob!b@h PRIVMSG me :\x01VERSION\x01")
    action = entries(events)[0]
    assert (action.kind, action.text, action.sender) == (EntryKind.ACTION, "waves", "bob")
    assert out == [f"NOTICE bob :\x01VERSION {client_version()}\x01"]


def test_session_notice_from_user_and_server():
    session = joined()
    events, _ = feed(session, ":bob!b@h NOTICE me :note", ":irc.local NOTICE * :Looking up")
    user, server = entries(events)
    assert (user.kind, user.sender, user.private) == (EntryKind.NOTICE, "bob", True)
    assert of_type(events, ev.ServerNotice) == [ev.ServerNotice("Looking up")]
    assert server.text == "Looking up"


def test_session_error_numerics_become_error_entries():
    session = joined()
    events, _ = feed(session, ":srv 401 me ghost :No such nick/channel",
                     ":srv 482 me #lobby :You're not channel operator",
                     ":srv 442 me #mod :You're not on that channel")
    texts = [(e.kind, e.text) for e in entries(events)]
    assert texts == [(EntryKind.ERROR, "ghost: No such nick/channel"),
                     (EntryKind.ERROR, "#lobby: You're not channel operator"),
                     (EntryKind.ERROR, "#mod: You're not on that channel")]
    assert entries(events)[1].target == "#lobby"


def test_session_count_numerics_read_as_sentences():
    session = joined()
    events, _ = feed(session, ":srv 254 me 2 :channels formed", ":srv 252 me 1 :operator(s) online")
    assert [(e.kind, e.text) for e in entries(events)] == [
        (EntryKind.SYSTEM, "2 channels formed"), (EntryKind.SYSTEM, "1 operator(s) online")]


def test_session_error_command_reports_closing():
    events, _ = feed(make_session(), "ERROR :Closing link: (me) [Server shutting down]")
    assert of_type(events, ev.ErrorReceived) == [
        ev.ErrorReceived("Closing link: (me) [Server shutting down]")]
    assert entries(events)[0].kind is EntryKind.ERROR


def test_session_nick_in_use_before_registration_rejects_without_fallback():
    events, out = feed(make_session("ann"), ":srv 433 * ann :Nickname is already in use")
    assert of_type(events, ev.NickRejected) == [
        ev.NickRejected("433", "ann", "ann: Nickname is already in use")]
    assert out == []


def test_session_nick_in_use_tries_fallbacks_then_rejects():
    session = make_session("ann", fallback_nicks=("ann_", "ann__"))
    events, out = feed(session, ":srv 433 * ann :in use", ":srv 433 * ann_ :in use")
    assert out == ["NICK ann_", "NICK ann__"]
    assert not of_type(events, ev.NickRejected)
    events, out = feed(session, ":srv 433 * ann__ :in use")
    assert of_type(events, ev.NickRejected)[0].nick == "ann__"


def test_session_erroneous_nick_rejected_and_after_registration_is_error():
    session = make_session("1bad")
    events, _ = feed(session, ":srv 432 * 1bad :Erroneous nickname")
    assert of_type(events, ev.NickRejected)[0].code == "432"
    session = joined()
    events, _ = feed(session, ":srv 433 me bob :Nickname is already in use")
    assert not of_type(events, ev.NickRejected)
    assert entries(events)[0].text == "Cannot change nick to bob: Nickname is already in use"


def test_session_unknown_command_is_shown_not_dropped():
    events, _ = feed(joined(), ":srv FROB a :b c")
    assert entries(events)[0].text == "[:srv FROB a :b c]"


def test_session_say_splits_and_logs_own_lines():
    session = joined()
    outcome = session.say("#lobby", "word " * 200)
    assert len(outcome.outgoing) >= 2
    prefix = len(f":me!{'u' * 10}@{'h' * 63} ")
    assert all(prefix + len(m.encode()) <= 512 for m in outcome.outgoing)
    assert prefix + len(outcome.outgoing[0].encode()) > 480  # pieces are filled, not tiny
    logged = entries(outcome.events)
    assert all(e.own and e.sender == "me" and e.target == "#lobby" for e in logged)
    assert " ".join(e.text for e in logged).split() == ["word"] * 200


def test_session_act_wraps_ctcp_action_and_private_flag():
    outcome = joined().act("bob", "waves")
    assert [m.format() for m in outcome.outgoing] == ["PRIVMSG bob :\x01ACTION waves\x01"]
    entry = entries(outcome.events)[0]
    assert (entry.kind, entry.private, entry.own) == (EntryKind.ACTION, True, True)


def test_session_builders_reject_bad_names():
    session = joined()
    with pytest.raises(InvalidInput, match="valid channel"):
        session.join("lobby")
    with pytest.raises(InvalidInput, match="nickname"):
        session.change_nick("9lives")
    with pytest.raises(InvalidInput, match="valid nick"):
        session.say("bad nick", "x")
    with pytest.raises(InvalidInput, match=r"Not sent: .*CR, LF or NUL"):
        session.topic("#lobby", "a\nQUIT")
    assert session.join("#new").format() == "JOIN #new"
    assert session.part("#lobby", "bye").format() == "PART #lobby bye"
    assert session.topic("#lobby", "a b").format() == "TOPIC #lobby :a b"


def test_session_malformed_lines_become_error_entries():
    session = joined()
    events, _ = feed(session, ":bob!b@h JOIN", ":srv 353 me = #lobby", ":bob!b@h PRIVMSG #lobby")
    assert [e.kind for e in entries(events)] == [EntryKind.ERROR] * 3
    assert entries(events)[0].text == "Ignored a malformed JOIN from the server: :bob!b@h JOIN"
    assert session.channels() == ["#lobby"]


_COMMANDS = ["JOIN", "PART", "KICK", "QUIT", "NICK", "TOPIC", "MODE", "PRIVMSG", "NOTICE", "CAP",
             "PING", "ERROR", "INVITE", "001", "005", "332", "331", "353", "366", "401", "433",
             "432", "999"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_COMMANDS), st.sampled_from(["bob!b@h", "me!u@h", "srv", None]),
       st.lists(st.sampled_from(["#lobby", "me", "bob", "+o", "-v+b", "@+x", "\x01ACTION",
                                 "=", "*", "a b", "", "(ov)@+", "PREFIX=(ov)@+"]), max_size=5))
def test_session_never_raises_on_odd_but_parseable_lines(command, source, params):
    session = joined()
    params = [p for p in params[:-1] if p and " " not in p and not p.startswith(":")] + params[-1:]
    outcome = session.feed(Message(command, tuple(params), source))
    assert all(isinstance(m, Message) for m in outcome.outgoing)


def test_session_ctcp_ping_is_echoed_and_replies_are_shown():
    session = joined()
    events, out = feed(session, ":bob!b@h PRIVMSG me :\x01PING 12345\x01",
                       ":bob!b@h NOTICE me :\x01VERSION irssi 1.4\x01")
    assert out == ["NOTICE bob :\x01PING 12345\x01"]
    texts = [e.text for e in entries(events)]
    assert texts == ["bob sent a CTCP PING request", "CTCP VERSION reply from bob: irssi 1.4"]


def test_session_statusmsg_to_channel_ops_goes_to_the_channel():
    events, _ = feed(joined(), ":alice!a@h PRIVMSG @#lobby :ops only")
    entry = entries(events)[0]
    assert (entry.target, entry.private) == ("#lobby", False)


def test_session_names_for_a_channel_we_are_not_in_is_listed():
    events, _ = feed(joined(), ":srv 353 me = #other :@x y", ":srv 366 me #other :End")
    assert entries(events)[0].text == "Users in #other: x, y"
    assert not of_type(events, ev.UsersChanged)


def test_session_casemapping_change_rekeys_channels():
    session = make_session()
    feed(session, ":srv 001 me :hi", ":me!u@h JOIN #a[b]")
    assert session.channel("#a{b}") is not None
    feed(session, ":srv 005 me CASEMAPPING=ascii :are supported")
    assert session.channel("#a{b}") is None and session.channel("#A[B]") is not None


def test_session_user_mode_invite_and_no_topic_are_shown():
    events, _ = feed(joined(), ":me MODE me :+i", ":alice!a@h INVITE me #secret",
                     ":srv 331 me #lobby :No topic is set")
    assert [e.text for e in entries(events)] == [
        "me sets mode +i for me", "alice invites you to #secret", "#lobby has no topic"]


def test_session_refused_join_and_message_are_errors_in_their_channel_and_events():
    session = joined()
    events, _ = feed(session, ":srv 474 me #den :Cannot join channel (+b)",
                     ":srv 404 me #lobby :Cannot send to channel")
    refused, undelivered = entries(events)
    assert (refused.kind, refused.target) == (EntryKind.ERROR, "#den")
    assert refused.text == "Could not join #den: Cannot join channel (+b) (you are banned from it)"
    assert (undelivered.kind, undelivered.target) == (EntryKind.ERROR, "#lobby")
    assert of_type(events, ev.JoinRefused) == [ev.JoinRefused("#den", "Cannot join channel (+b)")]
    assert of_type(events, ev.MessageRefused) == [
        ev.MessageRefused("#lobby", "Cannot send to channel")]
