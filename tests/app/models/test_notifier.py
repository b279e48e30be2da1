"""DesktopNotifications on its own loop thread, with fake desktop-notifier backends: alerts are
sent, clicks come back, and a missing or hanging service costs one warning and nothing else."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest

from app.models.notifier import DesktopNotifications
from app.models.notifyplan import Alert

ALERT = Alert("bob", "bob", "are you there?")
WAIT = 5.0


class Backend:
    """Records what desktop-notifier's send() got; clicks each notification when told to."""

    def __init__(self, click: bool = False) -> None:
        self.sent: list[tuple[str, str]] = []
        self.click = click

    async def get_capabilities(self) -> frozenset[str]:
        return frozenset({"on_clicked"})

    async def send(self, *, title: str, message: str, on_clicked: Callable[[], Any]) -> str:
        self.sent.append((title, message))
        if self.click:
            on_clicked()
        return "id"


class NoService(Backend):
    async def get_capabilities(self) -> frozenset[str]:
        raise ConnectionRefusedError("no D-Bus session bus")


class Hanging(Backend):
    async def get_capabilities(self) -> frozenset[str]:
        await asyncio.sleep(3600)
        return frozenset()


@pytest.fixture
def make():
    made: list[DesktopNotifications] = []

    def factory(backend: Backend, probe_timeout: float = 2.0) -> DesktopNotifications:
        notifier = DesktopNotifications(lambda: backend, probe_timeout).start()
        made.append(notifier)
        return notifier

    yield factory
    for notifier in made:
        notifier.close()


def test_notifier_sends_title_and_body(make) -> None:
    backend = Backend()
    notifier = make(backend)
    notifier.post(ALERT)
    notifier.post(Alert("#lobby", "bob in #lobby", "me: lunch?"))
    assert notifier.wait_idle(WAIT)
    assert backend.sent == [("bob", "are you there?"), ("bob in #lobby", "me: lunch?")]
    assert notifier.sent == [ALERT, Alert("#lobby", "bob in #lobby", "me: lunch?")]


def test_notifier_click_names_the_conversation(make) -> None:
    notifier = make(Backend(click=True))
    notifier.post(ALERT)
    assert notifier.wait_idle(WAIT)
    assert notifier.take_clicks() == ["bob"]
    assert notifier.take_clicks() == []


def test_notifier_without_a_service_warns_once_and_goes_silent(make, caplog) -> None:
    backend = NoService()
    notifier = make(backend)
    with caplog.at_level(logging.WARNING, logger="app.models.notifier"):
        for _ in range(3):
            notifier.post(ALERT)
        assert notifier.wait_idle(WAIT)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "No desktop notifications" in warnings[0].getMessage()
    assert notifier.silent and backend.sent == [] and notifier.sent == []
    notifier.post(ALERT)  # dropped at once, on the caller's thread
    assert notifier.wait_idle(WAIT) and backend.sent == []


def test_notifier_hanging_service_is_time_boxed_and_post_never_blocks(make, caplog) -> None:
    notifier = make(Hanging(), probe_timeout=0.3)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="app.models.notifier"):
        notifier.post(ALERT)
        notifier.post(ALERT)
        posted = time.monotonic() - started
        assert notifier.wait_idle(WAIT)
    assert posted < 0.1
    assert notifier.silent
    assert "TimeoutError" in caplog.text


def test_notifier_backend_that_cannot_be_made_is_no_service(make, caplog) -> None:
    def broken() -> Any:
        raise OSError("unsupported platform")

    notifier = DesktopNotifications(broken).start()
    try:
        with caplog.at_level(logging.WARNING, logger="app.models.notifier"):
            notifier.post(ALERT)
            assert notifier.wait_idle(WAIT)
        assert notifier.silent and "unsupported platform" in caplog.text
    finally:
        notifier.close()


def test_notifier_closed_drops_posts_and_closes_quickly(make) -> None:
    backend = Backend()
    notifier = make(backend)
    started = time.monotonic()
    notifier.close()
    assert time.monotonic() - started < 2.5
    notifier.post(ALERT)
    assert backend.sent == []


def test_notifier_real_backend_without_a_session_bus_goes_silent(monkeypatch, tmp_path,
                                                                caplog) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    notifier = DesktopNotifications().start()
    try:
        with caplog.at_level(logging.WARNING, logger="app.models.notifier"):
            notifier.post(ALERT)
            notifier.post(ALERT)
            assert notifier.wait_idle(WAIT)
        assert notifier.silent
        assert caplog.text.count("No desktop notifications") == 1
    finally:
        notifier.close()


def test_notifier_closed_while_an_alert_hangs_stops_at_once(caplog) -> None:
    notifier = DesktopNotifications(Hanging, probe_timeout=60).start()
    notifier.post(ALERT)
    assert not notifier.wait_idle(0.2)  # still waiting for the service
    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        notifier.close()
    assert time.monotonic() - started < 1.0
    assert notifier.wait_idle(WAIT)  # cancelled, not left pending
    assert caplog.records == []
