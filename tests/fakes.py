"""Hand-written fakes for the client's seams: FakeView (a ChatView that records calls and runs
scheduled callbacks on a virtual clock), FakeConnection (a queue the test fills), FakeClock and
FakeNotifier (records the desktop notifications asked for)."""

from __future__ import annotations

import queue
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app.models.events import ConnectionClosed, ConnectionOpened
from app.models.log import LogEntry
from app.models.notifyplan import Alert
from app.models.preferences import Preferences
from app.models.settings import ConnectParams
from app.models.trust import CertificateReceived
from app.models.users import UserItem
from app.views.base import STATUSES, Conversation, MessageActions, ViewActions
from ircproto.message import Message, parse

PUMP_LIMIT = 10_000


class FakeClock:
    """A clock that only moves when told: call it for the time, advance() to move it."""

    def __init__(self, start: datetime = datetime(2026, 1, 2, 3, 4, 5)) -> None:
        self.time = start

    def __call__(self) -> datetime:
        return self.time

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.time += timedelta(seconds=seconds)


@dataclass(order=True)
class _Scheduled:
    """A FakeView.schedule() handle."""

    due: int
    order: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class FakeView:
    """A ChatView without a display. Calls are recorded in .calls (name, args); answers to
    ask_connection, ask_account_password, ask_preferences, confirm_certificate and confirm_exit
    come from the scripted lists; schedule() runs on a virtual millisecond clock that pump()
    advances."""

    def __init__(self, connect_answers: Sequence[ConnectParams | None] = (),
                 exit_answers: Sequence[bool] = (),
                 certificate_answers: Sequence[bool] = (),
                 account_answers: Sequence[str | None] = (),
                 preference_answers: Sequence[Preferences | None] = ()) -> None:
        self.actions: ViewActions | None = None
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.connect_answers: deque[ConnectParams | None] = deque(connect_answers)
        self.exit_answers: deque[bool] = deque(exit_answers)
        self.certificate_answers: deque[bool] = deque(certificate_answers)
        self.announced_fingerprints: list[str] = []
        self.account_answers: deque[str | None] = deque(account_answers)
        self.preference_answers: deque[Preferences | None] = deque(preference_answers)
        self.theme = "light"
        self.entries: list[LogEntry] = []
        self.conversations: list[Conversation] = []
        self.current = ""
        self.first_unread = -1
        self.users: list[UserItem] = []
        self.shown_users: list[list[UserItem]] = []
        self.status: tuple[str, str] = ("", "")
        self.typing = ""
        self.identity: tuple[str, str] = ("", "")
        self.closed = False
        self.search_results: list[Any] = []
        self.search_note = ""
        self.now_ms = 0
        self.focused = True
        self.dnd = False
        self.message_actions = MessageActions()
        self.reply_text = ""
        self._scheduled: list[_Scheduled] = []
        self._order = 0

    def _record(self, name: str, *args: Any) -> None:
        self.calls.append((name, args))

    def called(self, name: str) -> list[tuple[Any, ...]]:
        """The args of every call to the method name, in order."""
        return [args for call, args in self.calls if call == name]

    # --- ChatView ---

    def bind(self, actions: ViewActions) -> None:
        self._record("bind", actions)
        self.actions = actions

    def schedule(self, delay_ms: int, callback: Callable[[], None]) -> _Scheduled:
        if delay_ms < 0:
            raise ValueError("delay_ms must not be negative")
        self._order += 1
        handle = _Scheduled(self.now_ms + delay_ms, self._order, callback)
        if not self.closed:
            self._scheduled.append(handle)
        return handle

    def ask_connection(self, defaults: ConnectParams, error: str = "") -> ConnectParams | None:
        self._record("ask_connection", defaults, error)
        if not self.connect_answers:
            raise AssertionError(f"unexpected connect dialog (error {error!r})")
        return self.connect_answers.popleft()

    def ask_account_password(self, account: str, server: str, error: str = "") -> str | None:
        self._record("ask_account_password", account, server, error)
        if not self.account_answers:
            raise AssertionError(f"unexpected account dialog (error {error!r})")
        return self.account_answers.popleft()

    def ask_preferences(self, current: Preferences) -> Preferences | None:
        self._record("ask_preferences", current)
        if not self.preference_answers:
            raise AssertionError("unexpected Preferences dialog")
        return self.preference_answers.popleft()

    def set_theme(self, theme: str) -> None:
        self._record("set_theme", theme)
        self.theme = theme

    def confirm_certificate(self, server: str, fingerprint: str, announced: str = "") -> bool:
        self._record("confirm_certificate", server, fingerprint)
        self.announced_fingerprints.append(announced)
        if not self.certificate_answers:
            raise AssertionError(f"unexpected certificate question for {server}")
        return self.certificate_answers.popleft()

    def set_identity(self, nick: str, server: str) -> None:
        self._record("set_identity", nick, server)
        self.identity = (nick, server)

    def set_status(self, status: str, detail: str = "") -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        self._record("set_status", status, detail)
        self.status = (status, detail)

    def show_entries(self, entries: Sequence[LogEntry]) -> None:
        self._record("show_entries", list(entries))
        self.entries.extend(entries)

    def set_conversations(self, conversations: Sequence[Conversation], current: str) -> None:
        self._record("set_conversations", list(conversations), current)
        self.conversations, self.current = list(conversations), current

    def show_conversation(self, entries: Sequence[LogEntry], first_unread: int = -1) -> None:
        self._record("show_conversation", list(entries), first_unread)
        self.entries = list(entries)
        self.first_unread = first_unread if 0 <= first_unread < len(entries) else -1

    def update_entry(self, old: LogEntry, new: LogEntry) -> None:
        self._record("update_entry", old, new)
        self.entries = [new if entry is old else entry for entry in self.entries]

    def set_users(self, users: Sequence[UserItem]) -> None:
        self._record("set_users", list(users))
        self.users = list(users)

    def show_typing(self, text: str) -> None:
        self._record("show_typing", text)
        self.typing = text

    def show_users(self, users: Sequence[UserItem]) -> None:
        self._record("show_users", list(users))
        self.shown_users.append(list(users))

    def confirm_exit(self) -> bool:
        self._record("confirm_exit")
        if not self.exit_answers:
            raise AssertionError("unexpected exit confirmation")
        return self.exit_answers.popleft()

    def clear_input(self) -> None:
        self._record("clear_input")

    def set_do_not_disturb(self, on: bool) -> None:
        self._record("set_do_not_disturb", on)
        self.dnd = on

    def has_focus(self) -> bool:
        return self.focused

    def present(self) -> None:
        self._record("present")
        self.focused = True

    def show_search_results(self, hits: Sequence[Any], note: str) -> None:
        self._record("show_search_results", list(hits), note)
        self.search_results, self.search_note = list(hits), note

    def reveal_message(self, msgid: str) -> bool:
        self._record("reveal_message", msgid)
        return any(entry.msgid == msgid for entry in self.entries)

    def set_message_actions(self, actions: MessageActions) -> None:
        self._record("set_message_actions", actions)
        self.message_actions = actions

    def set_reply(self, text: str) -> None:
        self._record("set_reply", text)
        self.reply_text = text

    def close(self) -> None:
        self._record("close")
        self.closed = True
        self._scheduled.clear()  # like a real window: nothing scheduled runs once closed

    def run(self) -> None:
        self._record("run")

    # --- test helpers ---

    @property
    def pending(self) -> int:
        """How many callbacks are scheduled (and not cancelled)."""
        return sum(1 for item in self._scheduled if not item.cancelled)

    def pump(self, ms: int = 50) -> int:
        """Move the virtual clock ms forward, running every callback due by then (and those they
        schedule within that time) in due order; returns how many ran."""
        until = self.now_ms + ms
        ran = 0
        while self._scheduled:
            self._scheduled.sort()
            if self._scheduled[0].due > until:
                break
            item = self._scheduled.pop(0)
            if item.cancelled:
                continue
            self.now_ms = max(self.now_ms, item.due)
            item.callback()
            ran += 1
            if ran > PUMP_LIMIT:
                raise AssertionError("pump ran too many callbacks: a callback loop?")
        self.now_ms = until
        return ran

    def texts(self) -> list[str]:
        """The text of every log entry shown so far."""
        return [entry.text for entry in self.entries]


class FakeConnection:
    """A connection the test drives: feed() queues server lines, .sent records what the
    controller sent; .started and .closed record start() and close();
    present_certificate() queues what a TLS one queues after its handshake, and .trust_answers
    records the controller's trust_certificate() answers."""

    def __init__(self, host: str = "127.0.0.1", port: int = 13333, tls: bool = False) -> None:
        self.host = host
        self.port = port
        self.tls = tls
        self.trust_answers: list[bool] = []
        self.events: queue.Queue[object] = queue.Queue()
        self.sent: list[Message] = []
        self.started = False
        self.closed = False

    def start(self) -> None:
        if self.started:
            raise AssertionError("started twice")
        self.started = True

    def send(self, message: Message) -> None:
        if self.closed:
            raise AssertionError(f"send after close: {message.format()}")
        self.sent.append(message)

    def trust_certificate(self, trusted: bool) -> None:
        if not self.tls:
            raise AssertionError("trust_certificate on a plain connection")
        self.trust_answers.append(trusted)

    def close(self) -> None:
        self.closed = True

    def wait_closed(self, timeout: float = 0.0) -> bool:
        return self.closed

    # --- test helpers ---

    def open(self) -> None:
        """Queue what the real one queues once the TCP connection is up."""
        self.events.put(ConnectionOpened(self.host, self.port))

    def present_certificate(self, fingerprint: str) -> None:
        """Queue what a TLS connection queues once its handshake is done."""
        if not self.tls:
            raise AssertionError("a plain connection has no certificate")
        self.events.put(CertificateReceived(self.host, self.port, fingerprint))

    def feed(self, *lines: str) -> None:
        """Queue raw server lines as parsed Messages."""
        for line in lines:
            self.events.put(parse(line))

    def drop(self, reason: str = "peer closed the connection") -> None:
        """Queue what the real one queues when the peer or the network ends the connection."""
        self.events.put(ConnectionClosed(reason, by_us=False))

    def sent_lines(self) -> list[str]:
        """What was sent, formatted as lines."""
        return [message.format() for message in self.sent]


class FakeConnectionFactory:
    """A connection_factory that makes FakeConnections and keeps them in .made."""

    def __init__(self) -> None:
        self.made: list[FakeConnection] = []

    def __call__(self, host: str, port: int, tls: bool = False) -> FakeConnection:
        connection = FakeConnection(host, port, tls)
        self.made.append(connection)
        return connection

    @property
    def last(self) -> FakeConnection:
        """The newest connection."""
        return self.made[-1]


class FakeNotifier:
    """Records alerts; clicks are what the test puts in .clicks."""

    def __init__(self) -> None:
        self.alerts: list[Alert] = []
        self.clicks: list[str] = []
        self.closed = False

    def post(self, alert: Alert) -> None:
        self.alerts.append(alert)

    def take_clicks(self) -> list[str]:
        clicks, self.clicks = self.clicks, []
        return clicks

    def close(self) -> None:
        self.closed = True
