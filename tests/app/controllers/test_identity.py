"""Controller tests for identity, with fakes: the nick registered by itself on first connect and
its password stored, SASL on every connect after, a refused saved login, a nick that belongs to
someone else (the dialog with a free variant), a second device's typed password, /passwd, and
no MARKREAD as a guest."""

from __future__ import annotations

from dataclasses import replace

from app.models.settings import ConnectParams
from tests.app.controllers.conftest import PARAMS, WELCOME

SERVER = "127.0.0.1:13333"
LS = ":srv CAP * LS :sasl=PLAIN,SCRAM-SHA-256 draft/account-registration=before-connect batch"
ACK = ":srv CAP me ACK :batch sasl"


def negotiate(rig, *lines: str) -> list[str]:
    """Open the newest connection, answer CAP LS and ACK (and lines); what was sent after."""
    rig.conn.open()
    rig.view.pump()
    start = len(rig.conn.sent)
    rig.conn.feed(LS, ACK, *lines)
    rig.view.pump()
    return rig.conn.sent_lines()[start:]


def stored(rig, nick: str = "me") -> str | None:
    return rig.store.credentials.get(SERVER, nick)


def test_first_connect_registers_the_nick_and_stores_the_password_without_a_dialog(rig):
    rig.start()
    sent = negotiate(rig)
    assert sent[-1].startswith("REGISTER * * ") and "CAP END" not in sent
    password = sent[-1].split()[-1]
    rig.conn.feed(":srv REGISTER SUCCESS me :Account created",
                  ":srv 900 me me!u@h me :You are now logged in as me", *WELCOME)
    rig.view.pump()
    assert "CAP END" in rig.conn.sent_lines()
    assert stored(rig) == password and len(password) >= 40
    assert rig.controller.session.account == "me"
    assert rig.view.called("ask_connection") == []
    assert password not in rig.store.path.read_text()


def test_a_stored_password_logs_in_with_sasl_on_connect_and_on_every_reconnect(rig):
    rig.store.credentials.set(SERVER, "me", "stored-pw")
    rig.start()
    assert negotiate(rig)[-1] == "AUTHENTICATE SCRAM-SHA-256"
    rig.conn.feed(":srv 900 me me!u@h me :You are now logged in as me", ":srv 903 me :ok",
                  *WELCOME)
    rig.view.pump()
    rig.conn.drop()
    rig.view.pump(1050)
    assert len(rig.factory.made) == 2
    assert negotiate(rig)[-1] == "AUTHENTICATE SCRAM-SHA-256"
    assert not any(line.startswith("REGISTER") for line in rig.conn.sent_lines())


def test_a_refused_saved_login_brings_the_dialog_back_once_and_does_not_loop(rig):
    rig.store.credentials.set(SERVER, "me", "stale-pw")
    rig.view.connect_answers.append(None)
    rig.start()
    negotiate(rig, "AUTHENTICATE +", ":srv 904 me :SASL authentication failed")
    rig.view.pump(60_000)
    [(shown, error)] = rig.view.called("ask_connection")
    assert "saved login for me was refused" in error and shown.nick == "me"
    assert len(rig.factory.made) == 1 and "CAP END" not in rig.conn.sent_lines()


def test_a_nick_owned_by_someone_else_comes_back_with_a_free_variant(rig):
    rig.view.connect_answers.append(replace(PARAMS, nick="me2"))
    rig.view.connect_answers.append(None)
    rig.start()
    negotiate(rig, ":srv FAIL REGISTER ACCOUNT_EXISTS me :That account name is taken")
    rig.view.pump()
    [(shown, error)] = rig.view.called("ask_connection")
    assert "me belongs to someone else" in error and shown.nick == "me2"
    assert len(rig.factory.made) == 2
    rig.conn.open()
    rig.view.pump()
    assert rig.conn.sent_lines()[1] == "NICK me2"
    rig.conn.feed(":srv 433 * me2 :Nickname is registered to an account; log in with SASL")
    rig.view.pump()
    shown, error = rig.view.called("ask_connection")[1]
    assert "me2 belongs to someone else" in error and shown.nick == "me_"  # not me2 again
    assert rig.controller.conversations.get("bob") is None


def test_a_second_device_logs_in_with_the_typed_password_and_stores_it(rig):
    typed = ConnectParams("127.0.0.1", 13333, "me", account_password="my-own-pw")
    rig.view.connect_answers.append(typed)
    rig.start(params=None)
    assert negotiate(rig)[-1] == "AUTHENTICATE SCRAM-SHA-256"
    assert stored(rig) is None  # not before the server took it
    rig.conn.feed(":srv 900 me me!u@h me :You are now logged in as me", ":srv 903 me :ok",
                  *WELCOME)
    rig.view.pump()
    assert stored(rig) == "my-own-pw"
    assert rig.controller.params.account_password == ""
    assert "my-own-pw" not in rig.store.path.read_text()


def test_a_refused_typed_password_says_so_and_empties_the_field(rig):
    rig.view.connect_answers.extend([replace(PARAMS, account_password="wrong-pw"), None])
    rig.start(params=None)
    negotiate(rig, "AUTHENTICATE +", ":srv 904 me :SASL authentication failed")
    rig.view.pump()
    shown, error = rig.view.called("ask_connection")[1]
    assert "refused the password for the account me" in error
    assert shown.account_password == "" and stored(rig) is None


def test_passwd_sends_the_stored_password_and_stores_the_new_one_on_success(rig):
    rig.store.credentials.set(SERVER, "me", "old-pw")
    rig.start()
    negotiate(rig, ":srv 900 me me!u@h me :You are now logged in as me", ":srv 903 me :ok",
              *WELCOME)
    rig.controller.on_send("/passwd brand-new-pw")
    assert rig.conn.sent_lines()[-1] == "PASSWD old-pw brand-new-pw"
    assert stored(rig) == "old-pw"
    rig.conn.feed(":srv PASSWD SUCCESS :Password changed")
    rig.view.pump()
    assert stored(rig) == "brand-new-pw"
    assert any("Password changed" in text for text in rig.view.texts())


def test_passwd_refused_keeps_the_old_password(rig):
    rig.store.credentials.set(SERVER, "me", "old-pw")
    rig.start()
    negotiate(rig, ":srv 900 me me!u@h me :You are now logged in as me", ":srv 903 me :ok",
              *WELCOME)
    rig.controller.on_send("/passwd short")
    rig.conn.feed(":srv FAIL PASSWD WEAK_PASSWORD :Password too weak",
                  ":srv PASSWD SUCCESS :Password changed")  # a stray success stores nothing
    rig.view.pump()
    assert stored(rig) == "old-pw"
    assert "PASSWD failed: Password too weak" in rig.view.texts()


def test_passwd_as_a_guest_is_refused_before_anything_is_sent(rig):
    rig.online()
    rig.controller.on_send("/passwd brand-new-pw")
    assert rig.conn.sent_lines() == []
    assert any("not logged in" in text for text in rig.view.texts())


def markreads(rig, *login: str) -> list[str]:
    """What MARKREADs go out for a line in #lobby on a server with accounts and read markers."""
    rig.start()
    rig.conn.open()
    rig.conn.feed(":srv CAP * LS :sasl=PLAIN server-time message-tags draft/read-marker",
                  ":srv CAP me ACK :server-time message-tags draft/read-marker sasl", *login,
                  *WELCOME, "@time=2026-01-02T03:04:05.000Z;msgid=m1 :bob!u@h PRIVMSG #lobby :hi")
    rig.view.pump()
    return [line for line in rig.conn.sent_lines() if line.startswith("MARKREAD")]


def test_a_guest_sends_no_markread_where_the_server_has_accounts(rig):
    assert markreads(rig) == []


def test_logged_in_the_client_sends_markread(rig):
    rig.store.credentials.set(SERVER, "me", "pw")
    assert markreads(rig, ":srv 900 me me!u@h me :You are now logged in as me",
                     ":srv 903 me :ok") == ["MARKREAD #lobby timestamp=2026-01-02T03:04:05.000Z"]


def test_the_account_dialog_sets_a_password_and_asks_again_after_a_bad_one(rig):
    rig.store.credentials.set(SERVER, "me", "old-pw")
    rig.view.account_answers.extend(["two words", "good-new-pw"])
    rig.start()
    negotiate(rig, ":srv 900 me me!u@h me :You are now logged in as me", ":srv 903 me :ok",
              *WELCOME)
    rig.controller.on_account()
    first, second = rig.view.called("ask_account_password")
    assert first == ("me", SERVER, "") and "no spaces" in second[2]
    assert rig.conn.sent_lines()[-1] == "PASSWD old-pw good-new-pw"
    rig.conn.feed(":srv PASSWD SUCCESS :Password changed")
    rig.view.pump()
    assert stored(rig) == "good-new-pw"


def test_the_account_dialog_cancelled_or_as_a_guest_sends_nothing(rig):
    rig.online()
    rig.controller.on_account()
    assert rig.view.called("ask_account_password") == [] and rig.conn.sent_lines() == []
    assert any("not logged in" in text for text in rig.view.texts())


def test_a_typed_password_wins_over_the_stored_one_and_replaces_it_once_taken(rig):
    rig.store.credentials.set(SERVER, "me", "stale-pw")
    rig.view.connect_answers.append(replace(PARAMS, account_password="typed-pw"))
    rig.start(params=None)
    negotiate(rig)
    assert rig.controller.session.credential == "typed-pw"
    rig.conn.feed(":srv 900 me me!u@h me :You are now logged in as me", ":srv 903 me :ok",
                  *WELCOME)
    rig.view.pump()
    assert stored(rig) == "typed-pw"
