"""The server's settings: one frozen ServerConfig, built by `python -m server` or by tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from ircproto.dnssd import instance_name_error
from ircproto.names import is_valid_channel
from ircproto.version import server_version

DEFAULT_PORT = 13333
DEFAULT_MOTD = (
    "Welcome to the chat!",
    "This is LocalChat, chat for your local network.",
)
VERSION = server_version()  # e.g. localchat-0.1.0 (ircproto.version: the one version)
REGISTRATION_MODES = ("open", "closed")
APP_NAME = "localchat"  # names the user data directory (~/.local/share/localchat)


def data_path(data_dir: str | None) -> Path:
    """Where the server keeps its files: data_dir, or else the user's data directory."""
    return Path(data_dir) if data_dir else Path(platformdirs.user_data_dir(APP_NAME))


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Everything the server needs to run. Times are seconds (floats, so tests can use 0.2).

    motd holds the message of the day as lines; () means "no MOTD" (422), None the default one.
    """

    host: str = "127.0.0.1"  # embedders and tests: loopback; `python -m server`: "*" (options)
    port: int = DEFAULT_PORT
    name: str = "localchat"
    network: str = "LocalChat"
    channel: str = "#lobby"
    motd: tuple[str, ...] | None = None
    ping_interval: float = 60.0
    ping_timeout: float = 120.0
    registration_timeout: float = 60.0
    sendq: int = 256 * 1024
    verbose: bool = False
    # hardening: flood control, limits (0 = no limit), TLS and a server password
    flood_burst: int = 20
    flood_rate: float = 10.0  # commands per second after the burst; 0 turns flood control off
    max_clients: int = 2000
    max_per_ip: int = 20
    max_channels: int = 50
    exempt_loopback: bool = True  # 127.0.0.1/::1 skip flood control and --max-per-ip
    tls_port: int | None = None
    tls_cert: str | None = None
    tls_key: str | None = None
    data_dir: str | None = None  # None: the user data directory (see data_path)
    password: str | None = field(default=None, repr=False)  # never shown in logs
    # history (server/history.py): ':memory:' keeps it in memory only; `python -m server`
    # passes a file in the data dir, so tests never write into the user's real one
    db: str = ":memory:"
    history_days: float = 30.0
    history_max_per_target: int = 10000
    # accounts (server/accounts.py): ':memory:' keeps none on disk; `python -m server` passes
    # accounts.sqlite3 in the data dir. registration: "open" lets clients REGISTER, "closed" not
    accounts_db: str = ":memory:"
    registration: str = "open"
    # LAN discovery (server/discovery.py): `python -m server` turns it on (--no-advertise off);
    # advertise_name '' means "LocalChat on HOSTNAME"
    advertise: bool = False
    advertise_name: str = ""
    admin_email: str = ""  # ADMIN's contact address (RPL_ADMINEMAIL); '' says none was set

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, not {self.port}")
        for name in ("ping_interval", "ping_timeout", "registration_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name.replace('_', '-')} must be more than 0 seconds")
        if self.sendq < 1024:
            raise ValueError(f"sendq must be at least 1024 bytes, not {self.sendq}")
        if self.history_days <= 0:
            raise ValueError("history-days must be more than 0")
        if self.history_max_per_target < 1:
            raise ValueError("history-max-per-target must be at least 1")
        if not self.db:
            raise ValueError("db must be a file path or ':memory:'")
        if not self.accounts_db:
            raise ValueError("accounts-db must be a file path or ':memory:'")
        if self.registration not in REGISTRATION_MODES:
            raise ValueError(f"registration must be open or closed, not {self.registration!r}")
        for name in ("flood_burst", "flood_rate", "max_clients", "max_per_ip", "max_channels"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name.replace('_', '-')} must not be negative")
        if self.tls_port is not None and not 0 <= self.tls_port <= 65535:
            raise ValueError(f"tls-port must be between 0 and 65535, not {self.tls_port}")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("give both tls-cert and tls-key, or neither")
        if self.password is not None and not self.password:
            raise ValueError("the server password must not be empty")
        if not self.name or " " in self.name or "." in self.name[:1]:
            raise ValueError(f"invalid server name {self.name!r}")
        if self.advertise_name and (problem := instance_name_error(self.advertise_name)):
            raise ValueError(problem)
        if any(c in self.admin_email for c in " \r\n\0"):
            raise ValueError(f"invalid admin e-mail address {self.admin_email!r}")
        if self.channel and not is_valid_channel(self.channel):
            raise ValueError(f"invalid channel name {self.channel!r} (try '#lobby')")

    @property
    def data_path(self) -> Path:
        """Where the server keeps its files (see data_path())."""
        return data_path(self.data_dir)

    @property
    def motd_lines(self) -> tuple[str, ...]:
        """The MOTD lines to send; empty when there is no MOTD."""
        return DEFAULT_MOTD if self.motd is None else self.motd
