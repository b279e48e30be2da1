"""Random command sequences never crash a handler or break the state; a live server survives
generated lines and byte streams, then still chats and is back to its baseline thread count."""

from __future__ import annotations

import os
import threading
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ircproto.framing import LineDecoder
from server.commands import disconnect, dispatch
from server.state import fold
from server.tcp import start_server_thread
from tests.server.conftest import config
from tests.server.fakes import Harness
from tests.server.ircclient import RawClient

VERBS = ["NICK", "USER", "JOIN", "PART", "PRIVMSG", "NOTICE", "TOPIC", "MODE", "KICK", "NAMES",
         "WHO", "WHOIS", "LIST", "AWAY", "PING", "PONG", "CAP", "PASS", "QUIT", "MOTD", "LUSERS"]
WORDS = ["#a", "#b", "&c", "#a,#b", "a", "b", "c", "A", "a,b", "+o", "-o", "+v", "+ntms", "-t",
         "+i", "0", "*", "LS", "END", "REQ", "x", "", "+ov-v", "9bad", "#"]

one_line = st.text(max_size=20).filter(lambda t: "\r" not in t and "\n" not in t)
word = st.one_of(st.sampled_from(WORDS).filter(bool), one_line.filter(bool))
line = st.builds(
    lambda verb, params, trailing: (
        " ".join([verb, *params]) + (f" :{trailing}" if trailing else "")
    ),
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


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "80")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
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


# --- a live server on port 0 against generated lines and byte streams ----------------------

raw_line = st.builds(
    lambda verb, params: (" ".join([verb, *params])).encode("utf-8", "surrogatepass"),
    st.sampled_from([*VERBS, "PRIVMSG", "FOO", "@a=b PRIVMSG", ":src NICK"]),
    st.lists(word, max_size=4),
)
chunk = st.one_of(
    st.binary(max_size=300),  # random bytes: bad UTF-8, NUL, CR, LF anywhere
    raw_line.map(lambda line: line + b"\r\n"),
    st.sampled_from([b"\r\n", b"\n", b"\x00\r\n", b"\xff\xfe\r\n", b"x" * 9000, b"@" * 9000]),
)


def client_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("irc-client-")]


def test_fuzz_live_server_survives_generated_input_then_chats_and_leaks_no_threads():
    with start_server_thread(config()) as handle:
        baseline = threading.active_count()

        @settings(max_examples=int(os.environ.get("FUZZ_LIVE_EXAMPLES", "40")), deadline=None,
                  derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(st.lists(chunk, max_size=8))
        def throw(chunks: list[bytes]) -> None:
            with RawClient(handle.server_address) as client:
                try:
                    for data in chunks:
                        client.send_raw(data)
                    client.send_raw(b"\r\nPING :alive\r\n")
                except OSError:  # the server may end it (QUIT, a runaway line): then it must
                    pass  # have said why, below
                while True:  # each read has a deadline: PONG, or ERROR and the close
                    message = client.expect(timeout=3)
                    if message.command == "PONG" and message.params[-1] == "alive":
                        break
                    if message.command == "ERROR":
                        client.expect_closed()
                        break

        throw()
        with RawClient(handle.server_address) as alice, RawClient(handle.server_address) as bob:
            alice.register("alice")
            bob.register("bob")
            alice.expect(command="JOIN", source="bob!bob@127.0.0.1")
            alice.send("PRIVMSG #lobby :still here")
            assert bob.expect(command="PRIVMSG").params == ("#lobby", "still here")
        deadline = time.monotonic() + 5
        while (client_threads() or threading.active_count() > baseline) \
                and time.monotonic() < deadline:
            time.sleep(0.02)
        assert client_threads() == []
        assert threading.active_count() == baseline
        with handle.state.lock:
            assert handle.state.clients == set()
