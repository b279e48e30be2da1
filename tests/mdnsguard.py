"""Keeps the suite's multicast on loopback: every Zeroconf made in a test process must be pinned
to 127.0.0.1 or ::1; any other is refused and recorded, so the test that made it fails even
where the code under test swallows the error. Subprocesses inherit LOCALCHAT_MDNS_INTERFACES."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from zeroconf import Zeroconf

ENV = {"LOCALCHAT_MDNS_INTERFACES": "127.0.0.1"}  # what app/__main__ browses on in subprocesses
violations: list[str] = []
made: list[list[str]] = []


def loopback_only(interfaces: object) -> bool:
    """True when interfaces is a non-empty list of loopback addresses."""
    if not isinstance(interfaces, list | tuple) or not interfaces:
        return False
    try:
        return all(ipaddress.ip_address(str(i)).is_loopback for i in interfaces)
    except ValueError:
        return False


@contextmanager
def guarded() -> Iterator[None]:
    """While active, Zeroconf(...) refuses interfaces other than loopback addresses."""
    original: Callable[..., None] = Zeroconf.__init__

    def init(self: Zeroconf, *args: Any, **kwargs: Any) -> None:
        interfaces = kwargs.get("interfaces", args[0] if args else None)
        if not loopback_only(interfaces):
            violations.append(repr(interfaces))
            raise AssertionError(f"a test made a Zeroconf on {interfaces!r}, not loopback")
        made.append(list(interfaces))  # type: ignore[arg-type]
        original(self, *args, **kwargs)

    Zeroconf.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        Zeroconf.__init__ = original  # type: ignore[method-assign]
