"""Identity with the real client stack (Connection + Session + controller, FakeView, each device
its own keyring) against the LocalChat server on 127.0.0.1 port 0: the first connect registers
the nick and stores its password, the next one logs in with SASL, a fresh device is sent back
to the dialog with a free variant, a second device logs in with a typed password, /passwd
changes it for the next connect, and with registration closed everything works as a guest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.controllers import ClientController
from app.models.conversations import STATUS
from app.models.trust import server_key
from server import config, tcp
from tests.app.loopback.conftest import Clients, pump_until


@pytest.fixture
def server() -> Iterator[tcp.ServerHandle]:
    with tcp.start_server_thread(config.ServerConfig(host="127.0.0.1", port=0)) as srv:
        yield srv


def account_of(server: tcp.ServerHandle, nick: str) -> str | None:
    """The account the server has nick's connection logged in to (None: a guest)."""
    with server.state.lock:
        client = server.state.find_nick(nick)
        return client.account if client is not None else None


def leave(server: tcp.ServerHandle, controller: ClientController, nick: str) -> None:
    """Quit, and wait until the server has let nick go."""
    controller.shut_down("bye")
    assert controller.wait_closed(5.0)
    pump_until([], lambda: not nick_taken(server, nick), f"the server to free {nick}")


def nick_taken(server: tcp.ServerHandle, nick: str) -> bool:
    with server.state.lock:
        return server.state.find_nick(nick) is not None


def status_texts(controller: ClientController) -> list[str]:
    """The server's lines (the status conversation) the client showed."""
    found = controller.conversations.get(STATUS)
    return [entry.text for entry in found.entries()] if found else []


def stored(clients: Clients, device: str, server: tcp.ServerHandle, nick: str) -> str | None:
    return clients.store(device).credentials.get(server_key(*server.server_address), nick)


def test_first_connect_registers_then_every_connect_logs_in_with_sasl(server, clients):
    alice, view = clients.online(server.server_address, "alice")
    password = stored(clients, "alice", server, "alice")
    assert password and len(password) >= 40
    assert alice.session.account == "alice" and account_of(server, "alice") == "alice"
    assert [a.name for a in server.state.accounts.accounts()] == ["alice"]
    assert view.called("ask_connection") == []
    leave(server, alice, "alice")
    again, again_view = clients.online(server.server_address, "alice")
    assert again.session.account == "alice" and account_of(server, "alice") == "alice"
    assert "Logged in as alice" in status_texts(again)
    assert not any("Created the account" in text for text in status_texts(again))
    assert stored(clients, "alice", server, "alice") == password
    assert again_view.called("ask_connection") == []


def test_a_fresh_device_with_a_registered_nick_gets_the_dialog_with_a_free_variant(
        server, clients):
    alice, _ = clients.online(server.server_address, "alice")
    alice.on_send("/msg bob the door code is 4711")
    leave(server, alice, "alice")
    impostor, view = clients.start(server.server_address, "alice", answers=(None,),
                                   device="impostor")
    pump_until([view], lambda: view.closed, "the connect dialog to come back")
    [(shown, error)] = view.called("ask_connection")
    assert "The name alice belongs to someone else" in error
    assert shown.nick == "alice2" and shown.account_password == ""
    assert not impostor.online and impostor.conversations.get("bob") is None
    assert stored(clients, "impostor", server, "alice") is None
    assert not nick_taken(server, "alice")


def test_the_suggested_variant_connects_and_registers_itself(server, clients):
    alice, _ = clients.online(server.server_address, "alice")
    leave(server, alice, "alice")
    other, view = clients.start(server.server_address, "alice", device="other")
    view.ask_connection = lambda defaults, error="": defaults  # take the suggestion
    pump_until([view], lambda: other.online and other.current == "#lobby", "alice2 online")
    assert other.session.nick == "alice2" and account_of(server, "alice2") == "alice2"
    assert stored(clients, "other", server, "alice2")


def test_passwd_then_a_second_device_logs_in_with_it_and_the_first_uses_the_new_one(
        server, clients):
    alice, view = clients.online(server.server_address, "alice")
    alice.on_send("/passwd my-own-password")
    pump_until([view], lambda: stored(clients, "alice", server, "alice") == "my-own-password",
               "the new password to be stored")
    assert any(text.startswith("Password changed") for text in view.texts() + status_texts(alice))
    leave(server, alice, "alice")
    laptop, laptop_view = clients.online(server.server_address, "alice", device="laptop",
                                         account_password="my-own-password")
    assert laptop.session.account == "alice" and account_of(server, "alice") == "alice"
    assert stored(clients, "laptop", server, "alice") == "my-own-password"
    assert laptop_view.called("ask_connection") == []
    leave(server, laptop, "alice")
    again, _ = clients.online(server.server_address, "alice")  # the first device again
    assert again.session.account == "alice"


def test_a_wrong_typed_password_brings_the_dialog_back(server, clients):
    alice, _ = clients.online(server.server_address, "alice")
    leave(server, alice, "alice")
    laptop, view = clients.start(server.server_address, "alice", answers=(None,),
                                 device="laptop", account_password="not-the-password")
    pump_until([view], lambda: view.closed, "the connect dialog to come back")
    [(shown, error)] = view.called("ask_connection")
    assert "refused the password for the account alice" in error
    assert shown.nick == "alice" and shown.account_password == ""
    assert stored(clients, "laptop", server, "alice") is None and not laptop.online


def test_with_registration_closed_the_client_is_a_guest_as_before(clients):
    closed = config.ServerConfig(host="127.0.0.1", port=0, registration="closed")
    with tcp.start_server_thread(closed) as srv:
        bob, view = clients.online(srv.server_address, "bob")
        assert bob.session.account == "" and account_of(srv, "bob") is None
        assert stored(clients, "bob", srv, "bob") is None
        assert view.called("ask_connection") == []
        assert any("Not registered" in text for text in status_texts(bob))


def test_two_devices_of_one_account_are_online_at_once(server, clients):
    alice, view = clients.online(server.server_address, "alice")
    alice.on_send("/passwd two-devices-pw")
    pump_until([view], lambda: stored(clients, "alice", server, "alice") == "two-devices-pw",
               "the new password to be stored")
    laptop, laptop_view = clients.online(server.server_address, "alice", device="laptop",
                                         account_password="two-devices-pw")
    assert laptop.session.nick == "alice" and laptop.session.account == "alice"
    assert alice.online and laptop_view.called("ask_connection") == []


def everything_shown(controller: ClientController) -> list[str]:
    """The text of every line in every conversation the window holds."""
    return [entry.text for found in controller.conversations for entry in found.entries()]


def test_an_impostor_window_gets_neither_the_nick_nor_the_history(server, clients):
    """The impostor of the issue, with real windows: bob's private message from carol is read by
    nobody but bob's own device, which sees it exactly once when it comes back."""
    bob, bob_view = clients.online(server.server_address, "bob")
    carol, _ = clients.online(server.server_address, "carol")
    carol.on_send("/msg bob bob, the door code is 4711")
    pump_until([bob_view], lambda: any("4711" in text for text in everything_shown(bob)),
               "bob to receive the door code")
    leave(server, bob, "bob")

    impostor, view = clients.start(server.server_address, "bob", device="impostor")
    view.ask_connection = lambda defaults, error="": defaults  # takes the suggested name
    pump_until([view], lambda: impostor.caught_up, "the impostor to be online and caught up")
    assert impostor.session.nick == "bob2" and account_of(server, "bob") is None
    assert not any("4711" in text for text in everything_shown(impostor))
    assert impostor.conversations.get("carol") is None

    again, again_view = clients.online(server.server_address, "bob")  # bob's own device
    pump_until([again_view], lambda: again.caught_up, "bob to catch up")
    assert again.session.nick == "bob" and account_of(server, "bob") == "bob"
    conversation = again.conversations.get("carol")
    assert conversation is not None
    assert [e.text for e in conversation.entries()].count("bob, the door code is 4711") == 1
