"""SASL mechanisms over the account store, sans-I/O: PLAIN (RFC 4616), SCRAM-SHA-256
(RFC 5802/7677, scramp's server side) and EXTERNAL (RFC 4422 appendix A: the TLS client
certificate's fingerprint). A mechanism takes each decoded client response in step() and says
what comes next; steps read the store and verify passwords, so they run outside the state lock
(server.commands.sasl defers them).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

import scramp

from server.accounts import SCRAM, AccountStore, ScramInfo, name_key

EXTERNAL = "EXTERNAL"
MECHANISMS = ("PLAIN", SCRAM)  # what every connection may use
CHUNK = 400  # bytes of base64 per AUTHENTICATE line (sasl-3.1)
MAX_RESPONSE = 4096  # bytes of base64 in one response, chunks joined; longer is 905


@dataclass(frozen=True, slots=True)
class Step:
    """What a response led to: a challenge to send, success as an account, or (neither) failure."""

    challenge: bytes | None = None
    account: str | None = None


FAILED = Step()


class Mechanism(Protocol):
    def step(self, response: bytes) -> Step: ...


class Plain:
    """PLAIN: one response, `authzid NUL authcid NUL password`; authzid empty or the authcid."""

    def __init__(self, store: AccountStore) -> None:
        self.store = store

    def step(self, response: bytes) -> Step:
        parts = response.split(b"\0")
        if len(parts) != 3:
            return FAILED
        try:
            authzid, authcid, password = (part.decode("utf-8") for part in parts)
        except UnicodeDecodeError:
            return FAILED
        if authzid and name_key(authzid) != name_key(authcid):
            return FAILED  # logging in as somebody else is not offered
        account = self.store.verify(authcid, password)
        return Step(account=account.name) if account is not None else FAILED


class Scram:
    """SCRAM-SHA-256: client-first -> server-first, client-final -> server-final (as a
    challenge, which the client answers with an empty response), then success."""

    def __init__(self, store: AccountStore) -> None:
        self.store = store
        self.server = scramp.ScramMechanism(SCRAM).make_server(self._lookup)
        self.stage = 0
        self.username = ""

    def _lookup(self, username: str) -> ScramInfo:
        self.username = username
        info = self.store.scram_info(username)
        return info if info is not None else decoy_info(username)

    def step(self, response: bytes) -> Step:
        try:
            text = response.decode("utf-8")
            if self.stage == 0:
                self.server.set_client_first(text)
                self.stage = 1
                return Step(challenge=self.server.get_server_first().encode())
            if self.stage == 1:
                self.server.set_client_final(text)  # raises on a wrong proof
                self.stage = 2
                return Step(challenge=self.server.get_server_final().encode())
        except (UnicodeDecodeError, scramp.ScramException):
            return FAILED
        if response:
            return FAILED
        account = self.store.find(self.username)
        return Step(account=account.name) if account is not None else FAILED


class External:
    """EXTERNAL: one response, the authzid (empty, or the account's own name); success when the
    connection's certificate fingerprint is registered to an account."""

    def __init__(self, store: AccountStore, certfp: str) -> None:
        self.store = store
        self.certfp = certfp

    def step(self, response: bytes) -> Step:
        try:
            authzid = response.decode("utf-8")
        except UnicodeDecodeError:
            return FAILED
        account = self.store.find_by_certfp(self.certfp)
        if account is None or (authzid and name_key(authzid) != name_key(account.name)):
            return FAILED
        return Step(account=account.name)


def mechanisms(certfp: str | None) -> tuple[str, ...]:
    """The mechanisms a connection may use, as CAP LS 302 and 908 RPL_SASLMECHS list them:
    EXTERNAL only with a TLS client certificate (sasl-3.2: the *available* mechanisms; the
    certificate is fixed at the handshake, so the list never changes during a connection)."""
    return (*MECHANISMS, EXTERNAL) if certfp else MECHANISMS


_DECOY_SECRET = secrets.token_bytes(32)  # per run: decoy salts cannot be computed from outside


@cache
def _decoy_keys() -> tuple[bytes, bytes, int]:
    """StoredKey, ServerKey and iteration count of a password nobody knows (made once)."""
    _, stored_key, server_key, iterations = scramp.ScramMechanism(SCRAM).make_auth_info(
        secrets.token_urlsafe(32))
    return stored_key, server_key, iterations


def decoy_info(username: str) -> ScramInfo:
    """A verifier for an account that does not exist, so that SCRAM answers an unknown name as
    it answers a known one (a server-first message, then 904 at the proof) and does not say
    which names exist. Its salt is the same for the same name during a run, as a real one is."""
    salt = hmac.new(_DECOY_SECRET, name_key(username).encode(), hashlib.sha256).digest()[:16]
    return (salt, *_decoy_keys())


def new_mechanism(name: str, store: AccountStore, certfp: str | None) -> Mechanism:
    """The mechanism called name (one of mechanisms(certfp)) for one attempt."""
    if name == EXTERNAL and certfp:
        return External(store, certfp)
    return Plain(store) if name == "PLAIN" else Scram(store)


@dataclass(eq=False)
class Exchange:
    """One SASL attempt in progress on a client: its mechanism and the chunks received so far."""

    mechanism: Mechanism
    buffer: list[str] = field(default_factory=list)
    size: int = 0
