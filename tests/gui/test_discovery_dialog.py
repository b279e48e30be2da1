"""The connect dialog in a real window lists servers announced on loopback (name, address, TLS
and password marks), picking one fills host, port and TLS, and a failure to browse is a quiet
note that leaves the typed address working; screenshots in light and dark, and of the trust
dialog comparing with the announced fingerprint."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from zeroconf import Zeroconf

from app.controllers.client import start_client
from app.models.discovery import DiscoveredServer, Discovery
from app.models.settings import ConnectParams, SettingsStore
from app.views.dialogs import CertificateDialog, ConnectDialog, ModalDialog
from app.views.serverlist import server_marks
from app.views.window import ChatWindow
from ircproto.dnssd import ServiceTxt
from server.config import ServerConfig
from server.tcp import ServerHandle, start_server_thread
from server.tls import CERT_NAME, fingerprint
from tests.app.views.realview import close_real_view, make_real_view
from tests.gui.driver import enter, escape, screenshot, when_dialog
from tests.gui.live import wait_until
from tests.gui.test_screenshots import check_shot

pytestmark = [pytest.mark.gui, pytest.mark.timeout(90)]
SEEN_DEADLINE = 12.0


@pytest.fixture
def announced(tmp_path: Path) -> Iterator[tuple[str, str, ServerHandle, ServerHandle]]:
    """Two servers on loopback: a plain one, and one with TLS and a password."""
    tag = uuid.uuid4().hex[:6]
    plain_name, tls_name = f"Team chat {tag}", f"Secure chat {tag}"
    with start_server_thread(ServerConfig(host="127.0.0.1", port=0, advertise=True,
                                          advertise_name=plain_name)) as plain, \
            start_server_thread(ServerConfig(
                host="127.0.0.1", port=0, tls_port=0, password="pw", advertise=True,
                advertise_name=tls_name, data_dir=str(tmp_path))) as secure:
        yield plain_name, tls_name, plain, secure


@pytest.fixture
def view() -> Iterator[ChatWindow]:
    window = make_real_view("full")
    window.discovery = Discovery(["127.0.0.1"])
    yield window
    window.discovery.stop()
    close_real_view(window)


def listed(dialog: ConnectDialog, *names: str) -> list[str]:
    """Run the dialog until the list shows every name; the names it shows then."""
    assert dialog.server_list is not None
    deadline = time.monotonic() + SEEN_DEADLINE
    while not set(names) <= {s.name for s in dialog.server_list.servers}:
        assert time.monotonic() < deadline, f"not listed: {names}"
        dialog.top.update()
        time.sleep(0.02)
    return [s.name for s in dialog.server_list.servers]


def pick(dialog: ConnectDialog, name: str) -> None:
    assert dialog.server_list is not None
    dialog.server_list.pick([s.name for s in dialog.server_list.servers].index(name))
    dialog.top.update()


def test_gui_the_connect_dialog_lists_and_picks_discovered_servers(
        announced, view: ChatWindow, tmp_path: Path) -> None:
    plain_name, tls_name, plain, secure = announced
    failures: list[str] = []
    shots: list[Path] = []
    rows: dict[str, tuple[str, str]] = {}

    def shoot(dialog: ModalDialog, name: str) -> None:
        shots.append(screenshot(dialog.top, name))
        check_shot(shots[-1], dialog.top)

    def list_pick_and_connect(theme: str) -> Callable[[ModalDialog], None]:
        def act(dialog: ModalDialog) -> None:
            assert isinstance(dialog, ConnectDialog) and dialog.server_list is not None
            listed(dialog, plain_name, tls_name)
            tree = dialog.server_list.tree
            for iid in tree.get_children():
                name, *rest = tree.item(iid, "values")
                rows[name] = tuple(rest)
            shoot(dialog, f"connect-dialog-discovered-{theme}")
            pick(dialog, plain_name)
            assert (dialog.host_var.get(), dialog.port_var.get(), dialog.tls_var.get()) == \
                ("127.0.0.1", str(plain.server_address[1]), False)
            pick(dialog, tls_name)
            shoot(dialog, f"connect-dialog-discovered-picked-{theme}")
            enter(dialog)
        return act

    when_dialog(view, list_pick_and_connect("light"), failures)
    answer = view.ask_connection(ConnectParams("192.0.2.9", 13333, "alice"))
    assert failures == []
    tls_port = secure.tls_address[1]
    assert answer == ConnectParams("127.0.0.1", tls_port, "alice", tls=True,
                                   announced_fingerprint=fingerprint(tmp_path / CERT_NAME))
    assert rows[plain_name] == (f"127.0.0.1:{plain.server_address[1]}", "")
    assert rows[tls_name][0] == f"127.0.0.1:{tls_port}"
    assert "TLS" in rows[tls_name][1] and "password" in rows[tls_name][1]
    view.theme_toggle.invoke()
    when_dialog(view, list_pick_and_connect("dark"), failures)
    assert view.ask_connection(ConnectParams("192.0.2.9", 13333, "alice")) == answer
    assert failures == [] and len(shots) == 4


def test_gui_a_typed_address_after_picking_has_no_announced_fingerprint(
        announced, view: ChatWindow) -> None:
    _, tls_name, _, _ = announced
    failures: list[str] = []

    def pick_then_type(dialog: ModalDialog) -> None:
        assert isinstance(dialog, ConnectDialog)
        listed(dialog, tls_name)
        pick(dialog, tls_name)
        dialog.host_var.set("localhost")
        enter(dialog)

    when_dialog(view, pick_then_type, failures)
    answer = view.ask_connection(ConnectParams("192.0.2.9", 13333, "alice"))
    assert failures == [] and answer is not None
    assert (answer.host, answer.tls, answer.announced_fingerprint) == ("localhost", True, "")


def test_gui_a_failure_to_browse_is_a_quiet_note_and_typing_still_connects() -> None:
    def no_multicast(_interfaces: object) -> Zeroconf:
        raise OSError(19, "No such device")

    window = make_real_view("full")
    window.discovery = Discovery(["127.0.0.1"], factory=no_multicast)
    failures: list[str] = []
    notes: list[str] = []

    def read_then_enter(dialog: ModalDialog) -> None:
        assert isinstance(dialog, ConnectDialog) and dialog.server_list is not None
        notes.append(dialog.server_list.note_var.get())
        shots = screenshot(dialog.top, "connect-dialog-discovery-failed")
        check_shot(shots, dialog.top)
        enter(dialog)

    try:
        when_dialog(window, read_then_enter, failures)
        answer = window.ask_connection(ConnectParams("192.0.2.9", 13333, "alice"))
    finally:
        close_real_view(window)
    assert failures == []
    assert answer == ConnectParams("192.0.2.9", 13333, "alice")
    assert "No such device" in notes[0] and "type an address" in notes[0]


@pytest.mark.parametrize("announced_fp, name, says", [
    ("AB", "certificate-dialog-announced-match", "matches"),
    ("CD", "certificate-dialog-announced-mismatch", "does NOT match"),
])
def test_gui_the_trust_dialog_compares_with_the_announced_fingerprint(
        announced_fp: str, name: str, says: str) -> None:
    window = make_real_view("full")
    failures: list[str] = []
    texts: list[str] = []
    presented = ":".join(["AB"] * 32)

    def read_then_refuse(dialog: ModalDialog) -> None:
        assert isinstance(dialog, CertificateDialog)
        texts.append(dialog.announcement)
        check_shot(screenshot(dialog.top, name), dialog.top)
        escape(dialog)

    try:
        when_dialog(window, read_then_refuse, failures)
        trusted = window.confirm_certificate("127.0.0.1:6697", presented,
                                             ":".join([announced_fp] * 32))
    finally:
        close_real_view(window)
    assert failures == [] and trusted is False  # it still asks; Escape answers no
    assert says in texts[0]


def test_server_marks() -> None:
    assert server_marks(DiscoveredServer("x", "h", 1)) == ""
    both = server_marks(DiscoveredServer("x", "h", 1, ServiceTxt(tls_port=2, password=True)))
    assert "TLS" in both and "password" in both


def test_gui_picking_a_discovered_tls_server_connects_and_the_certificate_matches(
        announced, view: ChatWindow, tmp_path: Path) -> None:
    _, tls_name, _, secure = announced
    failures: list[str] = []
    notes: list[str] = []

    def pick_and_connect(dialog: ModalDialog) -> None:
        assert isinstance(dialog, ConnectDialog)
        listed(dialog, tls_name)
        pick(dialog, tls_name)
        dialog.password_var.set("pw")
        when_dialog(view, trust, failures)
        enter(dialog)

    def trust(dialog: ModalDialog) -> None:
        assert isinstance(dialog, CertificateDialog)
        notes.append(dialog.announcement)
        dialog.trust_button.invoke()

    when_dialog(view, pick_and_connect, failures)
    controller = start_client(view, defaults=ConnectParams("192.0.2.9", 13333, "alice"),
                              settings_store=SettingsStore(tmp_path / "config"))
    try:
        wait_until(view, lambda: view.status == "connected", "connected to the picked server")
        assert failures == []
        assert notes and notes[0].startswith("✔ It matches")
        host, port = secure.tls_address
        assert view.title.endswith(f"alice @ {host}:{port}")
    finally:
        controller.shut_down()


class Listing:
    """A Discovery stand-in holding a fixed list (the view only reads these three)."""

    problem = ""

    def __init__(self, servers: list) -> None:
        self._servers = servers

    def start(self) -> None:
        pass

    def servers(self) -> list:
        return list(self._servers)


def test_gui_a_long_list_scrolls_and_keeps_the_dialog_size() -> None:
    many = [DiscoveredServer(f"Room {n}", f"192.0.2.{n}", 13333,
                             ServiceTxt(tls_port=6697 if n % 2 else None, password=n % 3 == 0))
            for n in range(1, 10)]
    window = make_real_view("full")
    window.discovery = Listing(many)  # type: ignore[assignment]
    failures: list[str] = []
    seen: list[tuple[int, bool]] = []

    def look(dialog: ModalDialog) -> None:
        assert isinstance(dialog, ConnectDialog) and dialog.server_list is not None
        seen.append((len(dialog.server_list.tree.get_children()),
                     bool(dialog.server_list.scrollbar.winfo_ismapped())))
        check_shot(screenshot(dialog.top, "connect-dialog-discovered-many"), dialog.top)
        dialog.server_list.pick(8)
        dialog.top.update()
        escape(dialog)

    try:
        when_dialog(window, look, failures)
        assert window.ask_connection(ConnectParams("192.0.2.99", 13333, "alice")) is None
    finally:
        close_real_view(window)
    assert failures == [] and seen == [(9, True)]
