"""Start a server in background threads and hold it: start_server_thread() -> ServerHandle.

    from server.config import ServerConfig
    from server.tcp import start_server_thread

    with start_server_thread(ServerConfig(host="127.0.0.1", port=0)) as handle:
        host, port = handle.server_address     # the real port the server is bound to
        ...                                    # connect real sockets to (host, port)
    # leaving the block (or handle.stop()) sends every client `ERROR :Server shutting down`,
    # closes every socket and joins every thread. Bugs seen while running (handler exceptions)
    # are recorded: stop() then raises ServerBugsError, unless the test took them first with
    # handle.take_errors(). Pass record_errors=False to only log them.

With config.tls_port a second listener serves TLS (server.tls), sharing the same hub. With
config.advertise the handle announces the server over mDNS (server.discovery) once it listens,
and withdraws the announcement first thing in stop(). handle.reload_certificate() (SIGHUP under
`python -m server`) loads the TLS certificate and key again and re-announces the new `fp=`.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from ircproto.dnssd import ServiceTxt
from ircproto.version import server_version
from server.config import ServerConfig
from server.discovery import Advertiser, Announcement, default_instance_name
from server.hub import Hub
from server.listener import Listener
from server.state import State
from server.tls import listener_context, served_fingerprint
from server.tlsreload import reload_listener

log = logging.getLogger(__name__)
ACCEPT_POLL = 0.05  # how often serve_forever checks for shutdown (stop() waits this long)


class ServerBugsError(AssertionError):
    """Raised by ServerHandle.stop() when the server hit bugs (unexpected exceptions)."""


class ServerHandle:
    """A running server (see the module docstring): server_address, tls_address, state, stop()."""

    def __init__(self, hub: Hub, plain: Listener, tls: Listener | None = None) -> None:
        self.hub = hub
        self._plain, self._tls = plain, tls
        self._threads = [
            threading.Thread(target=listener.serve_forever, args=(ACCEPT_POLL,), name=name,
                             daemon=True)
            for listener, name in ((plain, "irc-accept"), (tls, "irc-accept-tls"))
            if listener is not None
        ]
        self._stopped = False
        self.advertiser: Advertiser | None = None

    @property
    def server_address(self) -> tuple[str, int]:
        return self._plain.address

    @property
    def tls_address(self) -> tuple[str, int] | None:
        """Where the TLS listener is bound, when there is one."""
        return self._tls.address if self._tls is not None else None

    def listening(self) -> list[str]:
        """Where it listens, for the log: 'listening on *:13333 (IPv4 and IPv6)', then
        'listening for TLS on ...' when there is a TLS port."""
        found = [f"listening on {self._plain.listening}"]
        if self._tls is not None:
            found.append(f"listening for TLS on {self._tls.listening}")
        return found

    @property
    def tls_handshakes(self) -> int:
        """How many TLS handshakes are in progress now."""
        return self._tls.handshakes if self._tls is not None else 0

    @property
    def state(self) -> State:
        return self.hub.state

    def start(self) -> ServerHandle:
        self.hub.start()
        for thread in self._threads:
            thread.start()
        if self.hub.config.advertise:
            self._advertise()
        return self

    def _advertise(self) -> None:
        self.advertiser = Advertiser()
        self.advertiser.start(self.announcement())

    def reload_certificate(self) -> bool:
        """Load the TLS certificate and key from disk again (server.tlsreload): True when new
        connections now get them, and the announcement (if any) carries the new `fp=`; False
        (logged) without a TLS port or when the files do not load (the old one stays)."""
        if self._tls is None:
            log.warning("no TLS port, so no certificate to reload")
            return False
        if reload_listener(self._tls, self.hub.config) is None:
            return False
        if self.advertiser is not None:
            self.advertiser.update(self.announcement())
        return True

    def announcement(self) -> Announcement:
        """What the server announces on the LAN: where it listens, TLS, password, channel."""
        config = self.hub.config
        tls = self._tls.tls_context if self._tls is not None else None
        txt = ServiceTxt(
            tls_port=self._tls.address[1] if self._tls is not None else None,
            fingerprint=served_fingerprint(tls) if tls is not None else None,
            password=config.password is not None, channel=config.channel,
            version=server_version())
        return Announcement(config.advertise_name or default_instance_name(),
                            self._plain.plan.host, self.server_address[1], txt)

    def take_errors(self) -> list[BaseException]:
        """The bugs recorded so far (and forget them, so stop() does not raise for them)."""
        return self.hub.take_errors()

    def stop(self, raise_errors: bool = True) -> None:
        """Stop the server and join its threads; raise ServerBugsError if bugs were recorded."""
        if not self._stopped:
            self._stopped = True
            if self.advertiser is not None:
                self.advertiser.stop()
            self.hub.stop()
            for thread in self._threads:
                thread.join(2.0)
        errors = self.take_errors()
        if errors and raise_errors:
            raise ServerBugsError(f"the server hit {len(errors)} bug(s): {errors!r}") from errors[0]

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop(raise_errors=kind is None)


def start_server_thread(config: ServerConfig, record_errors: bool = True) -> ServerHandle:
    """Bind (raises OSError if an address is in use) and serve in background threads; with
    config.tls_port also a TLS listener (a self-signed certificate is made if none is given;
    server.tls.TlsSetupError when that fails)."""
    hub = Hub(config, record_errors)
    listeners: list[Listener] = []
    try:
        listeners.append(Listener(hub, config.port))
        if config.tls_port is not None:
            listeners.append(Listener(hub, config.tls_port, listener_context(config)))
    except BaseException:
        for listener in listeners:
            listener.server_close()
        hub.discard()
        raise
    for listener in listeners:
        hub.add_listener(listener)
    return ServerHandle(hub, *listeners).start()
