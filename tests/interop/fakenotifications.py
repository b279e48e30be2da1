"""A small org.freedesktop.Notifications service (served with dbus-fast) that records every
Notify call and can report a click (ActionInvoked 'default') the way a desktop's daemon does."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from dbus_fast.aio import MessageBus
from dbus_fast.constants import RequestNameReply
from dbus_fast.service import ServiceInterface, method, signal

BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
START_DEADLINE = 10.0
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class NotifyCall:
    """What one Notify call carried."""

    id: int
    app_name: str
    summary: str
    body: str
    actions: list[str]


def dbus_types(returns: str = "", **params: str) -> Callable[[F], F]:
    """Give a method its D-Bus signature the way dbus-fast reads it (as annotations), without
    annotations a type checker would read as Python types."""
    def typed(function: F) -> F:
        function.__annotations__ = {**params, "return": returns or None}
        return function
    return typed


class Notifications(ServiceInterface):
    """The interface as the Desktop Notifications Specification 1.2 defines it (its method
    names are the specification's)."""

    def __init__(self) -> None:
        super().__init__(BUS_NAME)
        self.calls: list[NotifyCall] = []

    @method(name="Notify")
    @dbus_types("u", app_name="s", replaces_id="u", app_icon="s", summary="s", body="s",
                actions="as", hints="a{sv}", expire_timeout="i")
    def notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints,
               expire_timeout):
        self.calls.append(NotifyCall(len(self.calls) + 1, app_name, summary, body,
                                     list(actions)))
        return len(self.calls)

    @method(name="GetCapabilities")
    @dbus_types("as")
    def get_capabilities(self):
        return ["body", "actions"]

    @method(name="GetServerInformation")
    @dbus_types("ssss")
    def get_server_information(self):
        return ["fake-notifications", "localchat-tests", "1.0", "1.2"]

    @method(name="CloseNotification")
    @dbus_types(notification="u")
    def close_notification(self, notification):
        self.notification_closed(notification, 3)

    @signal(name="ActionInvoked")
    @dbus_types("us", notification="u", action_key="s")
    def action_invoked(self, notification, action_key):
        return [notification, action_key]

    @signal(name="NotificationClosed")
    @dbus_types("uu", notification="u", reason="u")
    def notification_closed(self, notification, reason):
        return [notification, reason]


class FakeNotificationService:
    """The service on the session bus (DBUS_SESSION_BUS_ADDRESS), on a thread of its own."""

    def __init__(self) -> None:
        self.interface = Notifications()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-notifications", daemon=True)
        self.error: BaseException | None = None

    def start(self) -> FakeNotificationService:
        """Own the bus name; raise when that did not happen within START_DEADLINE."""
        self._thread.start()
        if not self._ready.wait(START_DEADLINE) or self.error is not None:
            raise RuntimeError(f"the fake notification service did not start: {self.error!r}")
        return self

    def click(self, notification_id: int) -> None:
        """The user clicks the notification's body."""
        self._loop.call_soon_threadsafe(self.interface.action_invoked, notification_id,
                                        "default")

    def stop(self) -> None:
        """End the service's loop."""
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(START_DEADLINE)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        except BaseException as error:  # reported by start()
            self.error = error
            self._ready.set()
            return
        self._loop.run_forever()

    async def _serve(self) -> None:
        bus = await MessageBus().connect()
        bus.export(OBJECT_PATH, self.interface)
        reply = await bus.request_name(BUS_NAME)
        if reply is not RequestNameReply.PRIMARY_OWNER:
            raise RuntimeError(f"could not own {BUS_NAME}: {reply}")
        self._ready.set()
