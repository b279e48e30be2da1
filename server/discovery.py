"""Advertise the running server over mDNS/DNS-SD (python-zeroconf) on the addresses it listens on.

The Advertiser runs in threads of its own (`mdns-advertise` registers, zeroconf's event loop
thread answers queries) and never touches State or any server lock. A failure (no multicast, no
interface) is one warning in the log; the server goes on without being found.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ifaddr
from zeroconf import InterfaceChoice, IPVersion, ServiceInfo, Zeroconf

from ircproto.dnssd import SERVICE_TYPE, ServiceTxt, build_txt
from server.listenaddress import DUAL

log = logging.getLogger("server.discovery")
REGISTER_TIMEOUT = 5.0  # how long stop() waits for a registration still under way

Interfaces = Sequence[str] | InterfaceChoice
ZeroconfFactory = Callable[[Interfaces, IPVersion], Zeroconf]


def default_instance_name() -> str:
    """'LocalChat on HOSTNAME' (the host's short name)."""
    host = (socket.gethostname() or "localhost").split(".")[0]
    return f"LocalChat on {host}"[:63]


@dataclass(frozen=True, slots=True)
class Announcement:
    """One server as announced: instance name, the listening address and port, and its TXT."""

    name: str
    host: str
    port: int
    txt: ServiceTxt

    def service_info(self) -> ServiceInfo:
        return ServiceInfo(
            SERVICE_TYPE, f"{self.name}.{SERVICE_TYPE}", port=self.port,
            parsed_addresses=addresses_for(self.host), properties=build_txt(self.txt),
            server=f"{socket.gethostname().split('.')[0] or 'localchat'}.local.")


def is_wildcard(host: str) -> bool:
    return host in ("", "0.0.0.0", "::", DUAL)


def ip_version(host: str) -> IPVersion:
    if host == DUAL:
        return IPVersion.All
    return IPVersion.V6Only if ":" in listen_ip(host) else IPVersion.V4Only


def listen_ip(host: str) -> str:
    """host as an IP address ('localhost' -> '127.0.0.1'); a wildcard stays as it is.
    OSError when a name does not resolve."""
    if is_wildcard(host):
        return host
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return str(socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)[0][4][0])


def interfaces_for(host: str) -> Interfaces:
    """Where to send: every interface for a wildcard address ('*' included), else that address
    alone."""
    return InterfaceChoice.All if is_wildcard(host) else [listen_ip(host)]


def addresses_for(host: str) -> list[str]:
    """The addresses a client can reach the server on: host itself, or for a wildcard every
    address of the host's interfaces in that family, loopback only when there is nothing else
    (another machine cannot use 127.0.0.1)."""
    if not is_wildcard(host):
        return [listen_ip(host)]
    if host == DUAL:  # dual-stack: IPv4 as for 0.0.0.0, and the IPv6 addresses others can use
        return addresses_for("0.0.0.0") + [a for a in addresses_for("::")
                                           if not ipaddress.ip_address(a).is_loopback
                                           and not ipaddress.ip_address(a).is_link_local]
    version = 6 if ":" in host else 4
    found = [ipaddress.ip_address(ip.ip if isinstance(ip.ip, str) else ip.ip[0])
             for adapter in ifaddr.get_adapters() for ip in adapter.ips]
    usable = [a for a in found if a.version == version]
    outside = [a for a in usable if not a.is_loopback and not a.is_link_local]
    return [str(a) for a in (outside or usable)]


def _zeroconf(interfaces: Interfaces, version: IPVersion) -> Zeroconf:
    return Zeroconf(interfaces=interfaces, ip_version=version)


class Advertiser:
    """Registers an Announcement, re-announces it when it changes, withdraws it on stop()."""

    def __init__(self, factory: ZeroconfFactory = _zeroconf) -> None:
        self._factory = factory
        self._zeroconf: Zeroconf | None = None
        self._info: ServiceInfo | None = None
        self._thread: threading.Thread | None = None
        self.registered = threading.Event()
        self.failed = threading.Event()

    @property
    def instance_name(self) -> str | None:
        """The full service name registered (zeroconf may add ' (2)' on a clash)."""
        return self._info.name if self._info is not None else None

    def start(self, announcement: Announcement) -> None:
        """Register in the `mdns-advertise` thread (probing takes a second or two)."""
        self._thread = threading.Thread(target=self._register, args=(announcement,),
                                        name="mdns-advertise", daemon=True)
        self._thread.start()

    def _register(self, announcement: Announcement) -> None:
        try:
            self._zeroconf = self._factory(interfaces_for(announcement.host),
                                           ip_version(announcement.host))
            info = announcement.service_info()
            self._zeroconf.register_service(info, allow_name_change=True)
            self._info = info
            self.registered.set()
            log.info("advertised as %r on %s (mDNS)", info.name, announcement.host or "*")
        except Exception as error:  # no multicast, no interface, a bad address: not fatal
            log.warning("cannot advertise the server on the LAN (mDNS): %s", error)
            self.failed.set()
            self._close()

    def update(self, announcement: Announcement) -> None:
        """Re-announce with a new port or TXT (a new certificate); nothing when unchanged (waits
        for a registration still under way)."""
        self._wait_registered()
        if self._zeroconf is None or self._info is None:
            return
        info = announcement.service_info()
        info.name = self._info.name  # keep the name the clash check chose
        if (info.port, info.properties, info.addresses) == \
                (self._info.port, self._info.properties, self._info.addresses):
            return
        try:
            self._zeroconf.update_service(info)
            self._info = info
        except Exception as error:
            log.warning("cannot re-announce the server (mDNS): %s", error)

    def stop(self) -> None:
        """Withdraw the announcement (a goodbye packet) and close zeroconf's threads."""
        self._wait_registered()
        if self._zeroconf is not None and self._info is not None:
            try:
                self._zeroconf.unregister_service(self._info)
            except Exception as error:
                log.warning("cannot withdraw the mDNS announcement: %s", error)
        self._close()

    def _wait_registered(self) -> None:
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(REGISTER_TIMEOUT)

    def _close(self) -> None:
        zeroconf, self._zeroconf = self._zeroconf, None
        if zeroconf is not None:
            zeroconf.close()
