"""Random command sequences from several clients never crash a handler or break the state."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ircproto.framing import LineDecoder
from server.commands import disconnect, dispatch
from server.state import fold
from tests.server.fakes import Harness

VERBS = ["NICK", "USER", "JOIN", "PART", "PRIVMSG", "NOTICE", "TOPIC", "MODE", "KICK", "NAMES",
         "WHO", "WHOIS", "LIST", "AWAY", "PING", "PONG", "CAP", "PASS", "QUIT", "MOTD", "LUSERS"]
WORDS = ["#a", "#b", "&c", "#a,#b", "a", "b", "c", "A", "a,b", "+o", "-o", "+v", "+ntms", "-t",
         "+i", "0", "*", "LS", "END", "REQ", "x", "", "+ov-v", "9bad", "#"]

one_line = st.text(max_size=20).filter(lambda t: "\r" not in t and "\n" not in t)
word = st.one_of(st.sampled_from(WORDS).filter(bool), one_line.filter(bool))
line = st.builds(
    lambda verb, params, trailing: " ".join([verb, *params]) + (f" :{trailing}" if trailing else ""),
    st.sampled_from(VERBS),
    st.lists(word, max_size=4),
    st.one_of(st.none(), one_line),
)
step = st.tuples(st.integers(min_value=0, max_value=2), line)


def check_invariants(h: Harness) -> None:
    state = h.state
    for key, client in state.nicks.items():
        assert key == fold(client.nick) and client in state.clients
    for key, channel in state.channels.items():
        assert channel.members, f"empty channel {key} kept"
        for member in channel.members:
            assert member.channels.get(key) is channel and member in state.clients
    for client in state.clients:
        for key, channel in client.channels.items():
            assert state.channels.get(key) is channel and client in channel.members


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "80")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=40))
def test_fuzz_random_commands_never_crash_or_corrupt_state(steps):
    h = Harness()
    clients = [h.connect("a"), h.connect("b"), h.connect()]
    for index, text in steps:
        client = clients[index]
        if client.gone:
            continue
        ctx = dispatch(h.state, client, LineDecoder().feed(text.encode() + b"\r\n"))
        ctx.out.flush()
        if ctx.close_reason:
            disconnect(h.state, client, ctx.close_reason).flush()
        for other in clients:
            h.outbox(other).take()  # every line the server wrote parses back
        check_invariants(h)
    assert h.bugs == []
