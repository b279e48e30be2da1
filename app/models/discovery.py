"""The chat servers found on the LAN: a live zeroconf ServiceBrowser over `_irc._tcp.local.`.

zeroconf calls back on its own threads; the model only keeps what it found under its lock, and
the view reads `servers()` (a snapshot) from the Tk thread. A failure to browse (no multicast, no
interface) is kept as `problem`, logged once, and never raised.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from zeroconf import InterfaceChoice, ServiceBrowser, ServiceInfo, ServiceStateChange, Zeroconf

from ircproto.dnssd import SERVICE_TYPE, ServiceTxt, TxtError, parse_txt

log = logging.getLogger(__name__)
RESOLVE_TIMEOUT_MS = 3000
INTERFACES_ENV = "LOCALCHAT_MDNS_INTERFACES"

Interfaces = Sequence[str] | InterfaceChoice
ZeroconfFactory = Callable[[Interfaces], Zeroconf]


@dataclass(frozen=True, slots=True)
class DiscoveredServer:
    """One server as announced: its instance name, an address and port, and its TXT."""

    name: str
    address: str
    port: int
    txt: ServiceTxt = field(default_factory=ServiceTxt)

    @property
    def tls_port(self) -> int | None:
        return self.txt.tls_port

    @property
    def fingerprint(self) -> str | None:
        return self.txt.fingerprint

    @property
    def password(self) -> bool:
        return self.txt.password

    @property
    def channel(self) -> str:
        return self.txt.channel


def instance_label(service_name: str) -> str:
    """'LocalChat on pc._irc._tcp.local.' -> 'LocalChat on pc'."""
    suffix = "." + SERVICE_TYPE
    return service_name[:-len(suffix)] if service_name.endswith(suffix) else service_name


def server_from_info(info: ServiceInfo) -> DiscoveredServer:
    """The DiscoveredServer info describes (its first IPv4 address, else its first address);
    TxtError for a TXT LocalChat cannot read, ValueError when it has no address or port."""
    addresses = info.parsed_scoped_addresses()
    if not addresses or not info.port:
        raise ValueError(f"{info.name} announces no address or port")
    address = min(addresses, key=_preference)
    return DiscoveredServer(instance_label(info.name), address, info.port,
                            parse_txt(info.properties))


def interfaces_from(environ: Mapping[str, str]) -> Interfaces | None:
    """Where to browse: every interface, or $LOCALCHAT_MDNS_INTERFACES (addresses separated by
    commas, e.g. 127.0.0.1 for tests and `make run`); None when it says 'off'."""
    value = environ.get(INTERFACES_ENV, "").strip()
    if value.lower() == "off":
        return None
    addresses = [part.strip() for part in value.split(",") if part.strip()]
    return addresses or InterfaceChoice.All


def _preference(address: str) -> tuple[bool, bool, bool]:
    """IPv4 before IPv6, a LAN address before loopback and link-local ones."""
    ip = ipaddress.ip_address(address.split("%")[0])
    return ip.version == 6, ip.is_loopback, ip.is_link_local


def _zeroconf(interfaces: Interfaces) -> Zeroconf:
    return Zeroconf(interfaces=interfaces)


class Discovery:
    """Browses while started; servers() is what is announced now, sorted by name."""

    def __init__(self, interfaces: Interfaces = InterfaceChoice.All,
                 factory: ZeroconfFactory = _zeroconf,
                 on_change: Callable[[], None] = lambda: None) -> None:
        """on_change runs on zeroconf's thread after each change (the view polls instead)."""
        self._interfaces = interfaces
        self._on_change = on_change
        self._factory = factory
        self._lock = threading.Lock()
        self._found: dict[str, DiscoveredServer] = {}
        self._zeroconf: Zeroconf | None = None
        self._browser: ServiceBrowser | None = None
        self.problem = ""

    def start(self) -> None:
        """Start browsing (once); a failure becomes `problem`."""
        if self._zeroconf is not None or self.problem:
            return
        try:
            self._zeroconf = self._factory(self._interfaces)
            self._browser = ServiceBrowser(self._zeroconf, SERVICE_TYPE,
                                           handlers=[self._changed])
        except Exception as error:  # no multicast, no interface: connecting by address works
            self.problem = f"Looking for servers on the network failed ({error})."
            log.warning("LAN discovery is off: %s", error)
            self.stop()

    def servers(self) -> list[DiscoveredServer]:
        with self._lock:
            return sorted(self._found.values(), key=lambda s: (s.name.lower(), s.address))

    def announced_fingerprint(self, host: str, tls_port: int) -> str | None:
        """The fingerprint a server at host announces for its TLS port, if one does."""
        return next((s.fingerprint for s in self.servers()
                     if s.address == host and s.tls_port == tls_port and s.fingerprint), None)

    def stop(self) -> None:
        browser, self._browser = self._browser, None
        zeroconf, self._zeroconf = self._zeroconf, None
        if browser is not None:
            browser.cancel()
        if zeroconf is not None:
            zeroconf.close()

    def _changed(self, zeroconf: Zeroconf, service_type: str, name: str,
                 state_change: ServiceStateChange) -> None:
        """zeroconf's browser thread: resolve an added or updated service, drop a removed one."""
        if state_change is ServiceStateChange.Removed:
            with self._lock:
                self._found.pop(name, None)
            self._on_change()
            return
        info = zeroconf.get_service_info(service_type, name, timeout=RESOLVE_TIMEOUT_MS)
        try:
            if info is None:
                raise ValueError(f"{name} did not answer")
            server = server_from_info(info)
        except (TxtError, ValueError) as error:
            log.warning("ignoring the announcement of %s: %s", name, error)
            with self._lock:
                self._found.pop(name, None)
            self._on_change()
            return
        with self._lock:
            self._found[name] = server
        self._on_change()
