"""The TLS trust step (trust on first use): go on with the pinned certificate, refuse a changed
one, ask the user about a new one and pin it (SettingsStore.forget_pin removes a pin)."""

from __future__ import annotations

from collections.abc import Callable

from app.controllers.link import ConnectionLike, Link
from app.controllers.presenter import Presenter
from app.models.log import EntryKind, LogEntry
from app.models.settings import SettingsStore
from app.models.trust import CertificateReceived, Verdict, check, fingerprint_halves, server_key

Refuse = Callable[[str, str], list[LogEntry]]
"""Ends the connection before registering: (reason for the connect dialog, the log line)."""
Refused = Callable[[str], None]
"""Remembers why the user refused, for when the connection reports its end."""


class TrustStep:
    """Answers a connection's CertificateReceived from the pins in store, or from the user."""

    def __init__(self, link: Link, store: SettingsStore, presenter: Presenter,
                 refuse: Refuse, refused: Refused, announced: Callable[[], str] = str) -> None:
        """announced: the fingerprint the server we connect to announced on the LAN ('')."""
        self._announced = announced
        self._link = link
        self._store = store
        self._presenter = presenter
        self._refuse = refuse
        self._refused = refused

    def check(self, item: CertificateReceived) -> list[LogEntry]:
        """The server showed its certificate: go on when it is the pinned one, refuse a changed
        one, ask the user about a new one (the connection holds until answered)."""
        connection = self._link.connection
        assert connection is not None
        server_id = server_key(item.host, item.port)
        pins = self._store.load().pins
        verdict = check(pins, server_id, item.fingerprint)
        if verdict is Verdict.SAME:
            connection.trust_certificate(True)
            return []
        if verdict is Verdict.CHANGED:
            connection.trust_certificate(False)
            pinned = pins[server_id]
            return self._refuse(
                certificate_changed(server_id, pinned, item.fingerprint),
                f"Refused to connect: the TLS certificate of {server_id} has CHANGED from "
                f"the pinned SHA-256 {pinned} to {item.fingerprint}. Only if its owner "
                f"made a new one, remove the pin with /forget-cert {server_id}")
        self._link.while_open(0, lambda: self._ask(connection, item))
        return [self._presenter.entry(f"{server_id} presents a TLS certificate not seen before, "
                                      f"SHA-256 fingerprint {item.fingerprint}")]

    def _ask(self, connection: ConnectionLike, item: CertificateReceived) -> None:
        server_id = server_key(item.host, item.port)
        trusted = self._presenter.view.confirm_certificate(server_id, item.fingerprint,
                                                           self._announced())
        if connection is not self._link.connection:  # closed or replaced while asking
            return
        if not trusted:
            self._refused(f"You did not trust the certificate of {server_id}; not connected")
            connection.trust_certificate(False)
            return
        entry = self._presenter.entry
        entries = [entry(f"Trusted the certificate of {server_id} (SHA-256 "
                         f"{item.fingerprint}); it is pinned for later connections")]
        pins = {**self._store.load().pins, server_id: item.fingerprint}
        if not self._store.update(pins=pins):
            entries.append(entry(f"Could not save the pinned certificate to {self._store.path}: "
                                 f"you will be asked again next time", EntryKind.ERROR))
        self._presenter.show(entries)
        connection.trust_certificate(True)


def certificate_changed(server_id: str, pinned: str, presented: str) -> str:
    """The warning for a certificate that is not the pinned one, naming both SHA-256
    fingerprints (each on two lines of its own; the log shows it as one line)."""
    return "\n".join([
        f"The TLS certificate of {server_id} has CHANGED, so LocalChat did not connect.",
        "Pinned:", *_indented(fingerprint_halves(pinned)),
        "Presented now:", *_indented(fingerprint_halves(presented)),
        "Someone may be pretending to be the server. If its owner really made a new "
        f"certificate, remove the pin (run localchat --forget-cert {server_id}, or type "
        f"/forget-cert {server_id} in a chat window) and connect again."])


def _indented(lines: tuple[str, ...]) -> list[str]:
    return [f"    {line}" for line in lines]
