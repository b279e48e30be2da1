"""Where a listener binds: '*' is every address, IPv4 and IPv6, on one IPv6 socket with
IPV6_V6ONLY off (IPv4 only where the host has no IPv6); '0.0.0.0', '::' or one address narrow
it. IPv4 peers of a dual-stack socket are named by their plain IPv4 address."""

from __future__ import annotations

import errno
import ipaddress
import socket
from dataclasses import dataclass

DUAL = "*"  # every address, IPv4 and IPv6 (the default)
NO_IPV6 = (errno.EAFNOSUPPORT, errno.EADDRNOTAVAIL, errno.EPROTONOSUPPORT)


@dataclass(frozen=True, slots=True)
class BindPlan:
    """family and address to bind; v6only for an IPv6 socket; host as announced ('*' for
    dual-stack)."""

    family: socket.AddressFamily
    address: str
    v6only: bool
    host: str

    @property
    def dual(self) -> bool:
        return self.family == socket.AF_INET6 and not self.v6only


IPV4_ANY = BindPlan(socket.AF_INET, "0.0.0.0", False, "0.0.0.0")


def bind_plan(host: str) -> BindPlan:
    """How to listen on host (see the module docstring)."""
    if host == DUAL:
        return BindPlan(socket.AF_INET6, "::", False, DUAL) if socket.has_ipv6 else IPV4_ANY
    if ":" in host:
        return BindPlan(socket.AF_INET6, host, True, host)
    return BindPlan(socket.AF_INET, host, False, host)


def without_ipv6(error: OSError) -> bool:
    """Whether binding failed because the host has no IPv6 (then '*' falls back to IPv4)."""
    return error.errno in NO_IPV6


def unmapped(address: str) -> str:
    """'::ffff:192.0.2.7' (an IPv4 peer of a dual-stack socket) -> '192.0.2.7'; others as
    they are."""
    if not address.startswith("::ffff:"):
        return address
    try:
        mapped = ipaddress.IPv6Address(address).ipv4_mapped
    except ValueError:
        return address
    return str(mapped) if mapped is not None else address


def describe(plan: BindPlan, port: int) -> str:
    """For the log: '*:13333 (IPv4 and IPv6)', '127.0.0.1:13333', '[::1]:13333'."""
    if plan.dual:
        return f"*:{port} (IPv4 and IPv6)"
    return f"[{plan.host}]:{port}" if ":" in plan.host else f"{plan.host}:{port}"
