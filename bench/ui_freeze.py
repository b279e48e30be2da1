"""UI freeze benchmark: 10,000 chat lines reach the real window through a real server, the real
Connection and the real controller, while a 5 ms Tk heartbeat records the longest stall.

With --direct the lines skip the network and go to view.show_entries in the controller's
batch size, back to back, which shows what the window itself can take. With --switch the window
flips between two conversations of N lines each (show_conversation with a new-messages marker,
and set_conversations with 60 conversations), which shows what switching costs. With --notify
the client has its desktop notifier, every line mentions the watcher and the window counts as
not focused, so every line is matched, planned and (at most once per quiet period) notified.
With --cache the client keeps its local cache (cache.sqlite3) in a temporary data directory, as
`python -m app` always does, so every batch of lines is also written to it.

Run under a display: `xvfb-run -a python -m bench.ui_freeze [--messages N] [--view NAME]
[--direct | --switch] [--notify] [--cache]` (under `dbus-run-session` with a notification service to
have the notifications really shown).
"""

from __future__ import annotations

import argparse
import gc
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from app.controllers.alerts import Alerts
from app.controllers.client import start_client
from app.controllers.link import BATCH_LIMIT
from app.models.log import LogEntry
from app.models.notifier import DesktopNotifications
from app.models.settings import ConnectParams, SettingsStore
from app.views import view_factory, view_names
from app.views.base import Conversation
from app.views.logpane import MAX_LOG_LINES
from app.views.window import ChatWindow
from server.config import ServerConfig
from server.tcp import start_server_thread

HEARTBEAT_MS = 5
SWITCHES = 20
TARGET_MS = 100.0
DEADLINE_S = 180.0


@dataclass
class Figures:
    """What the run measured (seconds unless named _ms)."""

    beats: list[tuple[float, float]] = field(default_factory=list)  # (when, gap before it)
    flood_started: float = 0.0
    flood_sent: float = 0.0
    all_shown: float = 0.0
    error: str = ""
    last_line: str = ""  # the newest line the window showed at the end
    switches: list[float] = field(default_factory=list)  # seconds each switch took (--switch)
    notified: int = -1  # notifications the controller posted (--notify; -1: no notifier)
    notifier_silent: bool = False  # no notification service answered
    alert_calls: list[float] = field(default_factory=list)  # seconds in each mark/consider

    def max_gap_ms(self, since: float = 0.0) -> float:
        """The longest time between two heartbeats that ended after since, in ms."""
        return max((gap for at, gap in self.beats if at >= since), default=0.0) * 1000


class Flooder(threading.Thread):
    """A raw IRC client that joins #lobby and sends count PRIVMSGs as fast as the socket takes
    them, reading (and discarding) what the server sends so its own queue never fills."""

    def __init__(self, address: tuple[str, int], count: int, figures: Figures,
                 prefix: str = "") -> None:
        super().__init__(name="flooder", daemon=True)
        self.address, self.count, self.figures = address, count, figures
        self.prefix = prefix
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            with socket.create_connection(self.address, timeout=10) as sock:
                sock.settimeout(0.2)
                sock.sendall(b"NICK flood\r\nUSER flood 0 * :bench\r\nJOIN #lobby\r\n")
                self._wait_for(sock, b" 366 ")
                self.figures.flood_started = time.perf_counter()
                lines = [f"PRIVMSG #lobby :{self.prefix}message {n} of the flood\r\n".encode()
                         for n in range(self.count)]
                for start in range(0, self.count, 500):
                    sock.sendall(b"".join(lines[start:start + 500]))
                    self._drain(sock)
                self.figures.flood_sent = time.perf_counter()
                deadline = time.monotonic() + DEADLINE_S
                while not self.stop.is_set() and time.monotonic() < deadline:
                    self._drain(sock)
                sock.sendall(b"QUIT :done\r\n")
        except OSError as error:
            self.figures.error = f"flooder: {error}"

    def _wait_for(self, sock: socket.socket, marker: bytes) -> None:
        seen = b""
        deadline = time.monotonic() + 15
        while marker not in seen:
            if time.monotonic() > deadline:
                raise OSError(f"no {marker!r} from the server")
            seen += self._drain(sock)

    @staticmethod
    def _drain(sock: socket.socket) -> bytes:
        try:
            return sock.recv(65536)
        except TimeoutError:
            return b""



def start_heartbeat(view: ChatWindow, figures: Figures) -> None:
    """Record, every HEARTBEAT_MS, how long the event loop really took to come back."""
    last = [time.perf_counter()]

    def beat() -> None:
        moment = time.perf_counter()
        figures.beats.append((moment, moment - last[0]))
        last[0] = moment
        view.schedule(HEARTBEAT_MS, beat)

    view.schedule(HEARTBEAT_MS, beat)

def run(count: int, view_name: str, notify: bool = False, cache: bool = False) -> Figures:
    """Flood a real window with count lines; return what was measured. notify: with the
    desktop notifier, every line a mention, the window taken as not focused."""
    figures = Figures()
    notifier = DesktopNotifications().start() if notify else None
    server = start_server_thread(ServerConfig(host="127.0.0.1", port=0), record_errors=False)
    try:
        with tempfile.TemporaryDirectory() as config_dir:
            view = view_factory(view_name)("light")
            assert isinstance(view, ChatWindow)
            host, port = server.server_address
            if notify:
                view.has_focus = lambda: False  # type: ignore[method-assign]
            controller = start_client(view, params=ConnectParams(host, port, "watcher"),
                                      settings_store=SettingsStore(config_dir),
                                      notifier=notifier,
                                      cache_dir=Path(config_dir) / "data" if cache else None)
            if notify:
                _time_alerts(controller.alerts, figures)
            flooder = Flooder(server.server_address, count, figures,
                              "watcher: " if notify else "")
            _drive(view, figures, flooder, count)
            if notifier is not None:
                figures.notified = controller.alerts.posted
                notifier.wait_idle(5.0)
                figures.notifier_silent = notifier.silent
    finally:
        server.stop(raise_errors=False)
        if notifier is not None:
            notifier.close()
    return figures


def _time_alerts(alerts: Alerts, figures: Figures) -> None:
    """Record how long each of the alerts' mark() and consider() calls takes."""
    def timed(call: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            started = time.perf_counter()
            try:
                return call(*args)
            finally:
                figures.alert_calls.append(time.perf_counter() - started)
        return run

    alerts.mark = timed(alerts.mark)  # type: ignore[method-assign]
    alerts.consider = timed(alerts.consider)  # type: ignore[method-assign]


def run_direct(count: int, view_name: str) -> Figures:
    """Give a real window count lines through show_entries, BATCH_LIMIT at a time, each batch
    scheduled as soon as the loop is idle (as the controller does when its queue is full)."""
    figures = Figures()
    view = view_factory(view_name)("light")
    assert isinstance(view, ChatWindow)
    now = datetime.now()
    entries = [LogEntry(now, f"user{n % 17}", "#lobby", f"message {n} of the flood")
               for n in range(count)]
    def feed(start: int) -> None:
        if start == 0:
            figures.flood_started = time.perf_counter()
        view.show_entries(entries[start:start + BATCH_LIMIT])
        if start + BATCH_LIMIT < count:
            view.schedule(0, lambda: feed(start + BATCH_LIMIT))
        else:
            finish(view, figures)

    start_heartbeat(view, figures)
    view.schedule(300, lambda: feed(0))
    view.run()
    return figures


def finish(view: ChatWindow, figures: Figures) -> None:
    """The last batch is in: note when and what the log ends with, and close the window soon."""
    figures.flood_sent = figures.all_shown = time.perf_counter()
    figures.last_line = view.last_log_lines(1)[0]
    view.schedule(200, view.close)


def run_switch(count: int, view_name: str) -> Figures:
    """Flip a real window SWITCHES times between two conversations of count lines each, as the
    controller does when the user picks one: the list, then the log with its marker."""
    figures = Figures()
    view = view_factory(view_name)("light")
    assert isinstance(view, ChatWindow)
    now = datetime.now()
    logs = {name: [LogEntry(now, f"user{n % 17}", name, f"{name} message {n}")
                   for n in range(count)] for name in ("#lobby", "#dev")}
    others = [Conversation(f"#room{n}", n % 7) for n in range(50)]
    others += [Conversation(f"friend{n}", n % 3, True) for n in range(8)]
    def switch(done: int) -> None:
        if done == 0:
            figures.flood_started = time.perf_counter()
        name = ("#lobby", "#dev")[done % 2]
        started = time.perf_counter()
        view.set_conversations([Conversation("#lobby", 0 if done % 2 == 0 else 5),
                                Conversation("#dev", 5 if done % 2 == 0 else 0), *others], name)
        view.show_conversation(logs[name], max(0, count - 40))
        figures.switches.append(time.perf_counter() - started)
        if done + 1 < SWITCHES:
            view.schedule(30, lambda: switch(done + 1))
        else:
            finish(view, figures)

    start_heartbeat(view, figures)
    view.schedule(300, lambda: switch(0))
    view.run()
    return figures


def _drive(view: ChatWindow, figures: Figures, flooder: Flooder, count: int) -> None:
    last_line = f"message {count - 1} of the flood"
    started = time.monotonic()
    def watch() -> None:
        if time.monotonic() - started > DEADLINE_S:
            figures.error = figures.error or f"not all shown within {DEADLINE_S:.0f} s"
            view.close()
            return
        if view.status == "connected" and not flooder.is_alive() and not figures.flood_started:
            flooder.start()
        lines = view.last_log_lines(3) if figures.flood_started else []
        if any(last_line in line for line in lines):
            figures.all_shown = time.perf_counter()
            figures.last_line = lines[-1]
            view.close()
            return
        view.schedule(50, watch)

    start_heartbeat(view, figures)
    view.schedule(50, watch)
    view.run()
    flooder.stop.set()
    if flooder.is_alive():
        flooder.join(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ui_freeze", description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000, help="lines to send (10000)")
    parser.add_argument("--view", choices=view_names(), default="full")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--direct", action="store_true",
                      help="skip the network: feed the window's show_entries directly")
    mode.add_argument("--switch", action="store_true",
                      help="switch between two conversations of --messages lines each")
    parser.add_argument("--notify", action="store_true",
                        help="with desktop notifications: every line mentions the watcher")
    parser.add_argument("--cache", action="store_true",
                        help="with the client's local cache (as python -m app has it)")
    args = parser.parse_args(argv)
    if (args.notify or args.cache) and (args.direct or args.switch):
        parser.error("--notify and --cache go through the controller: not with --direct or "
                     "--switch")
    if args.messages < 1:
        parser.error("--messages must be at least 1")
    if args.switch or args.direct:
        figures = (run_switch if args.switch else run_direct)(args.messages, args.view)
    else:
        figures = run(args.messages, args.view, args.notify, args.cache)
    gc.collect()  # the closed window's Tk objects are freed here, on the Tk thread
    if figures.error:
        print(f"ui_freeze: FAILED: {figures.error}", file=sys.stderr)
        return 1
    during = figures.max_gap_ms(since=figures.flood_started)
    if args.switch:
        return _report_switches(args.messages, args.view, figures, during)
    total = figures.all_shown - figures.flood_started
    path = "show_entries directly" if args.direct else "server, connection and controller"
    cached = ", with the cache" if args.cache else ""
    print(f"ui_freeze: {args.messages} messages, view {args.view}, through {path}{cached}")
    print(f"  time until all shown:      {total:8.2f} s  ({args.messages / total:,.0f} lines/s)")
    if not args.direct:
        print(f"  sending took:              {figures.flood_sent - figures.flood_started:8.2f} s")
    print(f"  longest event-loop freeze: {during:8.1f} ms during the flood "
          f"(heartbeat {HEARTBEAT_MS} ms; target < {TARGET_MS:.0f} ms)")
    print(f"  longest freeze overall:    {figures.max_gap_ms():8.1f} ms (includes start-up)")
    if figures.notified >= 0:
        shown = "no notification service" if figures.notifier_silent else "sent to the service"
        print(f"  notifications:             {figures.notified:8d} posted ({shown})")
        calls = figures.alert_calls or [0.0]
        print(f"  mentions and alerts:       {max(calls) * 1000:8.1f} ms longest call, "
              f"{sum(calls) * 1000:.0f} ms in all ({len(calls)} calls)")
    verdict = "PASS" if during < TARGET_MS else "FAIL"
    print(f"  {verdict}")
    return 0 if verdict == "PASS" else 1


def _report_switches(count: int, view_name: str, figures: Figures, during: float) -> int:
    switches = sorted(figures.switches)
    print(f"ui_freeze: {len(switches)} switches between two conversations of {count} lines "
          f"(the log keeps {MAX_LOG_LINES}), view {view_name}")
    print(f"  one switch:                {switches[len(switches) // 2] * 1000:8.1f} ms median, "
          f"{switches[-1] * 1000:.1f} ms longest")
    print(f"  longest event-loop freeze: {during:8.1f} ms while switching "
          f"(heartbeat {HEARTBEAT_MS} ms; target < {TARGET_MS:.0f} ms)")
    verdict = "PASS" if during < TARGET_MS else "FAIL"
    print(f"  {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
