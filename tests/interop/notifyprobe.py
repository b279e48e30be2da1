"""Run inside `dbus-run-session`: the client's controller with its real desktop notifier, fed a
catch-up of history and then live lines, talks to the fake notification service (unless
--no-service); prints what the service received and what a click did, as JSON."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time

from app.controllers import start_client
from app.models.notifier import DesktopNotifications
from app.models.settings import ConnectParams, SettingsStore
from tests.app.controllers.test_conversations import JOIN, REGISTER, history, msg
from tests.fakes import FakeClock, FakeConnectionFactory, FakeView
from tests.interop.fakenotifications import FakeNotificationService

DEADLINE = 10.0
STEP = 0.05

BACKLOG = (*history("bob", msg("h1", 1, "old private", target="me", batch="p"), ref="p"),
           *history("#lobby", msg("h2", 2, "old: me, see this", batch="q"), ref="q"))
LIVE = (msg("o1", 10, "me talking about me", sender="me"),
        msg("c1", 11, "no mention here"),
        msg("p1", 12, "are you there?", target="me"),
        msg("c2", 20, "me: standup now", sender="carol"))


def until(done, what: str) -> None:
    end = time.monotonic() + DEADLINE
    while not done():
        if time.monotonic() > end:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(STEP)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-service", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    service = None if args.no_service else FakeNotificationService().start()
    view, factory = FakeView(), FakeConnectionFactory()
    notifier = DesktopNotifications().start()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as config:
        controller = start_client(view, params=ConnectParams("127.0.0.1", 13333, "me"),
                                  settings_store=SettingsStore(config),
                                  connection_factory=factory, clock=FakeClock(),
                                  notifier=notifier)
        view.focused = False
        factory.last.open()
        factory.last.feed(*REGISTER, *JOIN, *BACKLOG, *LIVE)
        view.pump()
        handled = time.monotonic() - started
        until(lambda: notifier.wait_idle(STEP), "the notifier")
        report = {"handled_s": handled, "silent": notifier.silent, "calls": []}
        if service is not None:
            calls = service.interface.calls
            report["calls"] = [{"app": c.app_name, "title": c.summary, "body": c.body,
                                "actions": c.actions} for c in calls]
            private = next((c.id for c in calls if c.summary == "bob"), 0)
            if private:
                service.click(private)

                def switched() -> bool:
                    view.pump(300)
                    return controller.current == "bob"
                until(switched, "the click")
            report["after_click"] = controller.current
            report["presented"] = len(view.called("present"))
        controller.shut_down()
    if service is not None:
        service.stop()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
