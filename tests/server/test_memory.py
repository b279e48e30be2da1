"""When the server gives its free C heap back (server.memory): after many clients left, not under
a steady load; and the liveness thread does it in a real server."""

from __future__ import annotations

import platform
import threading
from dataclasses import replace

from server.memory import MIN_LEFT, Trimmer, glibc_trim
from server.tcp import start_server_thread
from tests.server.conftest import TEST_CONFIG
from tests.server.ircclient import RawClient


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def trimmer(every: float = 60.0) -> tuple[Trimmer, list[float], Clock]:
    clock, calls = Clock(), []
    return Trimmer(lambda: calls.append(clock.now), every, clock), calls, clock


def test_trimmer_never_trims_under_a_steady_load():
    trim, calls, clock = trimmer()
    for count in [200, 195, 200, 190, 200] * 40:  # churners leave and come back
        clock.now += 5
        assert not trim.check(count)
    assert calls == []


def test_trimmer_trims_once_after_most_clients_left():
    trim, calls, clock = trimmer()
    trim.check(200)
    clock.now += 61
    assert trim.check(3)
    assert calls == [clock.now] and trim.trims == 1
    clock.now += 600
    assert not trim.check(3) and not trim.check(0)  # nothing more has left since
    assert trim.trims == 1


def test_trimmer_waits_its_interval_between_two_trims():
    trim, calls, clock = trimmer(every=60.0)
    trim.check(200)
    clock.now += 61
    assert trim.check(100)
    trim.check(100)
    clock.now += 30
    assert not trim.check(0)  # due, but only 30 s after the last trim
    clock.now += 30
    assert trim.check(0)
    assert len(calls) == 2


def test_trimmer_ignores_a_few_departures():
    trim, calls, clock = trimmer()
    trim.check(MIN_LEFT - 1)
    clock.now += 600
    assert not trim.check(0)  # fewer than MIN_LEFT left
    trim.check(1000)
    assert not trim.check(1000 - 200)  # 200 left, under a quarter of the peak
    assert trim.check(1000 - 250)
    assert len(calls) == 1


def test_trimmer_without_malloc_trim_does_nothing():
    trim = Trimmer(None, every=0.0)
    trim.check(500)
    assert not trim.check(0) and trim.trims == 0


def test_glibc_trim_is_found_and_callable_on_glibc():
    trim = glibc_trim()
    if platform.libc_ver()[0] == "glibc":
        assert trim is not None
        assert trim() in (0, 1)  # 1: memory was given back, 0: none could be
    else:
        assert trim is None


def test_server_trims_in_its_liveness_thread_once_clients_left():
    config = replace(TEST_CONFIG, ping_interval=0.4)  # liveness runs every 0.1 s
    with start_server_thread(config) as server:
        trimmed = threading.Event()
        server.hub.trimmer = Trimmer(trimmed.set, every=0.0)
        clients = [RawClient(server.server_address) for _ in range(MIN_LEFT)]
        try:
            for client in clients:
                client.send("CAP LS 302")
                client.expect(command="CAP")  # the server holds it as a client now
            assert not trimmed.wait(0.3)  # a steady count: no trim
        finally:
            for client in clients:
                client.close()
        assert trimmed.wait(5.0)
