"""PRIVMSG, NOTICE and AWAY against the state, with fake clients."""

from __future__ import annotations

from ircproto.message import Message
from tests.server.fakes import Harness, commands

A = "alice!alice@127.0.0.1"
B = "bob!bob@127.0.0.1"


def setup_three():
    h = Harness()
    alice, bob, carol = h.connect("alice"), h.connect("bob"), h.connect("carol")
    h.take(alice, bob, carol)
    return h, alice, bob, carol


def test_privmsg_channel_reaches_every_member_but_sender():
    h, alice, bob, carol = setup_three()
    assert h.send(alice, "PRIVMSG #lobby :hello everyone") == []
    expected = [Message("PRIVMSG", ("#lobby", "hello everyone"), A)]
    assert h.peek(bob) == expected and h.peek(carol) == expected


def test_privmsg_to_nick_reaches_only_them():
    h, alice, bob, carol = setup_three()
    h.send(alice, "PRIVMSG BOB :psst")
    assert h.peek(bob) == [Message("PRIVMSG", ("bob", "psst"), A)]
    assert h.peek(carol) == []


def test_privmsg_multiple_targets():
    h, alice, bob, carol = setup_three()
    h.send(alice, "PRIVMSG bob,carol :hi both")
    assert h.peek(bob) == [Message("PRIVMSG", ("bob", "hi both"), A)]
    assert h.peek(carol) == [Message("PRIVMSG", ("carol", "hi both"), A)]
    assert commands(h.send(alice, "PRIVMSG a,b,c,d,e :x")) == ["407"]


def test_privmsg_errors_401_403_411_412():
    h, alice, *_ = setup_three()
    assert commands(h.send(alice, "PRIVMSG ghost :hi")) == ["401"]
    assert commands(h.send(alice, "PRIVMSG #ghost :hi")) == ["403"]
    assert commands(h.send(alice, "PRIVMSG")) == ["411"]
    assert commands(h.send(alice, "PRIVMSG bob")) == ["412"]
    assert commands(h.send(alice, "PRIVMSG bob :")) == ["412"]


def test_privmsg_no_external_messages_gets_404():
    h, alice, bob, _carol = setup_three()
    h.send(alice, "JOIN #club")
    assert h.send(bob, "PRIVMSG #club :let me in")[0].params[:2] == ("bob", "#club")
    assert commands(h.send(bob, "PRIVMSG #club :x")) == ["404"]
    h.send(alice, "MODE #club -n")
    h.take(alice)
    assert h.send(bob, "PRIVMSG #club :from outside") == []
    assert h.peek(alice) == [Message("PRIVMSG", ("#club", "from outside"), B)]


def test_privmsg_moderated_needs_voice():
    h, alice, bob, carol = setup_three()
    h.send(alice, "MODE #lobby +m")
    h.take(bob, carol)
    assert commands(h.send(bob, "PRIVMSG #lobby :hi")) == ["404"]
    h.send(alice, "MODE #lobby +v bob")
    h.take(carol)
    assert h.send(bob, "PRIVMSG #lobby :hi") == []
    assert h.peek(carol) == [Message("PRIVMSG", ("#lobby", "hi"), B)]


def test_notice_is_delivered_and_never_answered_with_errors():
    h, alice, bob, _carol = setup_three()
    h.send(alice, "NOTICE #lobby :note")
    assert h.peek(bob) == [Message("NOTICE", ("#lobby", "note"), A)]
    assert h.send(alice, "NOTICE ghost :x", "NOTICE #ghost :x", "NOTICE", "NOTICE bob") == []
    unregistered = h.connect()
    assert h.send(unregistered, "NOTICE bob :x") == []


def test_away_sets_and_answers_privmsg_with_301():
    h, alice, bob, _carol = setup_three()
    assert h.send(bob, "AWAY :at lunch") == [
        Message("306", ("bob", "You have been marked as being away"), "localchat")
    ]
    assert h.send(alice, "PRIVMSG bob :there?") == [
        Message("301", ("alice", "bob", "at lunch"), "localchat")
    ]
    assert h.send(alice, "NOTICE bob :fyi") == []
    assert commands(h.send(bob, "AWAY")) == ["305"]
    assert h.send(alice, "PRIVMSG bob :back?") == []
