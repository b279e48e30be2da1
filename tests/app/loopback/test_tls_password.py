"""The real client stack (Connection + Session + controller, FakeView) against the LocalChat
server's TLS port and server password on 127.0.0.1: trust on first use pins the server's real
fingerprint, the pin is used silently later (also on reconnect), a changed pin is refused, a
wrong password brings the dialog back, and typed line breaks never inject a command."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.controllers.connector import WRONG_PASSWORD
from app.models.settings import SettingsStore
from app.models.trust import server_key
from server import config, tcp, tls
from tests.app.loopback.conftest import pump_until
from tests.interop.rawclient import RawClient

PASSWORD = "lan party"


def start_server(data_dir: Path, port: int = 0, tls_port: int = 0, password: str | None = None):
    return tcp.start_server_thread(config.ServerConfig(
        host="127.0.0.1", port=port, tls_port=tls_port, data_dir=str(data_dir),
        password=password, accounts_db=str(data_dir / "accounts.sqlite3")))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[object]:
    with start_server(tmp_path / "server", password=PASSWORD) as srv:
        yield srv


def server_fingerprint(data_dir: Path) -> str:
    return tls.fingerprint(data_dir / tls.CERT_NAME)


def test_loopback_tls_first_use_pins_the_real_fingerprint_then_goes_silent(
        server, clients, tmp_path):
    address = server.tls_address
    alice, view = clients.online(address, "alice", tls=True, password=PASSWORD, trust=(True,))
    expected = server_fingerprint(tmp_path / "server")
    assert view.called("confirm_certificate") == [(server_key(*address), expected)]
    store = SettingsStore(tmp_path / "alice")
    assert store.load().pins == {server_key(*address): expected}
    alice.on_send("/quit bye")
    again, again_view = clients.start(address, "alice", tls=True, password=PASSWORD)
    pump_until([again_view], lambda: again.online, "the second TLS connection")
    assert again_view.called("confirm_certificate") == []  # pinned: not asked again


def test_loopback_tls_client_and_plain_peer_talk(server, clients):
    alice, view = clients.online(server.tls_address, "alice", tls=True, password=PASSWORD,
                                 trust=(True,))
    with RawClient(server.server_address) as bob:
        bob.send(f"PASS :{PASSWORD}")
        bob.register("bob")
        bob.join("#lobby")
        alice.on_send("hello over TLS\r\nQUIT :injected")
        lines = [bob.expect("PRIVMSG").param(1), bob.expect("PRIVMSG").param(1)]
        assert lines == ["hello over TLS", "QUIT :injected"]
        bob.send("PRIVMSG #lobby :hi alice")
        pump_until([view], lambda: "hi alice" in view.texts(), "alice to hear bob")
    assert alice.online


def test_loopback_tls_changed_certificate_is_refused(server, clients, tmp_path):
    address = server.tls_address
    store = SettingsStore(tmp_path / "alice")
    other = ":".join(["00"] * 32)
    assert store.update(pins={server_key(*address): other})
    controller, view = clients.start(address, "alice", answers=(None,), tls=True,
                                     password=PASSWORD)
    pump_until([view], lambda: view.closed, "the connect dialog to come back")
    [(_, warning)] = view.called("ask_connection")
    assert "CHANGED" in warning and "00:00:00" in warning
    assert server_fingerprint(tmp_path / "server")[:47] in warning
    assert store.load().pins == {server_key(*address): other}
    assert not controller.online


def test_loopback_tls_declined_certificate_sends_nothing(server, clients):
    controller, view = clients.start(server.tls_address, "alice", answers=(None,), tls=True,
                                     password=PASSWORD, trust=(False,))
    pump_until([view], lambda: view.closed, "the connect dialog to come back")
    [(_, reason)] = view.called("ask_connection")
    assert reason.startswith("You did not trust the certificate")
    assert not controller.online
    with RawClient(server.server_address) as peer:  # the nick alice was never taken
        peer.send(f"PASS :{PASSWORD}")
        assert peer.register("alice").param(0) == "alice"


def test_loopback_wrong_password_brings_the_dialog_back_then_the_right_one_works(
        server, clients, tmp_path):
    controller, view = clients.start(server.server_address, "alice", password="guess")
    shown: list[object] = []

    def answer_once(defaults, error=""):
        shown.append((defaults, error))
        return replace(defaults, password=PASSWORD, remember_password=True)

    view.ask_connection = answer_once  # answer like a user typing the right password
    pump_until([view], lambda: controller.online, "registration with the right password")
    [(defaults, error)] = shown
    assert error == WRONG_PASSWORD and defaults.password == "" and defaults.nick == "alice"
    saved = clients.store("alice").load()
    assert (saved.password, saved.remember_password) == (PASSWORD, True)
    assert PASSWORD not in " ".join(view.texts())


def test_loopback_tls_reconnects_with_the_pin_and_password_after_a_restart(clients, tmp_path):
    data = tmp_path / "server"
    srv = start_server(data, password=PASSWORD)
    try:
        plain, secure = srv.server_address, srv.tls_address
        alice, view = clients.online(secure, "alice", tls=True, password=PASSWORD,
                                     trust=(True,))
        srv.stop()
        pump_until([view], lambda: view.status[0] == "disconnected", "the loss to show")
        srv = start_server(data, port=plain[1], tls_port=secure[1], password=PASSWORD)
        pump_until([view], lambda: alice.online and alice.current == "#lobby",
                   "alice to reconnect over TLS")
        assert len(view.called("confirm_certificate")) == 1  # the pin, not a new question
        assert any(t.startswith("Reconnected to") for t in view.texts())
    finally:
        srv.stop()


def test_loopback_tls_to_the_plain_port_fails_with_a_hint(server, clients):
    _, view = clients.start(server.server_address, "alice", answers=(None,), tls=True,
                            password=PASSWORD)
    pump_until([view], lambda: view.closed, "the connect dialog to come back", deadline=20.0)
    [(_, reason)] = view.called("ask_connection")
    assert "TLS handshake" in reason and "is it a TLS port?" in reason
    assert view.called("confirm_certificate") == []


def test_loopback_plain_client_on_the_tls_port_is_told_to_use_tls(server, clients):
    _, view = clients.start(server.tls_address, "alice", answers=(None,),
                            password=PASSWORD)
    pump_until([view], lambda: view.closed, "the connect dialog to come back", deadline=20.0)
    [(_, reason)] = view.called("ask_connection")
    assert reason.endswith("before saying anything; if that is a TLS port, tick Use TLS")
