"""Controller tests for slash commands: each command, wrong usage, unknown commands."""

import pytest

from app.models.applog import log_path
from app.models.log import EntryKind
from app.models.users import UserItem
from app.views.base import Conversation
from ircproto.version import client_version


def last_error(rig) -> str:
    entry = rig.view.entries[-1]
    assert entry.kind is EntryKind.ERROR, entry
    return entry.text


def test_command_me_sends_action_and_shows_it(rig):
    controller = rig.online()
    controller.on_send("/me waves")
    assert rig.conn.sent_lines() == ["PRIVMSG #lobby :\x01ACTION waves\x01"]
    entry = rig.view.entries[-1]
    assert (entry.kind, entry.text, entry.own) == (EntryKind.ACTION, "waves", True)
    assert rig.view.calls[-1] == ("clear_input", ())


def test_command_msg_sends_private_message(rig):
    controller = rig.online()
    controller.on_send("/msg bob see you at 5")
    assert rig.conn.sent_lines() == ["PRIVMSG bob :see you at 5"]
    entry = rig.view.entries[-1]
    assert (entry.target, entry.private, entry.own) == ("bob", True, True)
    assert controller.current == "bob" and rig.view.current == "bob"
    assert Conversation("bob", 0, True) in rig.view.conversations


def test_command_nick_sends_nick_and_rejects_bad_nick(rig):
    controller = rig.online()
    controller.on_send("/nick newme")
    assert rig.conn.sent_lines() == ["NICK newme"]
    controller.on_send("/nick 4bad")
    assert "nickname" in last_error(rig)
    assert len(rig.conn.sent) == 1


def test_command_join_sends_join_and_switches_on_reply(rig):
    controller = rig.online()
    controller.on_send("/join #dev")
    assert rig.conn.sent_lines() == ["JOIN #dev"]
    rig.conn.feed(":me!u@h JOIN #dev", ":srv 353 me = #dev :me zoe", ":srv 366 me #dev :End")
    rig.view.pump()
    assert controller.current == "#dev"
    assert rig.view.users == [UserItem("me"), UserItem("zoe")]
    controller.on_send("hi dev")
    assert rig.conn.sent_lines()[-1] == "PRIVMSG #dev :hi dev"


def test_command_join_with_a_key_sends_it_and_refuses_a_bad_one(rig):
    controller = rig.online()
    controller.on_send("/join #vault sesame")
    assert rig.conn.sent_lines() == ["JOIN #vault sesame"]
    controller.on_send("/join #vault a,b")
    assert "channel key" in last_error(rig) and len(rig.conn.sent) == 1


def test_command_join_of_joined_channel_switches_back(rig):
    controller = rig.online(":me!u@h JOIN #dev", ":srv 366 me #dev :End")
    assert controller.current == "#dev"
    controller.on_send("/join #LOBBY")
    assert controller.current == "#lobby" and rig.conn.sent == []
    assert rig.view.entries[-1].text == "Now talking in #lobby"
    assert [u.nick for u in rig.view.users] == ["alice", "bob", "me"]


def test_command_join_rejects_bad_channel(rig):
    controller = rig.online()
    controller.on_send("/join lobby")
    assert "not a valid channel" in last_error(rig) and rig.conn.sent == []


def test_command_part_leaves_current_and_moves_to_other(rig):
    controller = rig.online(":me!u@h JOIN #dev", ":srv 366 me #dev :End")
    controller.on_send("/part see ya")
    assert rig.conn.sent_lines() == ["PART #dev :see ya"]
    rig.conn.feed(":me!u@h PART #dev :see ya")
    rig.view.pump()
    assert controller.current == "#lobby"
    controller.on_send("/part #nothere")
    assert last_error(rig) == "You are not in #nothere"


def test_command_topic_shows_and_sets(rig):
    controller = rig.online(":srv 332 me #lobby :Be nice")
    controller.on_send("/topic")
    assert rig.view.entries[-1].text == "Topic of #lobby: Be nice"
    controller.on_send("/topic Be very nice")
    assert rig.conn.sent_lines() == ["TOPIC #lobby :Be very nice"]


def test_command_users_shows_users(rig):
    controller = rig.online()
    controller.on_send("/users")
    assert rig.view.shown_users[-1][0] == UserItem("alice", "@")


def test_command_quit_sends_reason_and_closes_without_asking(rig):
    controller = rig.online()
    controller.on_send("/quit gone fishing")
    assert rig.conn.sent_lines() == ["QUIT :gone fishing"]
    assert rig.conn.closed and rig.view.closed
    assert rig.view.called("confirm_exit") == []


def test_command_help_lists_every_command(rig):
    controller = rig.online()
    controller.on_send("/help")
    text = "\n".join(rig.view.texts())
    for name in ["/me", "/msg", "/nick", "/join", "/part", "/topic", "/users", "/quit", "/help"]:
        assert name in text
    assert f"{client_version()}; its log: {log_path()}" in rig.view.texts()  # version and log


@pytest.mark.parametrize("typed, usage", [("/me", "Usage: /me <action>"),
                                          ("/msg bob", "Usage: /msg <nick> <text>"),
                                          ("/nick", "Usage: /nick <new nick>"),
                                          ("/join", "Usage: /join <#channel> [key]"),
                                          ("/join #a k x", "Usage: /join <#channel> [key]")])
def test_command_wrong_usage_shows_usage_and_keeps_input(rig, typed, usage):
    controller = rig.online()
    controller.on_send(typed)
    assert last_error(rig) == usage
    assert rig.conn.sent == [] and rig.view.called("clear_input") == []


def test_command_unknown_gets_local_error(rig):
    controller = rig.online()
    controller.on_send("/frobnicate now")
    assert last_error(rig) == "Unknown command /frobnicate; /help lists the commands"
    assert rig.conn.sent == []


def test_command_needing_server_while_offline_says_so(rig):
    controller = rig.start()
    controller.on_send("/join #x")
    assert last_error(rig) == "Not connected: /join needs the server"


def test_command_topic_too_long_for_a_line_is_refused(rig):
    controller = rig.online()
    controller.on_send("/topic " + "x" * 600)
    assert "at most 512" in last_error(rig)
    assert rig.conn.sent == [] and rig.view.called("clear_input") == []


def test_command_a_bug_is_an_internal_error_not_the_users_mistake(rig, monkeypatch, caplog):
    controller = rig.online()

    def broken(nick: str):
        raise ValueError("a bug, not bad input")

    monkeypatch.setattr(controller.session, "change_nick", broken)
    controller.on_send("/nick newme")
    assert last_error(rig) == "Internal error (a bug, logged): ValueError('a bug, not bad input')"
    assert [r for r in caplog.records if r.exc_info and "a bug" in str(r.exc_info[1])]
    assert ("clear_input", ()) not in rig.view.calls and rig.conn.sent == []


def test_command_invalid_input_is_the_users_error_line_without_a_traceback(rig, caplog):
    rig.online()
    rig.controller.on_send("/nick 9lives")
    assert last_error(rig).startswith("a nickname starts with a letter")
    assert not [r for r in caplog.records if r.exc_info]
