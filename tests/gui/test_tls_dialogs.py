"""The real window and controller against the real server's TLS port: the certificate dialog
answered both ways (Trust connects and pins; Don't trust brings the connect dialog back and
nothing is pinned), and the connect dialog's TLS and password fields reaching the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.controllers.client import start_client
from app.models.settings import ConnectParams, SettingsStore
from app.models.trust import server_key
from app.views.conversations import kind
from app.views.dialogs import CertificateDialog, ConnectDialog, ModalDialog
from app.views.window import ChatWindow
from server import config, tcp, tls
from tests.app.views.realview import close_real_view, make_real_view
from tests.gui.driver import enter, pick_conversation, when_dialog
from tests.gui.live import run_until_closed, wait_until

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]
PASSWORD = "lan party"


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[object]:
    with tcp.start_server_thread(config.ServerConfig(
            host="127.0.0.1", port=0, tls_port=0, data_dir=str(tmp_path / "server"),
            password=PASSWORD)) as srv:
        yield srv


def server_conversation(view: ChatWindow) -> str:
    """The name of the conversation holding the server's own lines ('' while there is none)."""
    return next((c.name for c in view.listed_conversations if kind(c) == "server"), "")


def test_gui_certificate_dialog_trust_connects_and_pins(tls_server, tmp_path: Path) -> None:
    view = make_real_view("full")
    store = SettingsStore(tmp_path / "config")
    failures: list[str] = []
    seen: list[tuple[str, str]] = []
    host, port = tls_server.tls_address

    def trust(dialog: ModalDialog) -> None:
        assert isinstance(dialog, CertificateDialog)
        seen.append((dialog.server, dialog.fingerprint))
        dialog.trust_button.invoke()

    when_dialog(view, trust, failures)
    controller = start_client(view, params=ConnectParams(host, port, "alice", True, PASSWORD),
                              settings_store=store)
    try:
        wait_until(view, lambda: view.status == "connected", "connected over TLS")
        expected = tls.fingerprint(tmp_path / "server" / tls.CERT_NAME)
        assert failures == [] and seen == [(server_key(host, port), expected)]
        assert store.load().pins == {server_key(host, port): expected}
        # what happened before joining a channel is in the server's own conversation
        wait_until(view, lambda: server_conversation(view) != "", "the server's own lines")
        pick_conversation(view, server_conversation(view))
        wait_until(view, lambda: any("not seen before" in line for line in view.log_lines),
                   "the certificate question in the server's lines")
        assert any("Trusted the certificate" in line for line in view.log_lines)
        assert view.title.endswith(f"LocalChat — alice @ {host}:{port}")
    finally:
        controller.shut_down()
        close_real_view(view)


def test_gui_certificate_dialog_dont_trust_brings_the_connect_dialog_back(
        tls_server, tmp_path: Path) -> None:
    view = make_real_view("full")
    store = SettingsStore(tmp_path / "config")
    failures: list[str] = []
    errors: list[str] = []
    host, port = tls_server.tls_address

    def read_then_cancel(dialog: ModalDialog) -> None:
        assert isinstance(dialog, ConnectDialog)
        errors.append(dialog.error)
        assert dialog.tls_var.get() and dialog.port_var.get() == str(port)
        dialog.cancel_button.invoke()

    def dont_trust(dialog: ModalDialog) -> None:
        assert isinstance(dialog, CertificateDialog)
        enter(dialog)  # Enter answers no: the focus starts on Don't trust
        when_dialog(view, read_then_cancel, failures)

    when_dialog(view, dont_trust, failures)
    controller = start_client(view, params=ConnectParams(host, port, "alice", True, PASSWORD),
                              settings_store=store)
    try:
        run_until_closed(view)
        assert failures == []
        assert errors == [f"You did not trust the certificate of {server_key(host, port)}; "
                          "not connected"]
        assert store.load().pins == {}
        assert controller.closed
    finally:
        controller.shut_down()
        close_real_view(view)


def test_gui_connect_dialog_fields_reach_the_tls_server(tls_server, tmp_path: Path) -> None:
    view = make_real_view("compact")
    store = SettingsStore(tmp_path / "config")
    failures: list[str] = []
    host, port = tls_server.tls_address

    def fill(dialog: ModalDialog) -> None:
        assert isinstance(dialog, ConnectDialog)
        dialog.host_var.set(host)
        dialog.port_var.set(str(port))
        dialog.nick_var.set("carol")
        dialog.tls_check.invoke()
        dialog.password_entry.insert(0, PASSWORD)
        dialog.remember_check.invoke()
        when_dialog(view, lambda cert: cert.trust_button.invoke(), failures)
        enter(dialog)

    when_dialog(view, fill, failures)
    controller = start_client(view, params=None, settings_store=store)
    try:
        wait_until(view, lambda: view.status == "connected", "connected over TLS")
        assert failures == []
        saved = store.load()
        assert (saved.port, saved.tls, saved.password, saved.remember_password) == (
            port, True, PASSWORD, True)
        assert not any(PASSWORD in line for line in view.log_lines)
    finally:
        controller.shut_down()
        close_real_view(view)
