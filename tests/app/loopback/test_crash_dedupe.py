"""A client that dies after sending but before reading the echo: the server stored the message, the
cache still holds it as unconfirmed. The restarted client shows it pending, the catch-up brings
it back from history, and it is NOT sent again; what was typed after it is sent once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server import config, tcp
from tests.app.loopback.conftest import Clients, pump_until
from tests.app.loopback.test_history import lines_from, pending, said_by


@pytest.fixture
def server() -> Iterator[object]:
    with tcp.start_server_thread(config.ServerConfig(host="127.0.0.1", port=0)) as srv:
        yield srv


def die(clients: Clients, controller) -> None:
    """The process dies here: what its cache had queued is on disk, then nothing more runs."""
    cache = controller.archive.cache
    assert cache is not None and cache.wait()
    cache.close()
    clients.cut(controller)


def test_crash_dedupe_sent_before_the_crash_comes_back_from_history_once(server, clients):
    address = server.server_address
    alice, alice_view = clients.online(address, "alice", cache=True)
    bob, bob_view = clients.online(address, "bob")
    bob.on_send("before")
    pump_until([alice_view, bob_view], lambda: lines_from(alice, "bob") == ["before"],
               "alice to hear bob")
    alice.on_send("stored, echo never read")  # sent; alice is not pumped again
    pump_until([bob_view], lambda: lines_from(bob, "alice") == ["stored, echo never read"],
               "the server to relay it")
    die(clients, alice)
    again, view = clients.start(address, "alice", cache=True)
    shown = [e for e in view.entries if e.own]
    assert [(e.text, e.pending) for e in shown] == [("stored, echo never read", True)]
    pump_until([view, bob_view], lambda: again.caught_up and pending(again) == 0,
               "the catch-up to confirm it")
    again.on_send("after the restart")
    pump_until([view, bob_view], lambda: lines_from(bob, "alice")[-1:] == ["after the restart"]
               and pending(again) == 0, "bob to hear the next line, alice its echo")
    assert lines_from(bob, "alice") == ["stored, echo never read", "after the restart"]
    mine = said_by(again, "alice")
    assert [e.text for e in mine] == ["stored, echo never read", "after the restart"]
    assert all(e.msgid and not e.pending for e in mine)
