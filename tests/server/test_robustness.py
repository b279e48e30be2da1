"""A real server on port 0 facing misbehaving clients: vanishing, silent, slow, or hitting bugs."""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time

import pytest

from server.commands import COMMANDS, Command
from server.tcp import start_server_thread
from tests.server.conftest import config
from tests.server.ircclient import RawClient


def wait_for_quit(client: RawClient, nick: str, timeout: float = 5.0):
    """Read until nick's QUIT arrives, answering PINGs on the way."""
    deadline = time.monotonic() + timeout
    while True:
        message = client.expect(timeout=max(0.01, deadline - time.monotonic()))
        if message.command == "PING":
            client.send(f"PONG :{message.params[-1]}")
        elif message.command == "QUIT" and (message.source or "").startswith(nick + "!"):
            return message


def test_vanished_client_is_relayed_as_quit_and_nick_freed(connect):
    alice, bob = connect("alice"), connect("bob")
    alice.expect(command="JOIN", source="bob!bob@127.0.0.1")  # read all, so close sends FIN
    alice.close()
    assert wait_for_quit(bob, "alice").params == ("Connection closed",)
    connect("alice")  # the nick is free again


def test_reset_connection_is_relayed_as_reset(connect, server):
    alice, bob = connect("alice"), connect("bob")
    alice.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    alice.send("PRIVMSG #lobby :about to vanish")
    bob.expect(command="PRIVMSG")
    alice.close()  # linger 0: RST instead of FIN
    assert wait_for_quit(bob, "alice").params == ("Connection reset by peer",)
    with server.state.lock:
        assert server.state.find_nick("alice") is None
        assert [c.nick for c in server.state.find_channel("#lobby").members] == ["bob"]


@pytest.mark.parametrize("server_config", [config(ping_interval=0.2, ping_timeout=0.3)])
def test_ping_timeout_drops_silent_client(connect):
    alice, bob = connect("alice"), connect("bob")
    ping = alice.expect(command="PING", timeout=2)
    assert ping.params == ("localchat",)
    quit_message = wait_for_quit(bob, "alice")
    assert quit_message.params[0].startswith("Ping timeout: ")
    assert quit_message.params[0].endswith(" seconds")
    error = alice.expect_closed()[-1]
    assert error.command == "ERROR" and error.params[0].startswith("Ping timeout")


@pytest.mark.parametrize("server_config", [config(registration_timeout=0.3)])
def test_registration_timeout_drops_unregistered_client(connect, server):
    lurker = connect()
    lurker.send("NICK lurker")
    assert lurker.expect_closed()[-1].format() == "ERROR :Registration timed out"
    with server.state.lock:
        assert server.state.clients == set() and server.state.nicks == {}


@pytest.mark.parametrize("server_config", [config(sendq=64 * 1024)])
def test_slow_reader_is_dropped_while_others_keep_chatting(server):
    address = server.server_address
    with RawClient(address) as alice, RawClient(address) as bob, \
            RawClient(address, rcvbuf=4096) as slow:
        for client, nick in ((alice, "alice"), (bob, "bob"), (slow, "slow")):
            client.register(nick)
        bob.expect(command="JOIN", source="slow!slow@127.0.0.1")
        padding = "x" * 400
        worst = 0.0
        started = time.monotonic()
        dropped = None
        for i in range(3000):  # up to ~1.3 MB towards the slow reader; it never reads
            sent = time.monotonic()
            alice.send(f"PRIVMSG #lobby :{i} {padding}")
            message = bob.expect(command=None, timeout=2)
            while message.command == "QUIT":
                dropped = message
                message = bob.expect(timeout=2)
            assert message.params[1].startswith(f"{i} ")
            worst = max(worst, time.monotonic() - sent)
            if dropped:
                break
        assert dropped is not None, "the slow reader was never dropped"
        assert dropped.format() == ":slow!slow@127.0.0.1 QUIT :SendQ exceeded"
        assert time.monotonic() - started < 5
        assert worst < 1.0  # the others never waited on the slow one
        with server.state.lock:
            assert server.state.find_nick("slow") is None
        slow.expect_closed(timeout=5)  # everything it had, then the end


def test_handler_bug_closes_that_client_only_and_is_logged(connect, server, monkeypatch, caplog):
    def broken(ctx, message):
        raise RuntimeError("deliberate bug")

    monkeypatch.setitem(COMMANDS, "AWAY", Command(broken))
    alice, bob, carol = connect("alice"), connect("bob"), connect("carol")
    with caplog.at_level(logging.ERROR, logger="server"):
        alice.send("AWAY :lunch")
        assert alice.expect_closed()[-1].format() == "ERROR :Internal server error"
        assert wait_for_quit(bob, "alice").params == ("Internal server error",)
    bob.send("PRIVMSG #lobby :we carry on")
    assert carol.expect(command="PRIVMSG").params[1] == "we carry on"
    errors = server.take_errors()
    assert [str(e) for e in errors] == ["deliberate bug"]
    record = next(r for r in caplog.records if r.exc_info)
    assert "AWAY" in record.getMessage() and record.exc_info[1] is errors[0]


def test_server_stop_sends_error_to_every_client_and_joins_threads():
    handle = start_server_thread(config())
    clients = [RawClient(handle.server_address) for _ in range(3)]
    try:
        clients[0].register("alice")
        clients[1].register("bob")
        clients[1].expect(command="366")
        clients[2].send("PING :here")  # stays unregistered, but is surely known by now
        clients[2].expect(command="PONG")
        with handle.state.lock:
            assert len(handle.state.clients) == 3
        started = time.monotonic()
        handle.stop()
        assert time.monotonic() - started < 2
        for client in clients:
            lines = client.expect_closed(timeout=2)
            assert lines[-1].format() == "ERROR :Server shutting down"
            assert not any(m.command == "QUIT" for m in lines)
        leftover = [t.name for t in threading.enumerate() if t.name.startswith("irc-")]
        assert leftover == []
    finally:
        for client in clients:
            client.close()
        handle.stop()


def test_server_stop_raises_recorded_bugs():
    handle = start_server_thread(config())
    handle.hub.record_error(RuntimeError("seen while running"))
    with pytest.raises(AssertionError, match="seen while running"):
        handle.stop()
    handle.stop()  # a second stop is harmless and has nothing left to report


def test_start_server_thread_on_a_taken_port_raises_and_leaks_nothing():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            start_server_thread(config(port=taken.getsockname()[1]))
