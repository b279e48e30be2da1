"""The server's settings: one frozen ServerConfig, built by `python -m server` or by tests."""

from __future__ import annotations

from dataclasses import dataclass

from ircproto.names import is_valid_channel

DEFAULT_PORT = 13333
DEFAULT_MOTD = (
    "Welcome to the chat!",
    "This is LocalChat, chat for your local network.",
)
VERSION = "localchat-0.1"


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Everything the server needs to run. Times are seconds (floats, so tests can use 0.2).

    motd holds the message of the day as lines; () means "no MOTD" (422), None the default one.
    """

    host: str = "0.0.0.0"
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

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, not {self.port}")
        for name in ("ping_interval", "ping_timeout", "registration_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name.replace('_', '-')} must be more than 0 seconds")
        if self.sendq < 1024:
            raise ValueError(f"sendq must be at least 1024 bytes, not {self.sendq}")
        if not self.name or " " in self.name or "." in self.name[:1]:
            raise ValueError(f"invalid server name {self.name!r}")
        if self.channel and not is_valid_channel(self.channel):
            raise ValueError(f"invalid channel name {self.channel!r} (try '#lobby')")

    @property
    def motd_lines(self) -> tuple[str, ...]:
        """The MOTD lines to send; empty when there is no MOTD."""
        return DEFAULT_MOTD if self.motd is None else self.motd
