"""Reloading the TLS listener's certificate and key from disk (SIGHUP, or
ServerHandle.reload_certificate()): new connections get the new certificate, open ones keep
theirs; files that do not load are one logged error and the old certificate stays in use.

The listener's `tls_context` is swapped by one attribute assignment on the caller's thread (the
main thread under `python -m server`); a reader reads it once, as its connection starts, and its
pyOpenSSL Connection keeps the context it was made with. No lock is needed or taken.
"""

from __future__ import annotations

import logging
from typing import Protocol

from OpenSSL import SSL

from server.config import ServerConfig
from server.tls import TlsSetupError, listener_context, served_fingerprint

log = logging.getLogger("server.tls")


class TlsListener(Protocol):
    """The part of server.listener.Listener a reload changes."""

    tls_context: SSL.Context | None


def reload_listener(listener: TlsListener, config: ServerConfig) -> str | None:
    """Load config's certificate and key again and serve them on listener's new connections;
    the new fingerprint, or None (logged as an error) when they do not load."""
    old = listener.tls_context
    if old is None:
        raise ValueError("not a TLS listener")
    try:
        context = listener_context(config)
    except TlsSetupError as error:
        log.error("TLS certificate not reloaded, still serving the one with SHA-256 "
                  "fingerprint %s: %s", served_fingerprint(old), error)
        return None
    listener.tls_context = context
    new = served_fingerprint(context)
    if new == served_fingerprint(old):
        log.info("TLS certificate reloaded; it is the same certificate as before")
    else:
        log.info("TLS certificate reloaded: new connections get SHA-256 fingerprint %s", new)
    return new
