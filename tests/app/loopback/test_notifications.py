"""Notifications with the real client stack and the LocalChat server: a private message and a
mention notify; a mention caught up on after a reconnect (replayed history) is marked but does
not notify, and neither does what we say ourselves. (A private message to someone offline is
refused with 401 on IRC, so there is no private line to catch up on.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.controllers import ClientController
from server import config, tcp
from tests.app.loopback.conftest import Clients, pump_until
from tests.fakes import FakeNotifier


@pytest.fixture
def server() -> Iterator[tcp.ServerHandle]:
    with tcp.start_server_thread(config.ServerConfig(host="127.0.0.1", port=0)) as srv:
        yield srv


def heard(controller: ClientController, name: str, text: str) -> bool:
    found = controller.conversations.get(name)
    return found is not None and any(e.text == text for e in found.entries())


def test_notifications_live_lines_notify_and_caught_up_ones_do_not(server, clients: Clients):
    notifier = FakeNotifier()
    alice, alice_view = clients.online(server.server_address, "alice", notifier=notifier)
    alice_view.focused = False
    bob, bob_view = clients.online(server.server_address, "bob")
    pump_until([alice_view, bob_view], lambda: bool(alice.session and alice.session.account),
               "alice to be logged in")
    alice.on_send("/join #dev")
    bob.on_send("/join #dev")
    pump_until([alice_view, bob_view], lambda: {"alice", "bob"} <= {
        u.nick for u in alice.session.users("#dev")}, "both in #dev")
    bob.on_send("/msg alice are you there?")
    bob.on_send("/msg #lobby Alice: standup?")
    pump_until([alice_view, bob_view], lambda: len(notifier.alerts) == 2, "two notifications")
    assert [(a.title, a.body) for a in notifier.alerts] == [
        ("bob", "are you there?"), ("bob in #lobby", "Alice: standup?")]
    alice.on_send("/msg #lobby bob: on my way, alice here")
    pump_until([alice_view, bob_view], lambda: heard(bob, "#lobby", "bob: on my way, alice here"),
               "bob to hear alice")

    clients.cut(alice)
    pump_until([alice_view], lambda: alice_view.status[0] == "disconnected", "alice offline")
    bob.on_send("/msg #dev alice: missed this one")
    pump_until([bob_view], lambda: heard(bob, "#dev", "alice: missed this one"), "bob's echo")
    pump_until([alice_view, bob_view], lambda: alice.caught_up
               and heard(alice, "#dev", "alice: missed this one"), "alice to catch up",
               deadline=20)
    assert len(notifier.alerts) == 2  # nothing for the caught-up mention in #dev, or our own
    missed = alice.conversations.get("#dev").entries()[-1]
    assert missed.replayed and missed.mention

    carol, carol_view = clients.online(server.server_address, "carol")
    carol.on_send("/msg alice welcome back")  # (bob's chat notified moments ago: quiet)
    pump_until([alice_view, carol_view], lambda: len(notifier.alerts) == 3, "the live one")
    assert (notifier.alerts[-1].title, notifier.alerts[-1].body) == ("carol", "welcome back")
