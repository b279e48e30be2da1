"""What one connection knows and wants about accounts: the password to log in with (a stored
or typed one), whether to register the nick when there is none, the SASL exchange in progress,
and the account the server says we are logged in to."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from app.models.sasl import ChunkReader, Mechanism

REGISTRATION_CAP = "draft/account-registration"
GENERATED_BYTES = 32
"""A generated account password: 32 random bytes, 43 URL-safe characters."""


def new_password() -> str:
    """A long random password for an account the client registers by itself."""
    return secrets.token_urlsafe(GENERATED_BYTES)


@dataclass
class Login:
    """password: what we log in with ('' for none: then register when register is set and the
    server offers it). tls: whether the link is encrypted (it decides PLAIN)."""

    password: str = field(default="", repr=False)
    name: str = ""
    """The account to log in as ('' for our nick at the time)."""
    register: bool = True
    tls: bool = False
    account: str = ""
    """The account the server says we are logged in to (900); '' for a guest."""
    exchange: Mechanism | None = None
    """The SASL exchange in progress."""
    reader: ChunkReader = field(default_factory=ChunkReader)
    registering: bool = False
    """REGISTER sent, no answer yet."""
    held_nick: str = ""
    """A nick the server refused as registered before our SASL login finished: sent again once
    logged in (a server may check at NICK rather than when registration completes)."""
