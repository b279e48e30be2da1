"""Controller tests for the everyday slash commands (/whois, /query, /list, /invite, /kick,
/mode, /clear, /ignore, /unignore, /away, /back, /help): what goes out, what comes back as
status lines, and a clear error line for wrong input."""

import pytest

from app.controllers.chatcommands import SHORTCUTS
from app.models.log import EntryKind


def last_error(rig) -> str:
    entry = rig.view.entries[-1]
    assert entry.kind is EntryKind.ERROR, entry
    return entry.text


@pytest.mark.parametrize("typed, sent", [
    ("/whois bob", "WHOIS bob"),
    ("/list", "LIST"),
    ("/list >3", "LIST >3"),
    ("/invite carol", "INVITE carol #lobby"),
    ("/invite carol #dev", "INVITE carol #dev"),
    ("/kick bob", "KICK #lobby bob"),
    ("/kick bob too loud today", "KICK #lobby bob :too loud today"),
    ("/kick #dev bob bye", "KICK #dev bob bye"),
    ("/mode", "MODE #lobby"),
    ("/mode +m", "MODE #lobby +m"),
    ("/mode +o bob", "MODE #lobby +o bob"),
    ("/mode #dev b", "MODE #dev b"),
    ("/mode me +i", "MODE me +i"),
    ("/away lunch, back at 2", "AWAY :lunch, back at 2"),
    ("/away", "AWAY Away"),
    ("/back", "AWAY"),
])
def test_chat_command_sends_the_standard_line(rig, typed, sent):
    rig.online()
    rig.controller.on_send(typed)
    assert rig.conn.sent_lines() == [sent]
    assert rig.view.calls[-1] == ("clear_input", ())


@pytest.mark.parametrize("typed, error", [
    ("/whois", "Usage: /whois <nick>"),
    ("/whois bob carol", "Usage: /whois <nick>"),
    ("/whois #lobby", "'#lobby' is not a valid nick"),
    ("/invite", "Usage: /invite <nick> [#channel]"),
    ("/invite bob lobby", "'lobby' is not a valid channel name"),
    ("/invite a b c", "Usage: /invite <nick> [#channel]"),
    ("/kick", "Usage: /kick [#channel] <nick> [reason]"),
    ("/kick #dev", "Usage: /kick [#channel] <nick> [reason]"),
    ("/mode #lobby m", "Modes start with + or -, not 'm'"),
    ("/back now", "Usage: /back"),
    ("/query #lobby", "'#lobby' is not a nick: /query opens a private chat with someone "
                      "(for a channel: /join)"),
    ("/unignore", "Usage: /unignore <nick>"),
    ("/unignore bob", "bob is not ignored"),
    ("/ignore 9lives", "Cannot ignore '9lives': a nickname starts with a letter or one of "
                       "[ ] \\ ` _ ^ { | }"),
])
def test_chat_command_wrong_input_is_a_clear_error_and_sends_nothing(rig, typed, error):
    rig.online()
    rig.controller.on_send(typed)
    assert last_error(rig) == error
    assert rig.conn.sent == [] and rig.view.called("clear_input") == []


def test_chat_command_needing_a_channel_in_a_private_chat_says_so(rig):
    controller = rig.online()
    controller.on_send("/query bob")
    controller.on_send("/kick carol")
    assert last_error(rig).startswith("This is not a channel: /kick")
    controller.on_send("/invite carol")
    assert last_error(rig).startswith("This is not a channel: /invite")
    assert rig.conn.sent == []


def test_chat_command_query_opens_a_private_chat_and_may_say_something(rig):
    controller = rig.online()
    controller.on_send("/query bob")
    assert controller.current == "bob" and rig.conn.sent == []
    assert any(c.name == "bob" and c.private for c in rig.view.conversations)
    controller.on_send("/query carol are you there?")
    assert controller.current == "carol"
    assert rig.conn.sent_lines() == ["PRIVMSG carol :are you there?"]


def test_chat_command_whois_reply_shows_as_status_lines(rig):
    controller = rig.online()
    controller.on_send("/whois bob")
    rig.conn.feed(":srv 311 me bob b host * :Bob Builder", ":srv 301 me bob :at lunch",
                  ":srv 318 me bob :End of /WHOIS list")
    rig.view.pump()
    assert rig.view.texts()[-3:] == ["bob b host * Bob Builder", "bob is away: at lunch",
                                     "bob End of /WHOIS list"]
    assert all(e.kind is EntryKind.SYSTEM for e in rig.view.entries[-3:])


def test_chat_command_list_and_invite_replies_show_and_errors_are_errors(rig):
    controller = rig.online()
    controller.on_send("/list")
    rig.conn.feed(":srv 321 me Channel :Users  Name", ":srv 322 me #dev 4 :Dev talk",
                  ":srv 323 me :End of /LIST", ":srv 482 me #lobby :You're not channel operator")
    rig.view.pump()
    texts = rig.view.texts()
    assert "Asking the server for its channels…" in texts
    assert any("#dev 4" in text and "Dev talk" in text for text in texts)
    assert rig.view.entries[-1].kind is EntryKind.ERROR
    assert "not channel operator" in rig.view.entries[-1].text


def test_chat_command_clear_empties_only_the_log_shown(rig):
    controller = rig.online(":bob!b@h PRIVMSG #lobby :hello")
    assert rig.view.entries
    controller.on_send("/clear")
    assert rig.view.entries == []
    assert controller.conversations.get("#lobby").entries() == []
    rig.conn.feed(":bob!b@h PRIVMSG #lobby :again")
    rig.view.pump()
    assert rig.view.texts() == ["again"]


def test_chat_command_ignore_hides_their_lines_and_is_remembered(rig):
    controller = rig.online()
    controller.on_send("/ignore Bob")
    assert rig.view.texts()[-1] == "Ignoring Bob: their messages are not shown (/unignore Bob)"
    assert rig.store.load().ignored == ["Bob"]
    rig.conn.feed(":bob!b@h PRIVMSG #lobby :spam", ":BOB!b@h PRIVMSG me :private spam",
                  ":bob!b@h NOTICE #lobby :more", ":alice!a@h PRIVMSG #lobby :hi")
    rig.view.pump()
    assert "spam" not in rig.view.texts() and rig.view.texts()[-1] == "hi"
    assert controller.conversations.get("bob") is None
    controller.on_send("/ignore bob")
    assert last_error(rig) == "bob is already ignored (/unignore bob to see them again)"
    controller.on_send("/ignore")
    assert rig.view.texts()[-1] == "Ignoring: Bob"
    controller.on_send("/unignore bob")
    assert rig.store.load().ignored == []
    rig.conn.feed(":bob!b@h PRIVMSG #lobby :back")
    rig.view.pump()
    assert rig.view.texts()[-1] == "back"


def test_chat_command_ignore_is_read_from_the_settings_at_start(rig):
    rig.store.update(ignored=["bob"])
    rig.online(":bob!b@h PRIVMSG #lobby :spam", ":alice!a@h PRIVMSG #lobby :hi")
    assert "spam" not in rig.view.texts() and "hi" in rig.view.texts()


def test_chat_command_ignore_works_offline(rig):
    controller = rig.start()
    controller.on_send("/ignore bob")
    assert rig.store.load().ignored == ["bob"]


def test_chat_command_help_lists_every_command_and_the_shortcuts(rig):
    controller = rig.online()
    controller.on_send("/help")
    text = "\n".join(rig.view.texts())
    for name in ["/whois", "/query", "/list", "/invite", "/kick", "/mode", "/clear", "/ignore",
                 "/unignore", "/away", "/back", "/help", "/me", "/msg"]:
        assert name in text
    for key in ["Tab", "Up / Down", "Ctrl+Tab", "Ctrl+F", "Ctrl+Shift+F", "Ctrl+,"]:
        assert key in text
    assert len(SHORTCUTS) >= 5


def test_chat_command_offline_says_it_needs_the_server(rig):
    controller = rig.start()
    for typed in ["/whois bob", "/list", "/away", "/back", "/kick bob", "/mode +m"]:
        controller.on_send(typed)
        assert last_error(rig) == f"Not connected: {typed.split()[0]} needs the server"


def test_chat_command_set_changes_remembers_and_uses_the_options(rig):
    controller = rig.online()
    controller.on_send("/set")
    assert rig.view.texts()[-4:] == [
        "Options:", "typing on  (tell others when you type)",
        "joins full  (join/part/quit lines)",
        "autoaway 10  (away by itself: after 10 minutes without input)"]
    controller.on_send("/set typing off")
    controller.on_send("/set joins compact")
    controller.on_send("/set autoaway 0")
    saved = rig.store.load()
    assert (saved.send_typing, saved.compact_joins, saved.auto_away_minutes) == (False, True, 0)
    assert controller.activity.send_typing is False and controller.presenter.compact_joins
    assert rig.view.texts()[-1] == "autoaway 0  (away by itself: never)"


@pytest.mark.parametrize("typed, error", [
    ("/set typing", "/set typing needs a value. Usage: /set typing on|off, /set joins "
                    "compact|full, /set autoaway <minutes> (0: never)"),
    ("/set typing maybe", "Unknown option or value 'typing maybe'. Usage: /set typing on|off, "
                          "/set joins compact|full, /set autoaway <minutes> (0: never)"),
    ("/set autoaway -5", "/set autoaway takes minutes from 0 to 1440, not '-5'"),
    ("/set autoaway 99999", "/set autoaway takes minutes from 0 to 1440, not '99999'"),
])
def test_chat_command_set_refuses_unknown_options(rig, typed, error):
    rig.online()
    rig.controller.on_send(typed)
    assert last_error(rig) == error
    assert rig.store.load().send_typing is True


def test_chat_command_ignore_still_matches_after_the_server_names_its_casemapping(rig):
    """Folded as rfc1459 until the 005 says ascii: the ignored nick is folded again then."""
    rig.store.update(ignored=["Bob[m]"])
    rig.online(":srv 005 me CASEMAPPING=ascii :are supported by this server",
               ":bob[m]!b@h PRIVMSG #lobby :spam", ":alice!a@h PRIVMSG #lobby :hi")
    assert "spam" not in rig.view.texts() and rig.view.texts()[-1] == "hi"
