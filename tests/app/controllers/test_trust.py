"""Controller tests for TLS trust on first use: a new certificate is asked about and pinned, the
same one goes through silently (also on reconnect), a changed one is refused naming both
fingerprints, nothing is sent before the answer, and /forget-cert removes a pin."""

from dataclasses import replace

from app.models.events import ConnectFailed
from app.models.settings import ConnectParams, Settings
from app.models.trust import Verdict, check, fingerprint_halves, parse_server_key, server_key
from ircproto.version import client_version
from tests.app.controllers.conftest import WELCOME

TLS = ConnectParams("10.0.0.5", 6697, "me", tls=True)
FP1 = ":".join(["AB"] * 32)
FP2 = ":".join(["CD"] * 32)
KEY = "10.0.0.5:6697"


def test_trust_first_use_asks_logs_and_pins_before_anything_is_sent(rig):
    rig.view.certificate_answers.append(True)
    rig.start(TLS)
    assert (rig.conn.tls, rig.conn.port) == (True, 6697)
    rig.conn.present_certificate(FP1)
    rig.view.pump()
    assert rig.view.called("confirm_certificate") == [(KEY, FP1)]
    assert rig.conn.trust_answers == [True]
    assert rig.conn.sent == []  # NICK/USER wait for the connection to open after the answer
    assert rig.store.load().pins == {KEY: FP1}
    texts = rig.view.texts()
    assert any("not seen before" in t and FP1 in t for t in texts)
    assert any(t.startswith(f"Trusted the certificate of {KEY}") for t in texts)
    rig.conn.open()
    rig.view.pump()
    assert rig.conn.sent_lines()[1:] == ["NICK me", f"USER localchat 0 * :{client_version()}"]


def test_trust_log_line_comes_before_the_question(rig):
    order: list[str] = []
    rig.view.certificate_answers.append(True)
    rig.start(TLS)
    original = rig.view.confirm_certificate

    def spy(server, fingerprint, announced=""):
        order.append("asked after: " + rig.view.texts()[-1])
        return original(server, fingerprint, announced)

    rig.view.confirm_certificate = spy
    rig.conn.present_certificate(FP1)
    rig.view.pump()
    assert len(order) == 1 and "not seen before" in order[0]


def test_trust_same_pin_connects_silently(rig):
    rig.store.save(Settings(pins={KEY: FP1}))
    rig.start(TLS)
    rig.conn.present_certificate(FP1)
    rig.view.pump()
    assert rig.view.called("confirm_certificate") == []
    assert rig.conn.trust_answers == [True]
    assert rig.view.texts() == []


def test_trust_changed_pin_is_refused_naming_both_and_dialog_returns(rig):
    rig.store.save(Settings(pins={KEY: FP1}))
    rig.view.connect_answers.append(None)
    rig.start(TLS)
    first = rig.conn
    rig.conn.present_certificate(FP2)
    rig.view.pump()
    assert rig.view.called("confirm_certificate") == []
    assert first.trust_answers == [False] and first.closed and first.sent == []
    [(shown, warning)] = rig.view.called("ask_connection")
    assert shown == TLS
    halves = [*fingerprint_halves(FP1), *fingerprint_halves(FP2)]
    assert "CHANGED" in warning and all(f"\n    {half}\n" in warning for half in halves)
    assert "/forget-cert 10.0.0.5:6697" in warning and "--forget-cert 10.0.0.5:6697" in warning
    errors = [e.text for e in rig.view.entries if e.kind.name == "ERROR"]
    assert any(FP1 in t and FP2 in t and "CHANGED" in t for t in errors)
    assert rig.view.status == ("disconnected", "The TLS certificate of 10.0.0.5:6697 has "
                                               "CHANGED, so LocalChat did not connect.")
    assert rig.store.load().pins == {KEY: FP1}  # never replaced by the new one
    assert rig.view.closed and len(rig.factory.made) == 1


def test_trust_changed_pin_cannot_be_accepted_by_connecting_again(rig):
    rig.store.save(Settings(pins={KEY: FP1}))
    rig.view.connect_answers.extend([TLS, None])
    rig.start(TLS)
    rig.conn.present_certificate(FP2)
    rig.view.pump()
    rig.conn.present_certificate(FP2)
    rig.view.pump()
    assert [c.trust_answers for c in rig.factory.made] == [[False], [False]]
    assert len(rig.view.called("ask_connection")) == 2
    assert rig.view.called("confirm_certificate") == []


def test_trust_declined_closes_without_sending_and_asks_again(rig):
    rig.view.certificate_answers.append(False)
    rig.view.connect_answers.append(None)
    rig.start(TLS)
    rig.conn.present_certificate(FP1)
    rig.view.pump()
    assert rig.conn.trust_answers == [False] and rig.conn.sent == []
    assert rig.store.load().pins == {}
    rig.conn.events.put(ConnectFailed("The certificate of 10.0.0.5:6697 was not trusted"))
    rig.view.pump()
    [(shown, reason)] = rig.view.called("ask_connection")
    assert shown == TLS and reason == "You did not trust the certificate of 10.0.0.5:6697; " \
        "not connected"


def test_trust_reconnect_uses_the_pin_without_asking_and_resends_password(rig):
    rig.view.certificate_answers.append(True)
    rig.start(replace(TLS, password="sesame"))
    rig.conn.present_certificate(FP1)
    rig.view.pump()
    rig.conn.open()
    rig.conn.feed(*WELCOME)
    rig.view.pump()
    rig.conn.drop()
    rig.view.pump(1500)
    second = rig.factory.last
    assert second is not rig.factory.made[0] and second.tls
    second.present_certificate(FP1)
    rig.view.pump()
    assert second.trust_answers == [True]
    assert len(rig.view.called("confirm_certificate")) == 1
    second.open()
    rig.view.pump()
    assert second.sent_lines()[0] == "PASS sesame"


def test_trust_forget_cert_removes_the_pin_then_asks_again(rig):
    rig.store.save(Settings(pins={KEY: FP1, "other:1": FP2}))
    controller = rig.start(TLS)
    controller.on_send("/forget-cert")
    assert rig.store.load().pins == {"other:1": FP2}
    assert rig.view.texts()[-1].startswith("Forgot the pinned certificate of 10.0.0.5:6697")
    controller.on_send("/forget-cert OTHER:1")
    assert rig.store.load().pins == {}
    controller.on_send("/forget-cert other:1")
    assert rig.view.texts()[-1] == "No certificate is pinned for other:1"
    controller.on_send("/forget-cert nonsense")
    assert rig.view.texts()[-1] == "Usage: /forget-cert [host:port]"


def test_trust_verdicts_and_keys():
    assert server_key(" Chat.Example ", 6697) == "chat.example:6697"
    assert server_key("::1", 6697) == "[::1]:6697"
    assert check({}, KEY, FP1) is Verdict.NEW
    assert check({KEY: FP1}, KEY, FP1) is Verdict.SAME
    assert check({KEY: FP1}, KEY, FP2) is Verdict.CHANGED
    assert parse_server_key("[::1]:6697") == "[::1]:6697"
    assert parse_server_key("Host:80") == "host:80"
    assert [parse_server_key(t) for t in ("host", "host:0", ":80", "a b:80", "h:x")] == [""] * 5


def test_trust_changed_certificate_on_reconnect_asks_instead_of_retrying(rig):
    rig.store.save(Settings(pins={KEY: FP1}))
    rig.start(TLS)
    rig.conn.present_certificate(FP1)
    rig.view.pump()
    rig.conn.open()
    rig.conn.feed(*WELCOME)
    rig.view.pump()
    rig.conn.drop()
    rig.view.connect_answers.append(None)
    rig.view.pump(1500)
    rig.factory.last.present_certificate(FP2)
    rig.view.pump(60_000)
    [(shown, warning)] = rig.view.called("ask_connection")
    assert shown == TLS and "CHANGED" in warning
    assert len(rig.factory.made) == 2 and rig.factory.last.trust_answers == [False]
    assert rig.view.closed


def test_trust_keepalive_survives_a_slow_certificate_answer(rig):
    rig.store.save(Settings(pins={KEY: FP1}))
    rig.start(TLS)
    rig.view.pump(150_000)  # two keepalive intervals before the certificate even arrives
    rig.conn.present_certificate(FP1)
    rig.view.pump()
    rig.conn.open()
    rig.conn.feed(*WELCOME)
    rig.view.pump()
    first = rig.conn
    first.sent.clear()
    rig.view.pump(200_000)  # silence while online: the keepalive PINGs, then gives up
    assert "PING localchat" in first.sent_lines() and first.closed
    assert any("No reply from 10.0.0.5:6697" in t for t in rig.view.texts())


def test_trust_dialog_gets_the_fingerprint_announced_on_the_lan(rig):
    rig.view.certificate_answers.append(True)
    rig.start(replace(TLS, announced_fingerprint=FP2))
    rig.conn.present_certificate(FP1)
    rig.view.pump()
    assert rig.view.called("confirm_certificate") == [(KEY, FP1)]  # it still asks
    assert rig.view.announced_fingerprints == [FP2]


def test_trust_dialog_without_an_announcement_gets_none(rig):
    rig.view.certificate_answers.append(False)
    rig.view.connect_answers.append(None)
    rig.start(TLS)
    rig.conn.present_certificate(FP1)
    rig.view.pump()
    assert rig.view.announced_fingerprints == [""]
