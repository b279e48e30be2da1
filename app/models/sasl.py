"""The client's side of SASL (IRCv3 sasl 3.1/3.2): which mechanism to use, each mechanism's
responses, and AUTHENTICATE's base64 in 400-byte chunks.

Choice: SCRAM-SHA-256 whenever the server offers it: the password never crosses the wire and
the server proves it holds the account's verifier (scramp does the arithmetic). PLAIN (the
password itself, base64) only over TLS, where it is encrypted, or when the server offers
nothing else (sasl=PLAIN, or a 3.1 server that lists no mechanisms): on a LAN server that can
do no better, logging in in the clear still keeps the nick and its private history from anyone
who merely types the same name, which being a guest would not."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable

import scramp

CHUNK = 400
SCRAM = "SCRAM-SHA-256"
PLAIN = "PLAIN"


class SaslError(Exception):
    """The server's challenge makes no sense, or its proof is wrong: abort the exchange."""


def choose(offered: Iterable[str], tls: bool) -> str | None:
    """The mechanism to use given the server's list (empty: it did not say), or None."""
    mechanisms = {name.upper() for name in offered if name}
    if SCRAM in mechanisms:
        return SCRAM
    if PLAIN in mechanisms and (tls or mechanisms == {PLAIN}):
        return PLAIN
    if not mechanisms:
        return PLAIN if tls else SCRAM
    return None


class Mechanism:
    """One exchange: respond() answers each server challenge with our response."""

    def __init__(self, name: str, account: str, password: str) -> None:
        self.name = name
        self._account, self._password = account, password
        self._scram: scramp.ScramClient | None = None
        self._step = 0

    def respond(self, challenge: bytes) -> bytes:
        """Our response to challenge (the first one is empty); SaslError when it is wrong."""
        self._step += 1
        if self.name == PLAIN:
            if self._step > 1:
                raise SaslError("the server asked more of PLAIN than one response")
            return b"\0".join(part.encode("utf-8") for part in
                              ("", self._account, self._password))
        return self._scram_step(challenge)

    def _scram_step(self, challenge: bytes) -> bytes:
        try:
            if self._step == 1:
                self._scram = scramp.ScramClient([SCRAM], self._account, self._password)
                return self._scram.get_client_first().encode("utf-8")
            assert self._scram is not None
            if self._step == 2:
                self._scram.set_server_first(challenge.decode("utf-8"))
                return self._scram.get_client_final().encode("utf-8")
            if self._step == 3:
                self._scram.set_server_final(challenge.decode("utf-8"))
                return b""
        except (scramp.ScramException, UnicodeDecodeError) as error:
            raise SaslError(f"the server's SCRAM message was refused: {error}") from error
        raise SaslError("the server asked more of SCRAM than it has steps")


class ChunkReader:
    """Collects a server's AUTHENTICATE lines into one challenge."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    def add(self, chunk: str) -> bytes | None:
        """The whole challenge once chunk ended it (a short chunk, or '+'), else None;
        SaslError for base64 that is not."""
        if chunk != "+":
            self._parts.append(chunk)
        if len(chunk) == CHUNK:
            return None
        data, self._parts = "".join(self._parts), []
        try:
            return base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError) as error:
            raise SaslError("the server's AUTHENTICATE was not base64") from error


def chunks(response: bytes) -> list[str]:
    """response as AUTHENTICATE params: base64 in 400-byte pieces, '+' after a full last one
    (or alone, for an empty response)."""
    data = base64.b64encode(response).decode("ascii")
    pieces = [data[i:i + CHUNK] for i in range(0, len(data), CHUNK)]
    if not pieces or len(pieces[-1]) == CHUNK:
        pieces.append("+")
    return pieces
