"""Desktop notifications through desktop-notifier, on a thread with its own asyncio loop: the Tk
thread only hands alerts over and collects clicks; every call to the platform is time-boxed, and
without a notification service the app goes on silently after one logged warning."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, Protocol

from app.models.notifyplan import Alert

APP_NAME = "LocalChat"
PROBE_TIMEOUT = 3.0
"""Seconds the first contact with the notification service may take (D-Bus activation of a
missing service can hang for 25 s otherwise)."""
SEND_TIMEOUT = 3.0
STOP_TIMEOUT = 2.0

log = logging.getLogger(__name__)


class Notifier(Protocol):
    """What the alerts controller needs of a notifier (the real one, or a test's fake)."""

    def post(self, alert: Alert) -> None:
        """Show alert, without waiting for it."""

    def take_clicks(self) -> list[str]:
        """The conversations whose notification was clicked since last asked."""

    def close(self) -> None:
        """Stop (waiting at most a moment); later posts are dropped."""


Backend = Callable[[], Any]
"""Makes the desktop-notifier object (DesktopNotifier(app_name=...)), inside the loop thread."""


def desktop_notifier() -> Any:
    """The real desktop-notifier: D-Bus on Linux, native on macOS and Windows."""
    from desktop_notifier import DesktopNotifier  # D-Bus libraries load only when used

    return DesktopNotifier(app_name=APP_NAME)


class DesktopNotifications:
    """Notifier over desktop-notifier. start() runs its loop thread; post() never blocks."""

    def __init__(self, backend: Backend = desktop_notifier,
                 probe_timeout: float = PROBE_TIMEOUT) -> None:
        self._backend_factory = backend
        self._probe_timeout = probe_timeout
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="notifier", daemon=True)
        self._clicks: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._backend: Any = None
        self._backend_error: Exception | None = None
        self._one_at_a_time = asyncio.Lock()
        self._pending: set[concurrent.futures.Future[None]] = set()
        self._pending_lock = threading.Lock()
        """Guards _pending: posts add on the caller's thread, the loop thread discards."""
        self._state = "new"
        """new -> ready (the service answered) or silent (it did not; we warned once)."""
        self.sent: list[Alert] = []
        """What was handed to the service (read by tests)."""

    @property
    def silent(self) -> bool:
        """True once we know there is no notification service."""
        return self._state == "silent"

    def start(self) -> DesktopNotifications:
        """Run the loop thread."""
        self._thread.start()
        return self

    def post(self, alert: Alert) -> None:
        """Queue alert on the loop thread (dropped when silent or stopped)."""
        if self.silent or self._loop.is_closed() or not self._thread.is_alive():
            return
        try:
            future = asyncio.run_coroutine_threadsafe(self._send(alert), self._loop)
        except RuntimeError:  # the loop stopped meanwhile
            return
        with self._pending_lock:
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: concurrent.futures.Future[None]) -> None:
        with self._pending_lock:
            self._pending.discard(future)

    def take_clicks(self) -> list[str]:
        """Conversations whose notification the user clicked."""
        clicked: list[str] = []
        while True:
            try:
                clicked.append(self._clicks.get_nowait())
            except queue.Empty:
                return clicked

    def close(self) -> None:
        """Stop the loop thread (at most STOP_TIMEOUT)."""
        if self._thread.is_alive() and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(STOP_TIMEOUT)

    def wait_idle(self, timeout: float) -> bool:
        """Block until everything posted so far was handled (tests, the D-Bus probe)."""
        with self._pending_lock:
            pending = list(self._pending)
        _, waiting = concurrent.futures.wait(pending, timeout)
        return not waiting

    # -- on the loop thread -----------------------------------------------------------------

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:  # made (and its libraries imported) now, not while the first alert waits
            self._backend = self._backend_factory()
        except Exception as error:  # reported with the first alert, as no service
            self._backend_error = error
        try:
            self._loop.run_forever()
        finally:
            unfinished = asyncio.all_tasks(self._loop)
            for task in unfinished:  # alerts still on their way when the window closed
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*unfinished, return_exceptions=True))
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()

    async def _ready(self) -> bool:
        """Reach the notification service once; False (and one warning) when it is not there."""
        if self._state == "new":
            try:
                if self._backend_error is not None:
                    raise self._backend_error
                await asyncio.wait_for(self._backend.get_capabilities(), self._probe_timeout)
                self._state = "ready"
            except Exception as error:  # no D-Bus, no daemon, no platform support: all alike
                self._state = "silent"
                log.warning("No desktop notifications: no notification service answered (%s: "
                            "%s); LocalChat goes on without them", type(error).__name__, error)
        return self._state == "ready"

    async def _send(self, alert: Alert) -> None:
        async with self._one_at_a_time:  # in order, and the service is probed once
            await self._send_now(alert)

    async def _send_now(self, alert: Alert) -> None:
        if not await self._ready():
            return
        try:
            await asyncio.wait_for(self._backend.send(
                title=alert.title, message=alert.body,
                on_clicked=lambda: self._clicks.put(alert.conversation)), SEND_TIMEOUT)
        except Exception as error:  # a service that stopped answering costs this alert only
            log.info("A notification was not shown: %s: %s", type(error).__name__, error)
            return
        self.sent.append(alert)
