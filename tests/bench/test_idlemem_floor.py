"""bench.idlemem's floor: a bare interpreter's waiting threads cost some RSS each (at least a
page of stack), measured in a child process."""

from __future__ import annotations

from bench.idlemem import bare_thread_kib


def test_a_waiting_thread_costs_at_least_a_page():
    assert 4.0 <= bare_thread_kib(50, 512) < 512
