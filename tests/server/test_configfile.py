"""server.toml and flags (server.configfile over the one table server.options): every option in
the file, flags override it, unknown keys and bad values are errors naming the key, relative
paths are the file's, --print-config's TOML is a valid config with the password masked."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from server.__main__ import UsageError, build_parser, config_from_args, load_settings, main
from server.configfile import MASK, ConfigError, load, render
from server.options import OPTIONS


def settings_of(*argv: str):
    return load_settings(build_parser().parse_args(list(argv)))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_configfile_every_option_is_a_flag_and_a_key():
    parser_flags = {a.dest for a in build_parser()._actions}
    assert {o.key for o in OPTIONS} <= parser_flags
    assert len({o.key for o in OPTIONS}) == len(OPTIONS)


def test_configfile_values_reach_the_config_and_flags_override(tmp_path: Path):
    write(tmp_path / "motd.txt", "Hi office\n")
    conf = write(tmp_path / "server.toml", """
        host = "127.0.0.1"
        port = 14000
        ping-interval = 30          # an integer is fine for seconds
        flood-rate = 2.5
        advertise = false
        exempt-loopback = false
        registration = "closed"
        motd = "motd.txt"           # relative to this file
        data-dir = "data"
        password = "s3cret"
    """)
    config = config_from_args(build_parser().parse_args(["--config", str(conf)]))
    assert (config.host, config.port, config.ping_interval, config.flood_rate) == (
        "127.0.0.1", 14000, 30.0, 2.5)
    assert (config.advertise, config.exempt_loopback, config.registration) == (
        False, False, "closed")
    assert config.motd == ("Hi office",) and config.password == "s3cret"
    assert config.data_dir == str(tmp_path / "data")
    assert config.db == str(tmp_path / "data" / "history.sqlite3")
    assert config.accounts_db == str(tmp_path / "data" / "accounts.sqlite3")
    flagged = config_from_args(build_parser().parse_args(
        ["--config", str(conf), "--port", "15000", "--advertise", "--registration", "open"]))
    assert (flagged.port, flagged.advertise, flagged.registration) == (15000, True, "open")


def test_configfile_server_toml_in_the_data_dir_is_read_by_default(tmp_path: Path):
    write(tmp_path / "server.toml", 'name = "office"\n')
    settings = settings_of("--data-dir", str(tmp_path))
    assert settings.config.name == "office" and settings.source == tmp_path / "server.toml"
    assert settings_of("--data-dir", str(tmp_path / "none")).source is None


@pytest.mark.parametrize("text, message", [
    ("prot = 1\n", "unknown key 'prot' (did you mean 'port'?)"),
    ("ping_interval = 1\n", "unknown key 'ping_interval' (did you mean 'ping-interval'?)"),
    ("[tls]\nport = 1\n", "unknown key 'tls'"),
    ('port = "13333"\n', "port must be a whole number, not '13333'"),
    ("port = 1.5\n", "port must be a whole number, not 1.5"),
    ("advertise = 1\n", "advertise must be true or false, not 1"),
    ("max-clients = true\n", "max-clients must be a whole number, not True"),
    ('registration = "maybe"\n', "registration must be one of open, closed, not 'maybe'"),
    ("port = 70000\n", "port must be between 0 and 65535"),
    ("ping-timeout = 0\n", "ping-timeout must be more than 0 seconds"),
    ("port = \n", "not valid TOML"),
    ('password = "a"\npassword-file = "pw"\n', "give password or password-file, not both"),
])
def test_configfile_bad_keys_and_values_are_errors_naming_them(tmp_path: Path, text, message):
    conf = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as caught:
        load({}, str(conf))
    assert message in str(caught.value)


def test_configfile_a_missing_explicit_file_is_an_error(tmp_path: Path):
    with pytest.raises(UsageError, match=r"config file .* does not exist"):
        settings_of("--config", str(tmp_path / "nope.toml"))


def test_configfile_a_password_flag_replaces_the_files_password_file(tmp_path: Path):
    conf = write(tmp_path / "s.toml", 'password-file = "/nonexistent"\n')
    assert settings_of("--config", str(conf), "--password", "flagged").config.password == \
        "flagged"


def test_configfile_print_config_is_valid_toml_with_the_password_masked(tmp_path: Path, capsys):
    conf = write(tmp_path / "s.toml", 'password = "hunter2"\nport = 14000\n'
                 f'data-dir = "{tmp_path}"\n')
    assert main(["--config", str(conf), "--print-config", "--name", "flagged"]) == 0
    out = capsys.readouterr().out
    assert "hunter2" not in out and MASK in out
    printed = tomllib.loads(out)
    assert (printed["port"], printed["name"], printed["host"]) == (14000, "flagged", "*")
    assert printed["db"] == str(tmp_path / "history.sqlite3")
    assert "password" not in printed and "tls-port" not in printed  # unset or masked: comments
    again = write(tmp_path / "again.toml", out)  # the same server, but for the password
    expected = replace(load({"name": "flagged"}, str(conf)).config, password=None)
    assert load({}, str(again)).config == expected


def test_configfile_render_names_the_source(tmp_path: Path):
    settings = settings_of("--data-dir", str(tmp_path))
    assert render(settings).startswith("# LocalChat server configuration in effect; config "
                                       "file: none")


def test_configfile_bad_config_exits_2_with_one_line(tmp_path: Path, capsys):
    conf = write(tmp_path / "s.toml", "colour = 'blue'\n")
    assert main(["--config", str(conf)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"localchat-server: error: {conf}: unknown key 'colour'"]
