"""The real client stack (Connection + Session + controller, FakeView) against the LocalChat
server on 127.0.0.1 port 0: talking, user lists, nick collision, reconnect after a restart."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.models.log import EntryKind
from app.views.base import Conversation
from server import config, tcp
from tests.app.loopback.conftest import pump_until


def start_server(port: int = 0, accounts: str = ":memory:"):
    return tcp.start_server_thread(config.ServerConfig(host="127.0.0.1", port=port,
                                                       accounts_db=accounts))


@pytest.fixture
def server() -> Iterator[object]:
    with start_server() as srv:
        yield srv


def got(view, sender: str, text: str) -> bool:
    return any(e.sender == sender and e.text == text for e in view.entries)


def test_loopback_two_clients_talk_in_lobby(server, clients):
    alice, alice_view = clients.online(server.server_address, "alice")
    bob, bob_view = clients.online(server.server_address, "bob")
    alice.on_send("hello bob")
    pump_until([alice_view, bob_view], lambda: got(bob_view, "alice", "hello bob"), "bob to hear")
    entry = next(e for e in bob_view.entries if e.text == "hello bob")
    assert (entry.target, entry.kind, entry.own) == ("#lobby", EntryKind.CHAT, False)
    bob.on_send("/me waves back")
    pump_until([alice_view, bob_view], lambda: got(alice_view, "bob", "waves back"), "action")
    bob.on_send("/msg alice psst")
    def chat():
        return alice.conversations.get("bob")

    pump_until([alice_view, bob_view], lambda: chat() is not None and any(
        e.text == "psst" for e in chat().entries()), "private msg")
    private = next(e for e in chat().entries() if e.text == "psst")
    assert private.private and private.target == "bob" and private.msgid
    assert Conversation("bob", 1, True) in alice_view.conversations
    alice.on_switch("bob")
    assert alice_view.current == "bob" and alice_view.first_unread == len(alice_view.entries) - 1


def test_loopback_long_message_arrives_whole_in_pieces(server, clients):
    alice, alice_view = clients.online(server.server_address, "alice")
    _, bob_view = clients.online(server.server_address, "bob")
    words = [f"wörd{n}" for n in range(250)]
    alice.on_send(" ".join(words))
    def heard():
        return [e.text for e in bob_view.entries if e.sender == "alice"]

    pump_until([alice_view, bob_view], lambda: " ".join(heard()).split() == words, "all pieces")
    assert len(heard()) >= 3
    assert not any(e.kind is EntryKind.ERROR for e in alice_view.entries + bob_view.entries)


def test_loopback_user_list_follows_joins_and_quits(server, clients):
    alice, alice_view = clients.online(server.server_address, "alice")
    bob, bob_view = clients.online(server.server_address, "bob")
    def nicks(view):
        return sorted(u.nick for u in view.users)

    pump_until([alice_view, bob_view], lambda: nicks(alice_view) == ["alice", "bob"], "bob in list")
    assert nicks(bob_view) == ["alice", "bob"]
    bob.on_send("/quit bye")
    pump_until([alice_view], lambda: nicks(alice_view) == ["alice"], "bob to leave the list")
    alice.on_users()
    assert [u.nick for u in alice_view.shown_users[-1]] == ["alice"]


def test_loopback_nick_collision_brings_the_dialog_back(server, clients):
    clients.online(server.server_address, "alice")  # alice's client registered the nick
    _, view = clients.start(server.server_address, "Alice", answers=(None,))
    pump_until([view], lambda: view.closed, "the dialog to come back")
    [(shown, error)] = view.called("ask_connection")
    assert shown.nick == "Alice2" and "Alice belongs to someone else" in error


def test_loopback_nick_collision_of_guests_brings_the_dialog_back(clients):
    with tcp.start_server_thread(config.ServerConfig(host="127.0.0.1", port=0,
                                                     registration="closed")) as srv:
        clients.online(srv.server_address, "alice")
        _, view = clients.start(srv.server_address, "Alice", answers=(None,))
        pump_until([view], lambda: view.closed, "the dialog to come back")
        [(shown, error)] = view.called("ask_connection")
        assert shown.nick == "Alice" and "Alice" in error and "in use" in error.lower()


def test_loopback_reconnects_after_server_restart_on_same_port(clients, tmp_path):
    accounts = str(tmp_path / "accounts.sqlite3")  # alice's account survives the restart
    srv = start_server(accounts=accounts)
    try:
        address = srv.server_address
        alice, view = clients.online(address, "alice")
        alice.on_send("/join #dev")
        pump_until([view], lambda: alice.current == "#dev", "alice to join #dev")
        srv.stop()
        pump_until([view], lambda: view.status[0] == "disconnected", "the loss to show")
        assert any("Reconnecting in 1 s" in text for text in view.texts())
        srv = start_server(address[1], accounts)
        pump_until([view], lambda: alice.online and len(alice.session.channels()) == 2,
                   "alice to reconnect and rejoin")
        assert sorted(alice.session.channels()) == ["#dev", "#lobby"]
        assert any(t.startswith("Reconnected to") for t in view.texts())
        assert view.identity[0] == "alice"
    finally:
        srv.stop()
