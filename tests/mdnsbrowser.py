"""A zeroconf browser on loopback for tests: what `_irc._tcp.local.` announces, waited for with
a deadline."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType

from zeroconf import IPVersion, ServiceBrowser, ServiceInfo, ServiceStateChange, Zeroconf

from ircproto.dnssd import SERVICE_TYPE

DEADLINE = 10.0


class LoopbackBrowser:
    """Browses `_irc._tcp.local.` on 127.0.0.1; `services` maps names to their resolved info."""

    def __init__(self) -> None:
        self.zeroconf = Zeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
        self.services: dict[str, ServiceInfo] = {}
        self.removed: set[str] = set()
        self._changed = threading.Condition()
        self.browser = ServiceBrowser(self.zeroconf, SERVICE_TYPE, handlers=[self._on_change])

    def _on_change(self, zeroconf: Zeroconf, service_type: str, name: str,
                   state_change: ServiceStateChange) -> None:
        info = None
        if state_change is not ServiceStateChange.Removed:
            info = zeroconf.get_service_info(service_type, name, timeout=3000)
        with self._changed:
            if info is None:
                self.services.pop(name, None)
                self.removed.add(name)
            else:
                self.services[name] = info
                self.removed.discard(name)
            self._changed.notify_all()

    def wait_for(self, what: str, check: Callable[[], bool],
                 timeout: float = DEADLINE) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not check():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {what} within {timeout} s: {self.services}")
                self._changed.wait(left)

    def found(self, name: str, timeout: float = DEADLINE) -> ServiceInfo:
        self.wait_for(f"announcement of {name}", lambda: name in self.services, timeout)
        return self.services[name]

    def gone(self, name: str, timeout: float = DEADLINE) -> None:
        self.wait_for(f"withdrawal of {name}", lambda: name in self.removed, timeout)

    def close(self) -> None:
        self.browser.cancel()
        self.zeroconf.close()

    def __enter__(self) -> LoopbackBrowser:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
