"""The thread stack `python -m server` gives its threads (server.listener.THREAD_STACK_SIZE) holds
the deepest handler paths with room to spare: a server whose threads were started with it serves
a TLS handshake, SASL SCRAM-SHA-256 and PLAIN (argon2id, the real cost), a 4 KB multiline batch
and SEARCH, while the deepest use of any of its stacks is measured from /proc/self/mem (a new
stack is zeroes: its lowest non-zero byte is as deep as it ever went)."""

from __future__ import annotations

import base64
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import scramp

from server.listener import THREAD_STACK_SIZE, use_small_thread_stacks
from server.tcp import ServerHandle, start_server_thread
from server.tls import CERT_NAME
from tests.server.conftest import config
from tests.server.fakes import FAST_HASHER, PASSWORD
from tests.server.ircclient import RawClient
from tests.server.test_tls import tls_client

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads the stacks through /proc/self")
CAPS = "sasl batch draft/multiline message-tags server-time echo-message soju.im/search"
MARGIN = 8  # the stack must be at least this many times the deepest use measured


def stack_spans(size: int) -> list[tuple[int, int]]:
    """Where the thread stacks of this size are: each just above its guard page (a mapping
    with no access); the writable mapping may go on past it, merged with its neighbour."""
    spans, guard_end = [], None
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            start, end = (int(part, 16) for part in fields[0].split("-"))
            anonymous = len(fields) == 5
            if anonymous and fields[1].startswith("rw") and start == guard_end \
                    and end - start >= size:
                spans.append((start, start + size))
            guard_end = end if anonymous and fields[1] == "---p" and end - start <= 65536 else None
    return spans


def stack_depths(size: int) -> list[int]:
    """How deep each thread stack of this size has been used, in bytes from its top."""
    depths = []
    with open("/proc/self/mem", "rb") as mem:
        for start, end in stack_spans(size):
            mem.seek(start)
            depths.append(len(mem.read(end - start).lstrip(b"\0")))
    return depths


@pytest.fixture
def small_stacks() -> Iterator[None]:
    before = threading.stack_size()  # (asking sets it to the default, 0)
    use_small_thread_stacks()
    try:
        yield
    finally:
        threading.stack_size(before)


def scram_log_in(client: RawClient, nick: str) -> None:
    client.send("CAP LS 302")
    client.send(f"CAP REQ :{CAPS}")
    client.expect(command="CAP", params=["*", "ACK"])
    client.send(f"NICK {nick}")
    client.send(f"USER {nick} 0 * :{nick}")
    scram = scramp.ScramClient(["SCRAM-SHA-256"], nick, PASSWORD)
    client.send("AUTHENTICATE SCRAM-SHA-256")
    client.expect(command="AUTHENTICATE", params=["+"])
    client.send(f"AUTHENTICATE {b64(scram.get_client_first())}")
    scram.set_server_first(unb64(client.expect(command="AUTHENTICATE").params[0]))
    client.send(f"AUTHENTICATE {b64(scram.get_client_final())}")
    scram.set_server_final(unb64(client.expect(command="AUTHENTICATE").params[0]))
    client.send("AUTHENTICATE +")
    client.expect(command="903")
    client.send("CAP END")
    client.expect(command="376")


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode("ascii")


def unb64(text: str) -> str:
    return base64.b64decode(text).decode()


def deepest_paths(handle: ServerHandle, tmp_path: Path) -> None:
    assert handle.tls_address is not None
    accounts = handle.state.accounts
    accounts.create("bob", PASSWORD)  # argon2id at its real cost: bob's PLAIN verifies it
    accounts._hasher = FAST_HASHER
    accounts.create("alice", PASSWORD)  # SCRAM uses the stored verifier, not argon2
    with tls_client(handle.tls_address, tmp_path / CERT_NAME) as alice, \
            RawClient(handle.server_address) as bob:
        scram_log_in(alice, "alice")
        bob.log_in("bob", "bob", PASSWORD, CAPS.removeprefix("sasl "))
        lines = [f"line {i} " + "x" * 390 for i in range(10)]  # 4,060 bytes of text
        alice.send("BATCH +ml draft/multiline #lobby")
        for line in lines:
            alice.send(f"@batch=ml PRIVMSG #lobby :{line}")
        alice.send("BATCH -ml")
        opened = bob.expect(command="BATCH")
        assert opened.params[1:] == ("draft/multiline", "#lobby")
        got = [message.params[1] for message in bob.collect_until("BATCH")[:-1]]
        assert got == lines
        alice.send("PRIVMSG #lobby :a needle in the history")
        alice.expect(command="PRIVMSG", params=["#lobby", "a needle in the history"])  # stored
        bob.send("SEARCH text=needle")
        assert bob.expect(command="BATCH").params[1:] == ("soju.im/search",)
        found = bob.collect_until("BATCH")[:-1]
        assert [message.params[-1] for message in found] == ["a needle in the history"]
        depths = stack_depths(THREAD_STACK_SIZE)
    deepest = max(depths)
    print(f"{len(depths)} stacks of {THREAD_STACK_SIZE // 1024} KiB, deepest use {deepest} B")
    assert len(depths) >= 4  # the two readers, the writer, liveness, accept threads
    assert deepest * MARGIN <= THREAD_STACK_SIZE, (deepest, sorted(depths))


def test_stack_size_holds_the_deepest_handler_paths(small_stacks: None, tmp_path: Path):
    with start_server_thread(config(tls_port=0, data_dir=str(tmp_path))) as handle:
        deepest_paths(handle, tmp_path)
