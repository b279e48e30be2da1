"""Loopback helpers: real controllers (real Connection + Session) driven through FakeViews, with
a real-time deadline on every wait; every client and server is closed at the end."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import pytest

from app.controllers import ClientController, start_client
from app.models.connection import Connection
from app.models.credentials import CredentialStore
from app.models.notifier import Notifier
from app.models.settings import ConnectParams, SettingsStore
from tests.fakes import FakeView
from tests.memorykeyring import MemoryKeyring

DEADLINE = 10.0
TICK_MS = 50
TICK_SECONDS = 0.01


def pump_until(views: list[FakeView], done: Callable[[], bool], what: str,
               deadline: float = DEADLINE) -> None:
    """Pump the views (virtual TICK_MS each) until done() or the real-time deadline."""
    end = time.monotonic() + deadline
    while not done():
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {deadline} s waiting for {what}")
        for view in views:
            view.pump(TICK_MS)
        time.sleep(TICK_SECONDS)


class Clients:
    """Makes connected controllers and closes them all at teardown."""

    def __init__(self, tmp_path) -> None:
        self._tmp = tmp_path
        self.controllers: list[ClientController] = []
        self._sockets: dict[int, list[socket.socket]] = {}
        self.keyrings: dict[str, MemoryKeyring] = {}
        """Each device's own keyring, by device name."""

    def store(self, device: str) -> SettingsStore:
        """The settings (and credentials, in its own keyring) of device."""
        backend = self.keyrings.setdefault(device, MemoryKeyring())
        return SettingsStore(self._tmp / device, CredentialStore(self._tmp / device, backend))

    def start(self, address: tuple[str, int], nick: str,
              answers: tuple[ConnectParams | None, ...] = (), *, tls: bool = False,
              password: str = "", trust: tuple[bool, ...] = (), cache: bool = False,
              device: str = "", account_password: str = "", notifier: Notifier | None = None
              ) -> tuple[ClientController, FakeView]:
        """A controller connecting to address as nick (settings and its own keyring under
        device, by default nick; the log cache under tmp/nick-data when cache); answers and
        trust script the dialogs."""
        view = FakeView(connect_answers=answers, certificate_answers=trust)
        store = self.store(device or nick)
        params = ConnectParams(address[0], address[1], nick, tls, password,
                               account_password=account_password)
        sockets: list[socket.socket] = []

        def recording(address: tuple[str, int], timeout: float) -> socket.socket:
            sock = socket.create_connection(address, timeout)
            sockets.append(sock)
            return sock

        controller = start_client(view, params=params, settings_store=store,
                                  connection_factory=lambda h, p, tls: Connection(
                                      h, p, tls, connect_timeout=5.0, socket_factory=recording),
                                  cache_dir=self._tmp / f"{nick}-data" if cache else None,
                                  notifier=notifier)
        self.controllers.append(controller)
        self._sockets[id(controller)] = sockets
        return controller, view

    def cut(self, controller: ClientController) -> None:
        """Cut controller's newest TCP connection under it, as a failing network would."""
        sockets = self._sockets[id(controller)]
        assert sockets, "that client never connected"
        sockets[-1].shutdown(socket.SHUT_RDWR)

    def online(self, address: tuple[str, int], nick: str, channel: str = "#lobby",
               **options: object) -> tuple[ClientController, FakeView]:
        """A controller registered and in channel with its user list in (options: see start)."""
        controller, view = self.start(address, nick, **options)  # type: ignore[arg-type]
        pump_until([view], lambda: controller.online and controller.current == channel
                   and len(controller.current_users()) > 0, f"{nick} to join {channel}")
        return controller, view

    def close_all(self) -> None:
        for controller in self.controllers:
            if not controller.closed:
                controller.shut_down("test over")
        for controller in self.controllers:
            assert controller.wait_closed(5.0), "a connection's threads did not end"


@pytest.fixture
def clients(tmp_path) -> Iterator[Clients]:
    made = Clients(tmp_path)
    yield made
    made.close_all()


def texts(view: FakeView) -> list[str]:
    return view.texts()
