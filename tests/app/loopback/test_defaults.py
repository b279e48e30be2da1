"""start_client's defaults are the real ones: a real Connection and the settings store under
$LOCALCHAT_CONFIG_DIR (what `python -m app` gets)."""

from __future__ import annotations

import socket

from app.controllers import start_client
from app.models.connection import Connection
from app.models.settings import ConnectParams
from tests.app.loopback.conftest import pump_until
from tests.fakes import FakeView


def test_start_client_defaults_use_real_connection_and_env_config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LOCALCHAT_CONFIG_DIR", str(tmp_path))
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens on port now
    view = FakeView(connect_answers=[None])
    controller = start_client(view, params=ConnectParams("127.0.0.1", port, "ann"))
    assert isinstance(controller.link.connection, Connection)
    assert controller.store.path == tmp_path / "settings.json"
    pump_until([view], lambda: view.closed, "the refused connection to reopen the dialog")
    assert view.called("ask_connection") == [
        (ConnectParams("127.0.0.1", port, "ann"), f"Connection refused by 127.0.0.1:{port}")]
