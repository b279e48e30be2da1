"""What the client remembers between runs, and the parameters of one connection."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PORT = 13333


@dataclass(frozen=True, slots=True)
class ConnectParams:
    """Where to connect and as whom."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    nick: str = ""
