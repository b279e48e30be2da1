"""Trust on first use for TLS servers: the SHA-256 fingerprint of a server's certificate, the key
a pin is stored under, and what a pin says about a fingerprint (new, same or changed)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum


class Verdict(Enum):
    """What the pins say about the certificate a server presented."""

    NEW = "new"
    """No pin for this server yet: ask the user."""
    SAME = "same"
    """The pinned fingerprint: go ahead without asking."""
    CHANGED = "changed"
    """A different fingerprint than the pinned one: refuse."""


@dataclass(frozen=True, slots=True)
class CertificateReceived:
    """Put on the connection's queue after the TLS handshake: the server at host:port presented
    a certificate with this fingerprint; the connection waits for trust_certificate()."""

    host: str
    port: int
    fingerprint: str


def fingerprint(der: bytes) -> str:
    """The SHA-256 fingerprint of a DER certificate as colon-separated upper-case hex."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def fingerprint_halves(seen: str) -> tuple[str, str]:
    """A fingerprint cut into two rows of 16 bytes each, easy to read out and compare."""
    parts = seen.split(":")
    half = (len(parts) + 1) // 2
    return ":".join(parts[:half]), ":".join(parts[half:])


def server_key(host: str, port: int) -> str:
    """The key a server's pin is stored under: its host (folded to lower case) and port."""
    host = host.strip().lower()
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def parse_server_key(text: str) -> str:
    """The pin key for 'host:port' (or '[v6 address]:port') as a user types it; '' when text
    is not that."""
    host, _, port = text.strip().rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not host or any(c.isspace() for c in host) or not port.isdigit() \
            or not 0 < int(port) < 65536:
        return ""
    return server_key(host, int(port))


def check(pins: Mapping[str, str], key: str, seen: str) -> Verdict:
    """What the pins say about fingerprint seen for the server under key."""
    pinned = pins.get(key)
    if pinned is None:
        return Verdict.NEW
    return Verdict.SAME if pinned == seen else Verdict.CHANGED


def is_fingerprint(text: object) -> bool:
    """True when text looks like a fingerprint() result."""
    if not isinstance(text, str):
        return False
    parts = text.split(":")
    return len(parts) == 32 and all(len(p) == 2 and all(c in "0123456789ABCDEF" for c in p)
                                    for p in parts)
