"""`python -m app` options that need no window: --tls, --forget-cert, and the connect defaults
the command line and the remembered settings make together."""

from __future__ import annotations

import pytest

from app import __main__ as entry
from app.models.settings import ConnectParams, Settings, SettingsStore

FP = ":".join(["AB"] * 32)


def test_cli_forget_cert_removes_only_that_pin(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LOCALCHAT_CONFIG_DIR", str(tmp_path))
    store = SettingsStore(tmp_path)
    store.save(Settings(nick="ann", pins={"lan-box:6697": FP, "other:6697": FP}))
    assert entry.main(["--forget-cert", "LAN-Box:6697"]) == 0
    assert store.load().pins == {"other:6697": FP} and store.load().nick == "ann"
    assert "Forgot the pinned certificate of lan-box:6697" in capsys.readouterr().out
    assert entry.main(["--forget-cert", "lan-box:6697"]) == 1
    assert "No certificate is pinned for lan-box:6697" in capsys.readouterr().err


def test_cli_forget_cert_needs_host_and_port(capsys):
    with pytest.raises(SystemExit) as exit_info:
        entry.parse_args(["--forget-cert", "lan-box"])
    assert exit_info.value.code == 2
    assert "expected HOST:PORT" in capsys.readouterr().err


def test_cli_tls_flag_parses_both_ways():
    assert entry.parse_args(["--tls"]).tls is True
    assert entry.parse_args(["--no-tls"]).tls is False
    assert entry.parse_args([]).tls is None


def test_cli_defaults_keep_tls_and_password_for_the_remembered_server_only(monkeypatch):
    monkeypatch.setattr(entry, "default_nick", lambda: "")
    remembered = Settings(host="lan-box", port=6697, nick="ann", tls=True, password="pw",
                          remember_password=True)
    same = entry.connect_defaults(entry.parse_args([]), remembered)
    assert same == ConnectParams("lan-box", 6697, "ann", True, "pw", True)
    other = entry.connect_defaults(entry.parse_args(["--host", "elsewhere"]), remembered)
    assert (other.host, other.tls, other.password) == ("elsewhere", False, "")
    forced = entry.connect_defaults(entry.parse_args(["--no-tls", "--nick", "bo"]), remembered)
    assert (forced.tls, forced.nick, forced.password) == (False, "bo", "pw")
    typed = entry.connect_defaults(entry.parse_args(["--host", "x", "--port", "1", "--tls"]),
                                   Settings())
    assert typed == ConnectParams("x", 1, "", True, "", False)


def test_cli_defaults_offer_the_login_name_until_a_nick_is_remembered(monkeypatch):
    monkeypatch.setattr(entry, "default_nick", lambda: "Jean_Dupont")
    assert entry.connect_defaults(entry.parse_args([]), Settings()).nick == "Jean_Dupont"
    assert entry.connect_defaults(entry.parse_args([]), Settings(nick="ann")).nick == "ann"
