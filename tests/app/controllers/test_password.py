"""Controller tests for the server password: PASS goes first, a wrong one (464 or ERROR) brings
the dialog back with the typed values and the password emptied, it is stored only when asked,
and it never appears in a log line or a log record."""

import logging
from dataclasses import replace

from app.controllers import start_client
from app.controllers.connector import PASSWORD_NEEDED, WRONG_PASSWORD
from app.models.settings import ConnectParams, Settings
from ircproto.version import client_version
from tests.app.controllers.conftest import PARAMS, WELCOME

SECRET = "s3cret pass"
WITH_PASSWORD = replace(PARAMS, password=SECRET)


def test_password_pass_is_sent_before_cap_nick_user(rig):
    rig.start(WITH_PASSWORD)
    rig.conn.open()
    rig.view.pump()
    assert rig.conn.sent_lines() == ["PASS :s3cret pass", "CAP LS 302", "NICK me",
                                     f"USER localchat 0 * :{client_version()}"]


def test_password_none_sends_no_pass(rig):
    rig.start()
    rig.conn.open()
    rig.view.pump()
    assert not any(line.startswith("PASS") for line in rig.conn.sent_lines())


def test_password_wrong_464_brings_dialog_back_with_password_emptied(rig):
    typed = replace(WITH_PASSWORD, tls=True, remember_password=True)
    rig.view.connect_answers.append(None)
    rig.start(typed)
    rig.conn.tls = True
    rig.conn.open()
    rig.conn.feed(":srv 464 * :Password incorrect", "ERROR :Closing link: bad password")
    rig.view.pump()
    [(shown, error)] = rig.view.called("ask_connection")
    assert error == WRONG_PASSWORD
    assert shown == replace(typed, password="")
    assert shown.tls and shown.remember_password and shown.nick == "me"
    assert rig.factory.made[0].closed


def test_password_wrong_error_only_also_brings_dialog_back(rig):
    rig.view.connect_answers.append(None)
    rig.start(WITH_PASSWORD)
    rig.conn.open()
    rig.conn.feed("ERROR :Access denied: Bad password?")
    rig.view.pump()
    [(shown, error)] = rig.view.called("ask_connection")
    assert (shown.password, error) == ("", WRONG_PASSWORD)


def test_password_wrong_then_right_connects_once_more(rig):
    rig.view.connect_answers.append(WITH_PASSWORD)
    rig.start(replace(PARAMS, password="wrong"))
    rig.conn.open()
    rig.conn.feed(":srv 464 * :Password incorrect")
    rig.view.pump()
    assert len(rig.factory.made) == 2
    rig.conn.open()
    rig.conn.feed(*WELCOME)
    rig.view.pump()
    assert rig.conn.sent_lines()[0] == "PASS :s3cret pass"
    assert rig.view.status == ("connected", "#lobby")


def test_password_remembered_only_when_ticked(rig):
    rig.start(replace(WITH_PASSWORD, remember_password=True))
    rig.conn.open()
    rig.conn.feed(*WELCOME)
    rig.view.pump()
    saved = rig.store.load()
    assert (saved.password, saved.remember_password) == (SECRET, True)
    assert saved.connect_params.password == SECRET
    assert rig.store.path.stat().st_mode & 0o777 == 0o600


def test_password_not_remembered_is_never_written(rig):
    rig.start(WITH_PASSWORD)
    rig.conn.open()
    rig.conn.feed(*WELCOME)
    rig.view.pump()
    assert SECRET not in rig.store.path.read_text(encoding="utf-8")
    assert rig.store.load().connect_params.password == ""


def test_password_unticking_remember_removes_the_stored_one_at_once(rig):
    rig.store.save(Settings(nick="me", password=SECRET, remember_password=True))
    rig.view.connect_answers.append(replace(WITH_PASSWORD, remember_password=False))
    rig.start(params=None)
    [(defaults, _)] = rig.view.called("ask_connection")
    assert defaults.password == SECRET and defaults.remember_password
    assert SECRET not in rig.store.path.read_text(encoding="utf-8")


def test_password_with_a_line_break_is_refused_before_connecting(rig):
    rig.view.connect_answers.append(None)
    rig.start(replace(PARAMS, password="pw\r\nQUIT :x"))
    [(_, error)] = rig.view.called("ask_connection")
    assert "line breaks" in error and rig.factory.made == []


def test_password_never_in_log_lines_or_log_records(rig, caplog):
    caplog.set_level(logging.DEBUG)
    rig.view.connect_answers.append(replace(WITH_PASSWORD, remember_password=True))
    rig.start(WITH_PASSWORD)
    rig.conn.open()
    rig.conn.feed(":srv 464 * :Password incorrect")
    rig.view.pump()
    rig.conn.open()
    rig.conn.feed(*WELCOME, ":srv NOTICE me :hello")
    rig.view.pump()
    rig.controller.on_send("hello all")
    rig.conn.drop()
    rig.view.pump(1500)
    assert len(rig.factory.made) == 3  # wrong, right, and the reconnect after the drop
    assert rig.factory.made[1].sent_lines()[0] == "PASS :s3cret pass"  # it was used...
    shown = [entry.text for entry in rig.view.entries] + [str(c) for c in rig.view.calls]
    assert not any(SECRET in text for text in shown)  # ...and never shown or logged
    assert not any(SECRET in record.getMessage() for record in caplog.records)
    assert SECRET not in repr(WITH_PASSWORD) and SECRET not in repr(rig.store.load())
    assert ConnectParams("h", 1, "n", password="x") == ConnectParams("h", 1, "n", password="x")


def test_password_missing_464_says_the_server_needs_one(rig):
    rig.view.connect_answers.append(None)
    rig.start()
    rig.conn.open()
    rig.conn.feed(":srv 464 * :Password required", "ERROR :Closing link: password required")
    rig.view.pump()
    [(shown, error)] = rig.view.called("ask_connection")
    assert shown == PARAMS and error == PASSWORD_NEEDED


def test_password_error_after_registration_is_not_a_password_problem(rig):
    rig.online()
    rig.conn.feed("ERROR :Closing link: password policy changed")
    rig.conn.drop("peer closed the connection")
    rig.view.pump(1500)
    assert rig.view.called("ask_connection") == []  # a normal loss: reconnect, no dialog
    assert len(rig.factory.made) == 2


def test_password_given_defaults_fill_the_first_dialog(rig):
    rig.store.save(Settings(nick="saved"))
    given = ConnectParams("10.0.0.9", 6697, "cli", True, "pw", True)
    rig.view.connect_answers.append(None)
    start_client(rig.view, params=None, defaults=given, settings_store=rig.store,
                 connection_factory=rig.factory, clock=rig.clock)
    assert rig.view.called("ask_connection") == [(given, "")]
