"""The welcome burst's fixed replies (server.commands.greeting): what they say, and that they
follow a new configuration or start time instead of the one they were first made for."""

from __future__ import annotations

import time
from dataclasses import replace

from ircproto.message import Message
from ircproto.version import server_version
from server.commands.greeting import GreetingCache
from server.commands.isupport import isupport_tokens, myinfo_modes
from tests.server.fakes import Harness, find


def tokens_of(replies: list[Message]) -> list[str]:
    return [p for m in replies if m.command == "005" for p in m.params[1:-1]]


def test_greeting_replies_say_what_they_said_when_built_for_each_registration():
    h = Harness()
    replies = h.send(h.connect(), "NICK alice", "USER al 0 * :A")
    created = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(h.state.started_at))
    version = server_version()
    assert find(replies, "002") == Message(
        "002", ("alice", f"Your host is localchat, running version {version}"), "localchat")
    assert find(replies, "003") == Message(
        "003", ("alice", f"This server was created {created}"), "localchat")
    assert find(replies, "004") == Message(
        "004", ("alice", "localchat", version, *myinfo_modes()), "localchat")
    assert tokens_of(replies) == isupport_tokens(h.state.config)
    assert all(m.params[0] == "alice" and m.params[-1] == "are supported by this server"
               for m in replies if m.command == "005")
    assert find(replies, "375").params == ("alice", "- localchat Message of the day - ")


def test_greeting_follows_a_new_configuration():
    h = Harness()
    alice = h.connect("alice")
    h.state.config = replace(h.state.config, network="Elsewhere", motd=("Changed",),
                             max_channels=7)
    replies = h.send(h.connect(), "NICK bob", "USER b 0 * :B")
    assert "NETWORK=Elsewhere" in tokens_of(replies) and "CHANLIMIT=#&:7" in tokens_of(replies)
    assert find(replies, "001").params[1].startswith("Welcome to the Elsewhere IRC network")
    assert [m.params[1] for m in replies if m.command == "372"] == ["- Changed"]
    assert "NETWORK=Elsewhere" in tokens_of(h.send(alice, "VERSION"))
    assert find(h.send(alice, "MOTD"), "372").params[1] == "- Changed"
    h.state.config = replace(h.state.config, motd=())
    assert [m.command for m in h.send(alice, "MOTD")] == ["422"]


def test_greeting_follows_the_start_time():
    h = Harness()
    h.connect("alice")
    h.state.started_at = 86400.0 * 365
    replies = h.send(h.connect(), "NICK bob", "USER b 0 * :B")
    assert find(replies, "003").params[1] == "This server was created 1971-01-01 00:00:00 UTC"


def test_greeting_cache_builds_once_per_configuration_and_start_time():
    cache, config = GreetingCache(), Harness().state.config
    first = cache.get(config, 1.0)
    assert cache.get(config, 1.0) is first
    other = replace(config)  # equal, but another configuration object
    assert cache.get(other, 1.0) is not first and cache.get(other, 1.0).config is other
    assert cache.get(other, 2.0).started_at == 2.0
