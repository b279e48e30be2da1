"""The one table of the server's options: each is a key of server.toml and the flag --key, with
its type and help; the defaults are ServerConfig's. server.configfile merges file and flags."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from server.accounts import ACCOUNTS_FILE
from server.config import REGISTRATION_MODES, ServerConfig

CONFIG_FILE = "server.toml"  # in the data directory, read when --config is not given
HISTORY_FILE = "history.sqlite3"

KINDS = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}


@dataclass(frozen=True, slots=True)
class Option:
    """key: the TOML key and the flag's name; kind: str, int, float or bool; optional: may be
    left unset (no default); field: the ServerConfig field it sets (None: server.configfile
    turns it into one, e.g. the MOTD file into its lines)."""

    key: str
    kind: type
    help: str
    metavar: str | None = None
    optional: bool = False
    choices: tuple[str, ...] | None = None
    secret: bool = False  # masked by --print-config
    short: str | None = None
    field: str | None = ""  # "": key with '-' as '_'

    @property
    def field_name(self) -> str | None:
        return self.key.replace("-", "_") if self.field == "" else self.field

    @property
    def default(self) -> Any:
        """ServerConfig's default; None for an optional or derived option."""
        name = self.field_name
        return None if self.optional or name is None else getattr(ServerConfig(), name)


OPTIONS: tuple[Option, ...] = (
    Option("host", str, "address to listen on: '*' every address, IPv4 and IPv6; 0.0.0.0 "
           "every IPv4 address; :: every IPv6 address; or one address (default: *)"),
    Option("port", int, "TCP port (default: %(default)s)", "PORT"),
    Option("tls-port", int, "also serve TLS on this port (e.g. 6697)", "PORT", optional=True),
    Option("tls-cert", str, "TLS certificate (PEM); without it a self-signed one is made in "
           "data-dir", "FILE", optional=True),
    Option("tls-key", str, "the certificate's private key (PEM)", "FILE", optional=True),
    Option("name", str, "server name shown to clients (default: %(default)s)"),
    Option("channel", str, "channel everyone joins ('' for none; default: %(default)s)"),
    Option("motd", str, "message of the day file (UTF-8)", "FILE", optional=True, field=None),
    Option("data-dir", str, "where the server keeps its files (default: the user data "
           "directory for localchat)", "DIR", optional=True),
    Option("db", str, f"message history database (default: {HISTORY_FILE} in data-dir; "
           "':memory:' keeps no history on disk)", "PATH", optional=True, field=None),
    Option("history-days", float, "keep history this long (default: %(default)g)", "DAYS"),
    Option("history-max-per-target", int, "keep at most N messages per channel or "
           "conversation (default: %(default)s)", "N"),
    Option("registration", str, f"whether clients may create accounts with REGISTER; the "
           f"accounts live in {ACCOUNTS_FILE} in data-dir (default: %(default)s)",
           choices=REGISTRATION_MODES),
    Option("password-file", str, "server password, first line of FILE (safer than password)",
           "FILE", optional=True, field=None),
    Option("password", str, "server password (visible in the process list as a flag)",
           optional=True, secret=True, field=None),
    Option("ping-interval", float, "PING clients idle this long (default: %(default)g)", "S"),
    Option("ping-timeout", float, "drop them if no answer within (default: %(default)g)", "S"),
    Option("registration-timeout", float, "drop connections that do not register in time "
           "(default: %(default)g)", "S"),
    Option("sendq", int, "unread output before a client is dropped (default: %(default)s)",
           "BYTES"),
    Option("flood-burst", int, "commands a client may send at once (default: %(default)s)",
           "N"),
    Option("flood-rate", float, "then commands per second; 0 = no flood control "
           "(default: %(default)g)", "PER_S"),
    Option("max-clients", int, "connections in all; 0 = no limit (default: %(default)s)", "N"),
    Option("max-per-ip", int, "connections per address; 0 = no limit (default: %(default)s)",
           "N"),
    Option("max-channels", int, "channels per client; 0 = no limit (default: %(default)s)",
           "N"),
    Option("exempt-loopback", bool, "spare 127.0.0.1 and ::1 flood control and max-per-ip "
           "(default: %(default)s)"),
    Option("advertise", bool, "announce the server on the LAN (mDNS/DNS-SD, 5353/udp; "
           "default: true)"),
    Option("advertise-name", str, "the name clients see when they find the server on the LAN "
           "(default: 'LocalChat on HOSTNAME')", "NAME"),
    Option("admin-email", str, "the contact address ADMIN shows (default: none)", "ADDRESS"),
    Option("log-file", str, "also log to FILE (reopened when logrotate moves it)", "FILE",
           optional=True, field=None),
    Option("verbose", bool, "log debug messages", short="-v"),
)
BY_KEY = {option.key: option for option in OPTIONS}
EXCLUSIVE = (("password", "password-file"),)  # at most one of each group
DEFAULT_OVERRIDES = {"host": "*", "advertise": True}  # `python -m server` differs from tests


def default_of(option: Option) -> Any:
    """What the option is when neither the file nor a flag sets it."""
    return DEFAULT_OVERRIDES.get(option.key, option.default)


def add_options(parser: argparse.ArgumentParser) -> None:
    """--key for every option; a flag not given is absent from the namespace (so it does not
    override the config file). BooleanOptionalAction gives --key and --no-key."""
    for option in OPTIONS:
        names = [f"--{option.key}", *([option.short] if option.short else [])]
        shown = default_of(option)
        shown = str(shown).lower() if isinstance(shown, bool) else shown
        extra: dict[str, Any] = {"dest": option.key, "default": argparse.SUPPRESS,
                                 "help": option.help % {"default": shown}}
        if option.kind is bool:
            parser.add_argument(*names, action=argparse.BooleanOptionalAction, **extra)
        else:
            parser.add_argument(*names, type=option.kind, metavar=option.metavar,
                                choices=option.choices, **extra)
