"""Controller tests for connecting: the dialog, validation, failures, registration, settings."""

from app.models.conversations import STATUS
from app.models.events import ConnectFailed
from app.models.settings import ConnectParams, Settings, SettingsStore
from ircproto.version import client_version
from tests.app.controllers.conftest import PARAMS, WELCOME


def test_start_client_asks_with_saved_defaults_and_connects(rig):
    rig.store.save(Settings(host="10.1.1.1", port=7000, nick="saved", theme="dark"))
    rig.view.connect_answers.append(ConnectParams("127.0.0.1", 6667, "ann"))
    controller = rig.start(params=None)
    assert rig.view.called("bind") == [(controller,)]
    assert rig.view.called("ask_connection") == [(ConnectParams("10.1.1.1", 7000, "saved"), "")]
    assert (rig.conn.host, rig.conn.port, rig.conn.started) == ("127.0.0.1", 6667, True)
    assert rig.view.status == ("connecting", "Connecting to 127.0.0.1:6667")


def test_start_client_invalid_nick_or_port_asks_again_with_typed_values(rig):
    bad_nick = ConnectParams("h", 6667, "9lives")
    bad_port = ConnectParams("h", 70000, "ann")
    rig.view.connect_answers.extend([bad_nick, bad_port, ConnectParams("h", 6667, "ann")])
    rig.start(params=None)
    asks = rig.view.called("ask_connection")
    assert asks[1][0] == bad_nick and "Invalid nickname" in asks[1][1]
    assert asks[2][0] == bad_port and "between 1 and 65535" in asks[2][1]
    assert len(rig.factory.made) == 1


def test_start_client_bad_params_given_directly_open_the_dialog(rig):
    rig.view.connect_answers.append(None)
    rig.start(params=ConnectParams("", 13333, "me"))
    [(shown, error)] = rig.view.called("ask_connection")
    assert shown.host == "" and "host" in error
    assert rig.view.closed and rig.factory.made == []


def test_start_client_cancel_closes_view_without_connecting(rig):
    rig.view.connect_answers.append(None)
    controller = rig.start(params=None)
    assert rig.view.closed and controller.closed
    assert rig.factory.made == []
    assert rig.view.pump(1000) == 0  # nothing left polling


def test_registration_sends_cap_nick_user_then_joins_and_saves(rig):
    rig.start()
    rig.conn.open()
    rig.view.pump()
    assert rig.conn.sent_lines() == ["CAP LS 302", "NICK me",
                                     f"USER localchat 0 * :{client_version()}"]
    rig.conn.feed(":srv CAP * LS :account-tag tls", *WELCOME)
    rig.view.pump()
    assert rig.conn.sent_lines()[3:] == ["CAP END", "JOIN #lobby"]
    assert rig.view.identity == ("me", "127.0.0.1:13333")
    assert rig.view.status == ("connected", "#lobby")
    assert rig.store.load().connect_params == PARAMS
    assert [u.nick for u in rig.view.users] == ["alice", "bob", "me"]


def test_connect_failure_brings_dialog_back_with_reason_and_typed_values(rig):
    rig.start()
    rig.conn.events.put(ConnectFailed("Connection refused by 127.0.0.1:13333"))
    retry = ConnectParams("127.0.0.1", 13334, "me")
    rig.view.connect_answers.append(retry)
    rig.view.pump()
    assert rig.view.called("ask_connection") == [(PARAMS, "Connection refused by 127.0.0.1:13333")]
    assert rig.factory.made[0].closed
    assert (rig.conn.port, rig.conn.started) == (13334, True)
    assert "Connection refused by 127.0.0.1:13333" in rig.view.texts()


def test_nick_in_use_before_registration_brings_dialog_back(rig):
    rig.start()
    rig.conn.open()
    rig.conn.feed(":srv 433 * me :Nickname is already in use")
    rig.view.connect_answers.append(None)
    rig.view.pump()
    [(shown, error)] = rig.view.called("ask_connection")
    assert shown == PARAMS and error == "Nickname rejected: me: Nickname is already in use"
    assert rig.factory.made[0].closed and rig.view.closed


def test_erroneous_nick_before_registration_brings_dialog_back(rig):
    rig.start()
    rig.conn.open()
    rig.conn.feed(":srv 432 * me :Erroneous nickname")
    rig.view.connect_answers.append(ConnectParams("127.0.0.1", 13333, "other"))
    rig.view.pump()
    assert "Erroneous nickname" in rig.view.called("ask_connection")[0][1]
    assert len(rig.factory.made) == 2
    rig.conn.open()
    rig.view.pump()
    assert "NICK other" in rig.conn.sent_lines()


def test_settings_save_failure_is_shown_in_the_log(rig, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    rig.store = SettingsStore(blocker / "cfg")
    controller = rig.online()
    server_lines = [e.text for e in controller.conversations.get(STATUS).entries()]
    assert any("Could not save settings" in text for text in server_lines)
    assert STATUS in [c.name for c in rig.view.conversations]


def test_theme_change_is_saved(rig):
    controller = rig.online()
    controller.on_theme_changed("dark")
    assert rig.store.load().theme == "dark"
    assert rig.store.load().nick == "me"
