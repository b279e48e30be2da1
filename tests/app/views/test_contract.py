"""The view contract: every ChatView (each real view, and the tests' FakeView) does what the
protocol in app/views/base.py promises, checked through what the view visibly shows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

from app.models.log import EntryKind, LogEntry
from app.models.settings import ConnectParams
from app.models.users import UserItem
from app.views.accountdialog import AccountDialog
from app.views.base import STATUSES, Conversation
from app.views.conversations import line, listed
from app.views.dialogs import CertificateDialog, ConnectDialog, UsersDialog
from app.views.logline import MARKER_TEXT, entry_line
from app.views.window import ChatWindow
from tests.app.views.realview import close_real_view, make_real_view
from tests.fakes import FakeView
from tests.gui.driver import (
    RecordingActions,
    enter,
    escape,
    pick_conversation,
    press,
    pump,
    when_dialog,
)

T0 = datetime(2026, 11, 24, 9, 41)


def entry(sender: str, text: str, kind: EntryKind = EntryKind.CHAT, **flags: bool) -> LogEntry:
    return LogEntry(T0, sender, "#lobby", text, kind, **flags)


class RealProbe:
    """Drives a real window and reads back what it shows."""

    def __init__(self, view: ChatWindow) -> None:
        self.view = view
        self.failures: list[str] = []

    # what the user does (real windows only)
    def type_and_enter(self, text: str) -> None:
        self.view.input.insert("end", text)
        press(self.view.input, "<Return>")

    def type_and_click_send(self, text: str) -> None:
        self.view.input.insert("end", text)
        self.view.send_button.invoke()

    def click_users(self) -> None:
        self.view.users_button.invoke()

    def press_escape(self) -> None:
        press(self.view.input, "<Escape>")

    def close_window(self) -> None:
        root = self.view.root
        command = root.tk.call("wm", "protocol", root._w, "WM_DELETE_WINDOW")
        assert command, "no WM_DELETE_WINDOW handler"
        root.tk.eval(command)

    def toggle_theme(self) -> None:
        self.view.theme_toggle.invoke()

    def answer_next_dialog(self, act: Callable[[Any], None]) -> None:
        when_dialog(self.view, act, self.failures)

    # answers the next dialog the way a user would (shared with the fake)
    def will_confirm(self, answer: bool) -> None:
        self.answer_next_dialog(enter if answer else escape)

    def will_connect(self, params: ConnectParams | None) -> None:
        def fill(dialog: ConnectDialog) -> None:
            if params is None:
                escape(dialog)
                return
            dialog.host_var.set(params.host)
            dialog.port_var.set(str(params.port))
            dialog.nick_var.set(params.nick)
            if dialog.tls_var.get() != params.tls:
                dialog.tls_check.invoke()
            dialog.password_entry.delete(0, "end")
            dialog.password_entry.insert(0, params.password)
            dialog.account_password_entry.delete(0, "end")
            dialog.account_password_entry.insert(0, params.account_password)
            if dialog.remember_var.get() != params.remember_password:
                dialog.remember_check.invoke()
            enter(dialog)

        self.answer_next_dialog(fill)

    def will_set_password(self, password: str | None) -> None:
        def fill(dialog: AccountDialog) -> None:
            if password is None:
                escape(dialog)
                return
            dialog.new_entry.insert(0, password)
            dialog.repeat_entry.insert(0, password)
            enter(dialog)

        self.answer_next_dialog(fill)

    def will_trust(self, answer: bool) -> None:
        def click(dialog: CertificateDialog) -> None:
            (dialog.trust_button if answer else dialog.reject_button).invoke()

        self.answer_next_dialog(click)

    def will_close_users(self) -> None:
        self.answer_next_dialog(enter)

    def run_until_closed(self) -> None:
        self.view.run()

    # what the window shows
    def shows_identity(self, nick: str, server: str) -> bool:
        header = self.view.header_text
        return (self.view.title == f"LocalChat — {nick} @ {server}"
                and nick in header and server in header)

    def shows_status(self, status: str, detail: str) -> bool:
        header = self.view.header_text.lower()
        others = [s for s in STATUSES if s != status]
        return (self.view.status == status and status in header and detail in header
                and not any(f" {other} " in f" {header} " for other in others))

    def log_lines(self) -> list[str]:
        return self.view.log_lines

    def user_count(self) -> int:
        digits = "".join(c for c in self.view.users_heading_text if c.isdigit())
        return int(digits)

    def user_lines(self) -> list[str] | None:
        return None if self.view.compact else self.view.user_lines

    def conversation_lines(self) -> list[str]:
        return self.view.conversation_lines

    def current(self) -> str:
        return self.view.current_conversation

    def pick(self, name: str) -> None:
        pick_conversation(self.view, name)

    def press_keys(self, key: str) -> None:
        press(self.view.input, key)

    def input_is_empty(self) -> bool:
        return self.view.input_text == ""

    def put_draft(self, text: str) -> None:
        self.view.input.insert(0, text)

    def is_closed(self) -> bool:
        return self.view.closed

    def shows_do_not_disturb(self) -> bool:
        return bool(self.view.header.dnd_var.get())


class FakeProbe:
    """The same questions asked of tests/fakes.py's FakeView."""

    def __init__(self, view: FakeView) -> None:
        self.view = view
        self.failures: list[str] = []

    def will_confirm(self, answer: bool) -> None:
        self.view.exit_answers.append(answer)

    def will_connect(self, params: ConnectParams | None) -> None:
        self.view.connect_answers.append(params)

    def will_trust(self, answer: bool) -> None:
        self.view.certificate_answers.append(answer)

    def will_set_password(self, password: str | None) -> None:
        self.view.account_answers.append(password)

    def will_close_users(self) -> None:
        pass

    def run_until_closed(self) -> None:
        self.view.run()
        for _ in range(100):
            if self.view.closed:
                return
            self.view.pump(50)

    def shows_identity(self, nick: str, server: str) -> bool:
        return self.view.identity == (nick, server)

    def shows_status(self, status: str, detail: str) -> bool:
        return self.view.status == (status, detail)

    def log_lines(self) -> list[str]:
        lines = [entry_line(entry) for entry in self.view.entries]
        if 0 <= self.view.first_unread < len(lines):
            lines.insert(self.view.first_unread, MARKER_TEXT)
        return lines

    def conversation_lines(self) -> list[str]:
        return [line(c) for c in listed(self.view.conversations)]

    def current(self) -> str:
        names = [c.name for c in self.view.conversations]
        return self.view.current if self.view.current in names else ""

    def user_count(self) -> int:
        return len(self.view.users)

    def user_lines(self) -> list[str] | None:
        return [f"{user.prefix}{user.nick}" for user in self.view.users]

    def input_is_empty(self) -> bool:
        return bool(self.view.called("clear_input"))

    def put_draft(self, text: str) -> None:
        pass

    def is_closed(self) -> bool:
        return self.view.closed

    def shows_do_not_disturb(self) -> bool:
        return self.view.dnd


Probe = RealProbe | FakeProbe


@pytest.fixture(params=["fake", pytest.param("full", marks=pytest.mark.gui),
                        pytest.param("compact", marks=pytest.mark.gui)])
def probe(request: pytest.FixtureRequest) -> Iterator[Probe]:
    """Every ChatView: the fake and each real view."""
    if request.param == "fake":
        yield FakeProbe(FakeView())
        return
    view = make_real_view(request.param)
    real = RealProbe(view)
    pump(view)
    yield real
    close_real_view(view)
    assert real.failures == []


@pytest.fixture(params=[pytest.param("full", marks=pytest.mark.gui),
                        pytest.param("compact", marks=pytest.mark.gui)])
def real_probe(request: pytest.FixtureRequest) -> Iterator[RealProbe]:
    """Each real view, for what only a window has: keys, buttons, dialogs' widgets, themes."""
    view = make_real_view(request.param)
    real = RealProbe(view)
    pump(view)
    yield real
    close_real_view(view)
    assert real.failures == []


@pytest.fixture
def actions(real_probe: RealProbe) -> RecordingActions:
    actions = RecordingActions()
    real_probe.view.bind(actions)
    return actions


def test_view_bind_keeps_the_actions(probe: Probe) -> None:
    actions = RecordingActions()
    probe.view.bind(actions)
    assert probe.view.actions is actions


# --- the user's actions reach the controller (real windows) ---

def test_view_enter_sends_input_text(real_probe: RealProbe, actions: RecordingActions) -> None:
    real_probe.type_and_enter("hello there")
    assert actions.calls == [("on_send", ("hello there",))]


def test_view_reports_each_change_of_the_input(real_probe: RealProbe,
                                               actions: RecordingActions) -> None:
    real_probe.view.input.insert("end", "hi")
    real_probe.view.input.insert("end", "!")
    real_probe.view.clear_input()
    assert actions.typed == ["hi", "hi!", ""]


def test_view_send_button_sends_input_text(real_probe: RealProbe,
                                           actions: RecordingActions) -> None:
    real_probe.type_and_click_send("/me waves")
    assert actions.calls == [("on_send", ("/me waves",))]


def test_view_users_button_calls_on_users(real_probe: RealProbe,
                                          actions: RecordingActions) -> None:
    real_probe.click_users()
    assert actions.names() == ["on_users"]


def test_view_escape_calls_on_escape(real_probe: RealProbe, actions: RecordingActions) -> None:
    real_probe.press_escape()
    assert actions.names() == ["on_escape"]


def test_view_window_close_calls_on_close(real_probe: RealProbe,
                                          actions: RecordingActions) -> None:
    real_probe.close_window()
    assert actions.names() == ["on_close"]


def test_view_theme_toggle_switches_and_reports(real_probe: RealProbe,
                                                actions: RecordingActions) -> None:
    view = real_probe.view
    assert (view.theme, view.ttk_theme) == ("light", "pydata-light")
    real_probe.toggle_theme()
    assert (view.theme, view.ttk_theme) == ("dark", "pydata-dark")
    real_probe.toggle_theme()
    assert view.theme == "light"
    assert actions.calls == [("on_theme_changed", ("dark",)), ("on_theme_changed", ("light",))]


# --- what the controller asks of every view ---

def test_view_set_identity_shows_nick_and_server(probe: Probe) -> None:
    probe.view.set_identity("alice", "192.168.1.5:13333")
    assert probe.shows_identity("alice", "192.168.1.5:13333")
    probe.view.set_identity("alice_", "192.168.1.5:13333")
    assert probe.shows_identity("alice_", "192.168.1.5:13333")
    assert not probe.shows_identity("alice", "192.168.1.5:13333")


@pytest.mark.parametrize("status", STATUSES)
def test_view_set_status_shows_status_and_detail(probe: Probe, status: str) -> None:
    probe.view.set_status(status, "some detail")
    assert probe.shows_status(status, "some detail")


def test_view_set_status_rejects_unknown_status(probe: Probe) -> None:
    with pytest.raises(ValueError, match="unknown status"):
        probe.view.set_status("online")


def test_view_show_entries_appends_each_kind_in_order(probe: Probe) -> None:
    probe.view.show_entries([entry("", "alice joined #lobby", EntryKind.SYSTEM),
                             entry("bob", "hi all")])
    probe.view.show_entries([
        entry("dave", "waves", EntryKind.ACTION),
        entry("", "No such nick: erin", EntryKind.ERROR),
        entry("carol", "psst", private=True),
        entry("alice", "hello", own=True),
        entry("server", "welcome", EntryKind.NOTICE),
    ])
    assert probe.log_lines() == [
        "09:41  — alice joined #lobby",
        "09:41  <bob> hi all",
        "09:41  * dave waves",
        "09:41  ! No such nick: erin",
        "09:41  [private] <carol> psst",
        "09:41  <alice> hello",
        "09:41  -server- welcome",
    ]


def test_view_show_entries_with_nothing_changes_nothing(probe: Probe) -> None:
    probe.view.show_entries([entry("bob", "one")])
    probe.view.show_entries([])
    assert probe.log_lines() == ["09:41  <bob> one"]


def test_view_set_users_replaces_list_and_count(probe: Probe) -> None:
    probe.view.set_users([UserItem("carol", "@"), UserItem("alice"), UserItem("bob")])
    probe.view.set_users([UserItem("carol", "@"), UserItem("alice")])
    assert probe.user_count() == 2
    assert probe.user_lines() in (None, ["@carol", "alice"])
    probe.view.set_users([])
    assert probe.user_count() == 0


def test_view_show_users_returns_once_dismissed(probe: Probe) -> None:
    probe.will_close_users()
    probe.view.show_users([UserItem("carol", "@"), UserItem("bob", "+")])
    assert not probe.is_closed()


@pytest.mark.parametrize("answer", [True, False])
def test_view_confirm_exit_returns_the_answer(probe: Probe, answer: bool) -> None:
    probe.will_confirm(answer)
    assert probe.view.confirm_exit() is answer
    assert not probe.is_closed()


def test_view_ask_connection_returns_the_confirmed_values(probe: Probe) -> None:
    chosen = ConnectParams("10.0.0.2", 6667, "alice")
    probe.will_connect(chosen)
    assert probe.view.ask_connection(ConnectParams("127.0.0.1", 13333, ""), "") == chosen


def test_view_ask_connection_returns_tls_password_and_remember(probe: Probe) -> None:
    chosen = ConnectParams("10.0.0.2", 6697, "alice", tls=True, password="open sesame",
                           remember_password=True)
    probe.will_connect(chosen)
    result = probe.view.ask_connection(ConnectParams("127.0.0.1", 13333, "alice"), "")
    assert result == chosen and result is not None and result.password == "open sesame"


def test_view_ask_connection_returns_the_account_password(probe: Probe) -> None:
    chosen = ConnectParams("10.0.0.2", 6667, "alice", account_password="my-own-password")
    probe.will_connect(chosen)
    result = probe.view.ask_connection(ConnectParams("127.0.0.1", 13333, "alice"), "")
    assert result == chosen and result is not None
    assert result.account_password == "my-own-password"


@pytest.mark.parametrize("password", ["my-own-password", None])
def test_view_ask_account_password_returns_the_typed_one_or_none(probe: Probe,
                                                                  password: str | None) -> None:
    probe.will_set_password(password)
    assert probe.view.ask_account_password("alice", "10.0.0.2:6667") == password
    assert not probe.is_closed()


FINGERPRINT = ":".join(f"{n:02X}" for n in range(0, 256, 8))


@pytest.mark.parametrize("answer", [True, False])
def test_view_confirm_certificate_returns_the_answer(probe: Probe, answer: bool) -> None:
    probe.will_trust(answer)
    assert probe.view.confirm_certificate("10.0.0.2:6697", FINGERPRINT) is answer
    assert not probe.is_closed()


def test_view_ask_connection_cancelled_returns_none(probe: Probe) -> None:
    probe.will_connect(None)
    assert probe.view.ask_connection(ConnectParams("10.0.0.2", 13333, "alice"),
                                     "Connection refused") is None


def test_view_clear_input_empties_it(probe: Probe) -> None:
    probe.put_draft("draft")
    probe.view.clear_input()
    assert probe.input_is_empty()


def test_view_schedule_runs_callbacks_then_close_ends_run(probe: Probe) -> None:
    ran: list[str] = []
    probe.view.schedule(0, lambda: ran.append("now"))
    probe.view.schedule(30, lambda: (ran.append("later"), probe.view.close()))
    probe.run_until_closed()
    assert ran == ["now", "later"]
    assert probe.is_closed()


def test_view_schedule_cancelled_callback_never_runs(probe: Probe) -> None:
    ran: list[str] = []
    dropped = probe.view.schedule(0, lambda: ran.append("cancelled now"))
    later = probe.view.schedule(10, lambda: ran.append("cancelled later"))
    probe.view.schedule(30, lambda: (ran.append("kept"), probe.view.close()))
    dropped.cancel()
    later.cancel()
    later.cancel()  # twice is harmless
    probe.run_until_closed()
    assert ran == ["kept"]


def test_view_schedule_cancel_after_it_ran_or_after_close_is_harmless(probe: Probe) -> None:
    ran: list[str] = []
    first = probe.view.schedule(0, lambda: ran.append("first"))

    def cancel_the_first_then_close() -> None:
        first.cancel()
        ran.append("second")
        probe.view.close()

    probe.view.schedule(20, cancel_the_first_then_close)
    probe.run_until_closed()
    first.cancel()
    after_close = probe.view.schedule(0, lambda: ran.append("after close"))
    after_close.cancel()
    assert ran == ["first", "second"]


# --- the dialogs' own behaviour (real windows) ---

def test_view_show_users_lists_everyone(real_probe: RealProbe) -> None:
    seen: list[list[str]] = []

    def read_and_close(dialog: UsersDialog) -> None:
        seen.append(dialog.lines)
        enter(dialog)

    real_probe.answer_next_dialog(read_and_close)
    real_probe.view.show_users([UserItem("carol", "@"), UserItem("bob", "+"),
                                UserItem("erin", away=True)])
    assert seen == [["@carol", "+bob", "erin  (away)"]]
    assert real_probe.view.active_dialog is None


def test_view_confirm_exit_asks_the_question(real_probe: RealProbe) -> None:
    texts: list[str] = []
    real_probe.answer_next_dialog(lambda dialog: (texts.append(dialog.message), enter(dialog)))
    assert real_probe.view.confirm_exit() is True
    assert texts == ["Are you sure you want to exit?"]


def test_view_confirm_exit_buttons_answer(real_probe: RealProbe) -> None:
    real_probe.answer_next_dialog(lambda dialog: dialog.cancel_button.invoke())
    assert real_probe.view.confirm_exit() is False
    real_probe.answer_next_dialog(lambda dialog: dialog.ok_button.invoke())
    assert real_probe.view.confirm_exit() is True


def test_view_ask_connection_is_filled_with_the_defaults(real_probe: RealProbe) -> None:
    seen: list[tuple[str, str, str]] = []

    def read(dialog: ConnectDialog) -> None:
        seen.append((dialog.host_var.get(), dialog.port_var.get(), dialog.nick_var.get()))
        enter(dialog)

    real_probe.answer_next_dialog(read)
    assert real_probe.view.ask_connection(ConnectParams("10.0.0.2", 6667, "bob")) == (
        ConnectParams("10.0.0.2", 6667, "bob"))
    assert seen == [("10.0.0.2", "6667", "bob")]


def test_view_ask_connection_shows_error_inline(real_probe: RealProbe) -> None:
    shown: list[tuple[str, str]] = []

    def read(dialog: ConnectDialog) -> None:
        shown.append((dialog.error_label.cget("text"), str(dialog.error_label.cget("style"))))
        dialog.connect_button.invoke()

    real_probe.answer_next_dialog(read)
    result = real_probe.view.ask_connection(ConnectParams("10.0.0.2", 13333, "alice"),
                                            "Nickname alice is already in use")
    assert shown and shown[0][0] == "Nickname alice is already in use"
    assert "danger" in shown[0][1]
    assert result == ConnectParams("10.0.0.2", 13333, "alice")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("nick_var", "", "nickname is empty"),
    ("nick_var", "9lives", "starts with a letter"),
    ("nick_var", "a b", "cannot contain ' '"),
    ("port_var", "70000", "port must be a number from 1 to 65535"),
    ("port_var", "abc", "port must be a number"),
    ("host_var", "  ", "server's name or address"),
])
def test_view_ask_connection_keeps_bad_values_with_inline_error(
        real_probe: RealProbe, field: str, value: str, message: str) -> None:
    errors: list[str] = []

    def try_bad_then_cancel(dialog: ConnectDialog) -> None:
        getattr(dialog, field).set(value)
        enter(dialog)
        assert dialog.is_open, "the dialog closed on a bad value"
        errors.append(dialog.error)
        escape(dialog)

    real_probe.answer_next_dialog(try_bad_then_cancel)
    assert real_probe.view.ask_connection(ConnectParams("10.0.0.2", 13333, "alice")) is None
    assert len(errors) == 1 and message in errors[0]


def test_view_ask_connection_shows_tls_and_masks_the_password(real_probe: RealProbe) -> None:
    seen: list[tuple[bool, str, bool, str]] = []

    def read(dialog: ConnectDialog) -> None:
        seen.append((dialog.tls_var.get(), dialog.password_var.get(), dialog.remember_var.get(),
                     str(dialog.password_entry.cget("show"))))
        enter(dialog)

    real_probe.answer_next_dialog(read)
    defaults = ConnectParams("10.0.0.2", 6697, "bob", tls=True, password="pw",
                             remember_password=True)
    assert real_probe.view.ask_connection(defaults) == defaults
    assert seen == [(True, "pw", True, "•")]


def test_view_ask_connection_wrong_password_focuses_the_empty_password(
        real_probe: RealProbe) -> None:
    focus: list[bool] = []

    def read(dialog: ConnectDialog) -> None:
        focus.append(dialog.top.focus_get() is dialog.password_entry)
        dialog.password_entry.insert(0, "new one")
        enter(dialog)

    real_probe.answer_next_dialog(read)
    result = real_probe.view.ask_connection(ConnectParams("10.0.0.2", 13333, "bob"),
                                            "The server password was wrong")
    assert focus == [True]
    assert result is not None and result.password == "new one"


@pytest.mark.parametrize(("key", "expected"), [("enter", False), ("escape", False)])
def test_view_confirm_certificate_keys_answer_no(real_probe: RealProbe, key: str,
                                                 expected: bool) -> None:
    real_probe.answer_next_dialog(enter if key == "enter" else escape)
    assert real_probe.view.confirm_certificate("10.0.0.2:6697", FINGERPRINT) is expected


def test_view_confirm_certificate_shows_the_server_and_fingerprint(
        real_probe: RealProbe) -> None:
    shown: list[tuple[str, str, bool]] = []

    def read(dialog: CertificateDialog) -> None:
        shown.append((dialog.message, dialog.fingerprint_text,
                      dialog.top.focus_get() is dialog.reject_button))
        dialog.trust_button.invoke()

    real_probe.answer_next_dialog(read)
    assert real_probe.view.confirm_certificate("10.0.0.2:6697", FINGERPRINT) is True
    [(message, text, focused)] = shown
    assert "10.0.0.2:6697" in message and "not seen" in message
    assert text.replace("\n", ":") == FINGERPRINT and text.count("\n") == 1
    assert focused, "the focus starts on Don't trust"


# --- conversations, the new-messages marker, entries updated in place ---

LOBBY, DEV, BOB = Conversation("#lobby"), Conversation("#dev", 3), Conversation("bob", 2, True)


def test_view_set_conversations_lists_channels_then_private_chats_with_counts(
        probe: Probe) -> None:
    probe.view.set_conversations([LOBBY, BOB, DEV, Conversation("carol", 0, True)], "#dev")
    assert probe.conversation_lines() == ["#lobby", "#dev (3)", "@bob (2)", "@carol"]
    assert probe.current() == "#dev"


def test_view_set_conversations_replaces_the_list_and_moves_the_highlight(
        probe: Probe) -> None:
    probe.view.set_conversations([LOBBY, DEV, BOB], "#lobby")
    probe.view.set_conversations([LOBBY, Conversation("#dev"), Conversation("bob", 5, True)],
                                 "bob")
    assert probe.conversation_lines() == ["#lobby", "#dev", "@bob (5)"]
    assert probe.current() == "bob"
    probe.view.set_conversations([], "")
    assert probe.conversation_lines() == [] and probe.current() == ""


def test_view_set_conversations_marks_a_conversation_with_a_mention(probe: Probe) -> None:
    probe.view.set_conversations([LOBBY, Conversation("#dev", 3, mentioned=True), BOB], "#lobby")
    assert probe.conversation_lines() == ["#lobby", "#dev (@ 3)", "@bob (2)"]


def test_view_mention_line_reads_as_the_same_text(probe: Probe) -> None:
    probe.view.show_entries([entry("bob", "alice: lunch?", mention=True)])
    assert probe.log_lines()[-1].endswith("<bob> alice: lunch?")


def test_view_set_do_not_disturb_is_shown(probe: Probe) -> None:
    probe.view.set_do_not_disturb(True)
    assert probe.shows_do_not_disturb()
    probe.view.set_do_not_disturb(False)
    assert not probe.shows_do_not_disturb()


def test_view_set_conversations_unknown_current_highlights_nothing(probe: Probe) -> None:
    probe.view.set_conversations([LOBBY, BOB], "#gone")
    assert probe.conversation_lines() == ["#lobby", "@bob (2)"]
    assert probe.current() == ""


def test_view_show_conversation_replaces_the_log_with_a_marker(probe: Probe) -> None:
    probe.view.show_entries([entry("erin", "from another channel")])
    probe.view.show_conversation([entry("bob", "read"), entry("carol", "new one"),
                                  entry("dave", "new two")], 1)
    assert probe.log_lines() == ["09:41  <bob> read", MARKER_TEXT, "09:41  <carol> new one",
                                 "09:41  <dave> new two"]


@pytest.mark.parametrize("first_unread", [-1, 2, 99])
def test_view_show_conversation_without_unread_shows_no_marker(probe: Probe,
                                                               first_unread: int) -> None:
    probe.view.show_conversation([entry("bob", "one"), entry("carol", "two")], first_unread)
    assert probe.log_lines() == ["09:41  <bob> one", "09:41  <carol> two"]


def test_view_show_conversation_marker_before_everything_when_all_is_new(probe: Probe) -> None:
    probe.view.show_conversation([entry("bob", "one")], 0)
    assert probe.log_lines() == [MARKER_TEXT, "09:41  <bob> one"]


def test_view_show_conversation_empty_clears_the_log(probe: Probe) -> None:
    probe.view.show_entries([entry("bob", "one")])
    probe.view.show_conversation([])
    assert probe.log_lines() == []


def test_view_marker_stays_while_new_lines_arrive(probe: Probe) -> None:
    probe.view.show_conversation([entry("bob", "read"), entry("carol", "unread")], 1)
    probe.view.show_entries([entry("dave", "newer")])
    assert probe.log_lines() == ["09:41  <bob> read", MARKER_TEXT, "09:41  <carol> unread",
                                 "09:41  <dave> newer"]


def test_view_update_entry_marks_a_pending_message_delivered(probe: Probe) -> None:
    pending = entry("alice", "on my way", own=True, pending=True)
    probe.view.show_conversation([entry("bob", "where are you?"), pending,
                                  entry("bob", "ok")], 1)
    assert probe.log_lines()[2] == "09:41  <alice> on my way  \u25f7 sending\u2026"
    delivered = entry("alice", "on my way", own=True, msgid="abc")
    probe.view.update_entry(pending, delivered)
    assert probe.log_lines() == ["09:41  <bob> where are you?", MARKER_TEXT,
                                 "09:41  <alice> on my way", "09:41  <bob> ok"]
    probe.view.update_entry(delivered, entry("alice", "on my way (edited)", own=True))
    assert probe.log_lines()[2] == "09:41  <alice> on my way (edited)"


def test_view_update_entry_of_a_line_not_shown_changes_nothing(probe: Probe) -> None:
    shown = entry("alice", "typed offline", own=True, pending=True)
    probe.view.show_entries([shown])
    probe.view.show_conversation([entry("bob", "other channel")])
    probe.view.update_entry(shown, entry("alice", "typed offline", own=True))
    probe.view.update_entry(entry("carol", "never shown"), entry("carol", "changed"))
    assert probe.log_lines() == ["09:41  <bob> other channel"]


def test_view_update_entry_finds_appended_lines(probe: Probe) -> None:
    first = entry("alice", "one", own=True, pending=True)
    second = entry("alice", "two", own=True, pending=True)
    probe.view.show_entries([entry("bob", "hi")])
    probe.view.show_entries([first, second])
    probe.view.update_entry(second, entry("alice", "two", own=True))
    assert probe.log_lines() == ["09:41  <bob> hi", "09:41  <alice> one  \u25f7 sending\u2026",
                                 "09:41  <alice> two"]


# --- picking a conversation reaches the controller (real windows) ---

def test_view_picking_a_conversation_calls_on_switch(real_probe: RealProbe,
                                                     actions: RecordingActions) -> None:
    real_probe.view.set_conversations([LOBBY, DEV, BOB], "#lobby")
    pump(real_probe.view)
    real_probe.pick("bob")
    real_probe.pick("#dev")
    assert actions.calls == [("on_switch", ("bob",)), ("on_switch", ("#dev",))]
    assert real_probe.current() == "#lobby", "the highlight moves when the controller says so"


def test_view_picking_the_current_conversation_asks_nothing(real_probe: RealProbe,
                                                            actions: RecordingActions) -> None:
    real_probe.view.set_conversations([LOBBY, DEV], "#lobby")
    pump(real_probe.view)
    real_probe.pick("#lobby")
    assert actions.calls == []


@pytest.mark.parametrize(("key", "expected"), [
    ("<Control-Tab>", "bob"), ("<Alt-Down>", "bob"),
    ("<Control-ISO_Left_Tab>", "#lobby"), ("<Alt-Up>", "#lobby"),
])
def test_view_keys_switch_to_the_next_or_previous_conversation(
        real_probe: RealProbe, actions: RecordingActions, key: str, expected: str) -> None:
    real_probe.view.set_conversations([LOBBY, BOB, DEV], "#dev")
    real_probe.press_keys(key)
    assert actions.calls == [("on_switch", (expected,))]


def test_view_switch_keys_wrap_around_the_list(real_probe: RealProbe,
                                               actions: RecordingActions) -> None:
    real_probe.view.set_conversations([LOBBY, DEV, BOB], "bob")
    real_probe.press_keys("<Control-Tab>")
    real_probe.view.set_conversations([LOBBY, DEV, BOB], "#lobby")
    real_probe.press_keys("<Alt-Up>")
    assert actions.calls == [("on_switch", ("#lobby",)), ("on_switch", ("bob",))]
    assert real_probe.view.input_text == "", "Ctrl+Tab must not complete a nick"
