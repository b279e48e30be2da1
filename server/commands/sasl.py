"""AUTHENTICATE: IRCv3 SASL (sasl-3.1, sasl-3.2) with PLAIN, SCRAM-SHA-256 and, on a TLS
connection with a client certificate, EXTERNAL (server.sasl).

Responses arrive base64 in 400-byte chunks (`+` ends one that filled its last chunk, or is an
empty response); each complete response is one mechanism step, deferred work that runs outside
the state lock (it verifies the password). Changing accounts is not offered: once logged in,
AUTHENTICATE gets 907. An attempt still going when registration completes is aborted (906).
"""

from __future__ import annotations

import base64
import binascii
import logging
import sqlite3

from ircproto import numerics as n
from ircproto.message import Message
from server.commands.accounts import log_in
from server.commands.base import Context, Finish, ReplyError
from server.sasl import CHUNK, FAILED, MAX_RESPONSE, Exchange, Step, mechanisms, new_mechanism

log = logging.getLogger(__name__)


def sasl_failed() -> ReplyError:
    return ReplyError(n.ERR_SASLFAIL, "SASL authentication failed")


def abort_sasl(ctx: Context) -> None:
    """Abort the attempt in progress, if any: 906 ERR_SASLABORTED."""
    if ctx.session.sasl is not None:
        ctx.session.sasl = None
        ctx.reply(n.ERR_SASLABORTED, "SASL authentication aborted")


# AUTHENTICATE {<mechanism> | <base64 chunk> | + | *}
def handle_authenticate(ctx: Context, message: Message) -> None:
    client, param = ctx.session, message.params[0]
    if "sasl" not in client.caps:
        raise ReplyError(n.ERR_SASLFAIL, "Enable the sasl capability first (CAP REQ sasl)")
    if client.account is not None:
        raise ReplyError(n.ERR_SASLALREADY, "You have already authenticated using SASL")
    if param == "*":
        client.sasl = None
        raise ReplyError(n.ERR_SASLABORTED, "SASL authentication aborted")
    exchange = client.sasl
    if exchange is None:
        start(ctx, param.upper())
        return
    if len(param) > CHUNK or exchange.size + len(param) > MAX_RESPONSE:
        client.sasl = None
        raise ReplyError(n.ERR_SASLTOOLONG, "SASL message too long")
    if param != "+":
        exchange.buffer.append(param)
        exchange.size += len(param)
    if len(param) == CHUNK:
        return  # more of this response follows
    data = "".join(exchange.buffer)
    exchange.buffer, exchange.size = [], 0
    try:
        response = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        client.sasl = None
        raise sasl_failed() from None
    ctx.defer(lambda: run_step(exchange, response))


def start(ctx: Context, mechanism: str) -> None:
    """AUTHENTICATE <mechanism>: all ours are client-first, so an empty challenge. EXTERNAL
    without a client certificate is not available: 908 and 904, as for an unknown one."""
    certfp = ctx.session.certfp
    available = mechanisms(certfp)
    if mechanism not in available:
        ctx.reply(n.RPL_SASLMECHS, ",".join(available), "are available SASL mechanisms")
        raise sasl_failed()
    ctx.session.sasl = Exchange(new_mechanism(mechanism, ctx.state.accounts, certfp))
    ctx.send(ctx.session, Message("AUTHENTICATE", ("+",), ctx.server_name))


def run_step(exchange: Exchange, response: bytes) -> Finish:
    """Deferred work (no lock held): one mechanism step; the Finish answers under the lock."""
    try:
        step = exchange.mechanism.step(response)
    except sqlite3.Error:
        log.exception("cannot read the account store for SASL")
        step = FAILED
    return lambda ctx: answer_step(ctx, exchange, step)


def answer_step(ctx: Context, exchange: Exchange, step: Step) -> None:
    client = ctx.session
    if client.sasl is not exchange:  # aborted meanwhile
        return
    if step.challenge is not None:
        send_challenge(ctx, step.challenge)
        return
    client.sasl = None
    if step.account is None:
        raise sasl_failed()
    log_in(ctx, step.account)
    ctx.reply(n.RPL_SASLSUCCESS, "SASL authentication successful")


def send_challenge(ctx: Context, challenge: bytes) -> None:
    """challenge base64 in 400-byte AUTHENTICATE lines; `+` after a full last one (or none)."""
    data = base64.b64encode(challenge).decode("ascii")
    chunks = [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)]
    if not chunks or len(chunks[-1]) == CHUNK:
        chunks.append("+")
    for chunk in chunks:
        ctx.send(ctx.session, Message("AUTHENTICATE", (chunk,), ctx.server_name))
