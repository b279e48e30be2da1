"""Fixtures for controller tests: a FakeView, fake connections, a fake clock, a temporary
settings store."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.controllers import ClientController, start_client
from app.models.settings import ConnectParams, SettingsStore
from tests.fakes import FakeClock, FakeConnection, FakeConnectionFactory, FakeView

PARAMS = ConnectParams("127.0.0.1", 13333, "me")
WELCOME = (":srv 001 me :Welcome to LocalChat", ":me!u@h JOIN #lobby",
           ":srv 353 me = #lobby :@alice +bob me", ":srv 366 me #lobby :End of /NAMES list")


@dataclass
class Rig:
    """Everything one controller test needs."""

    view: FakeView
    factory: FakeConnectionFactory
    clock: FakeClock
    store: SettingsStore
    controller: ClientController | None = None

    def start(self, params: ConnectParams | None = PARAMS) -> ClientController:
        self.controller = start_client(self.view, params=params, settings_store=self.store,
                                       connection_factory=self.factory, clock=self.clock)
        return self.controller

    @property
    def conn(self) -> FakeConnection:
        return self.factory.last

    def online(self, *extra: str) -> ClientController:
        """Start, open the connection, register, join #lobby; pump until handled."""
        controller = self.start()
        self.conn.open()
        self.conn.feed(*WELCOME, *extra)
        self.view.pump()
        self.conn.sent.clear()
        return controller


@pytest.fixture
def rig(tmp_path) -> Rig:
    return Rig(FakeView(), FakeConnectionFactory(), FakeClock(), SettingsStore(tmp_path / "cfg"))
