"""CERTFP: a logged-in client manages the TLS client certificates that log its account in with
SASL EXTERNAL (fingerprints in server.accounts). The account store is used in deferred work
only, never under the state lock; replies are `CERTFP SUCCESS <sub> ...` or `FAIL CERTFP ...`.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from ircproto.message import Message
from server.accounts import (
    MAX_CERTFPS,
    AccountStore,
    CertfpTaken,
    NoSuchAccount,
    TooManyCertfps,
    parse_certfp,
)
from server.commands.accounts import failing
from server.commands.base import Context, Failure, Finish

log = logging.getLogger(__name__)


# CERTFP ADD | CERTFP DEL [<fingerprint>] | CERTFP LIST
def handle_certfp(ctx: Context, message: Message) -> None:
    client, sub = ctx.client, message.params[0].upper()
    if sub not in ("ADD", "DEL", "LIST"):
        raise Failure("UNKNOWN_COMMAND", message.params[0], "Unknown CERTFP subcommand "
                      "(ADD, DEL or LIST)")
    account, store = client.account, ctx.state.accounts
    if account is None:
        raise Failure("ACCOUNT_REQUIRED", sub, "Log in to your account first (SASL)")
    if sub == "LIST":
        ctx.defer(lambda: run(lambda: listing(store.certfps(account))))
        return
    if sub == "DEL" and len(message.params) > 1:
        try:
            fingerprint = parse_certfp(message.params[1])
        except ValueError:
            raise Failure("INVALID_FINGERPRINT", message.params[1],
                          "That is not a SHA-256 fingerprint (64 hex digits)") from None
    elif client.certfp is None:
        raise Failure("NO_CERTIFICATE", sub, "Connect with TLS and a client certificate first")
    else:
        fingerprint = client.certfp
    if sub == "ADD":
        ctx.defer(lambda: run(lambda: added(store, account, fingerprint)))
    else:
        ctx.defer(lambda: run(lambda: removed(store, account, fingerprint)))


def run(work: Callable[[], Finish]) -> Finish:
    """Deferred work (no lock held): the store's answer, or TEMPORARILY_UNAVAILABLE."""
    try:
        return work()
    except sqlite3.Error:
        log.exception("cannot use the account store for CERTFP")
        return failing(Failure("TEMPORARILY_UNAVAILABLE", "Certificates cannot be read or "
                               "stored right now; try again later"))


def added(store: AccountStore, account: str, fingerprint: str) -> Finish:
    try:
        new = store.add_certfp(account, fingerprint)
    except CertfpTaken:
        return failing(Failure("CERTFP_TAKEN", fingerprint,
                               "This certificate is registered to another account"))
    except TooManyCertfps:
        return failing(Failure("LIMIT_REACHED", fingerprint,
                               f"An account can have at most {MAX_CERTFPS} certificates"))
    except NoSuchAccount:
        return failing(Failure("ACCOUNT_REQUIRED", "ADD", "Your account no longer exists"))
    text = ("Certificate added: SASL EXTERNAL with it now logs in to " if new
            else "This certificate already logs in to ") + account
    return success("ADD", fingerprint, text)


def removed(store: AccountStore, account: str, fingerprint: str) -> Finish:
    if not store.remove_certfp(account, fingerprint):
        return failing(Failure("NOT_FOUND", fingerprint,
                               "That certificate is not registered to your account"))
    return success("DEL", fingerprint, "Certificate removed")


def listing(fingerprints: list[str]) -> Finish:
    """One `CERTFP LIST <fingerprint>` each, then `CERTFP SUCCESS LIST <count>`."""

    def finish(ctx: Context) -> None:
        for fingerprint in fingerprints:
            ctx.send(ctx.client, Message("CERTFP", ("LIST", fingerprint), ctx.server_name))
        count = len(fingerprints)
        ctx.send(ctx.client, Message("CERTFP", ("SUCCESS", "LIST", str(count),
                                                f"{count} certificates"), ctx.server_name))

    return finish


def success(sub: str, fingerprint: str, text: str) -> Finish:
    def finish(ctx: Context) -> None:
        reply = Message("CERTFP", ("SUCCESS", sub, fingerprint, text), ctx.server_name)
        ctx.send(ctx.client, reply)

    return finish

