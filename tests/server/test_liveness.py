"""PING of idle clients, ping timeouts and registration timeouts, with a fake clock."""

from __future__ import annotations

from ircproto.message import Message
from server.liveness import check_liveness, check_period, format_seconds
from tests.server.fakes import Harness


def test_liveness_pings_idle_client_once_then_drops_it():
    h = Harness(ping_interval=60.0, ping_timeout=120.0)
    alice = h.connect("alice")
    out, drops = check_liveness(h.state, h.clock.now + 59)
    assert not out and drops == []
    h.clock.advance(60)
    out, drops = check_liveness(h.state, h.clock())
    out.flush()
    assert h.peek(alice) == [Message("PING", ("localchat",), "localchat")] and drops == []
    h.clock.advance(119)
    out, drops = check_liveness(h.state, h.clock())
    assert not out and drops == []  # pinged once, waiting
    h.clock.advance(1)
    _, drops = check_liveness(h.state, h.clock())
    assert drops == [(alice, "Ping timeout: 180 seconds")]


def test_liveness_any_line_counts_as_an_answer():
    h = Harness(ping_interval=1.0, ping_timeout=2.0)
    alice = h.connect("alice")
    h.clock.advance(1)
    check_liveness(h.state, h.clock())
    h.clock.advance(1.5)
    h.send(alice, "PONG :localchat")
    h.clock.advance(0.9)
    _, drops = check_liveness(h.state, h.clock())
    assert drops == [] and alice.ping_sent_at is None


def test_liveness_drops_clients_that_never_register():
    h = Harness(registration_timeout=5.0)
    lurker = h.connect()
    h.send(lurker, "NICK lurker")
    h.clock.advance(4.9)
    assert check_liveness(h.state, h.clock())[1] == []
    h.clock.advance(0.1)
    assert check_liveness(h.state, h.clock())[1] == [(lurker, "Registration timed out")]


def test_liveness_format_and_period():
    assert format_seconds(120.4) == "120" and format_seconds(0.34) == "0.3"
    assert format_seconds(2.0) == "2"
    assert check_period(Harness(ping_interval=0.2).state) == 0.05
    assert check_period(Harness().state) == 5.0
