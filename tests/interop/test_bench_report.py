"""The bench's measuring and reporting helpers: kernel socket queues from /proc, and the table."""

from __future__ import annotations

import socket
import sys

import pytest

from bench.details import format_table
from bench.servers import kernel_bytes, listen_overflows, tcp_queues

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/net")


@linux_only
def test_bench_kernel_bytes_counts_what_a_client_left_unread() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            server_side, _ = listener.accept()
            with server_side:
                server_side.sendall(b"x" * 1000)  # loopback: queued at the client at once
                client_port = client.getsockname()[1]
                assert tcp_queues(client_port, port) == (0, 1000)
                assert kernel_bytes(client, port) == 1000
                assert client.recv(2000) == b"x" * 1000
                assert kernel_bytes(client, port) == 0
    assert tcp_queues(client_port, 9) is None  # no such connection


@linux_only
def test_bench_listen_overflows_reads_a_counter() -> None:
    assert listen_overflows() >= 0


def test_bench_table_shows_both_servers_and_their_ratio() -> None:
    results = {
        "localchat": {"register": {"seconds": 2.0}, "rss_idle_mb": 50.0,
                      "stall": {"dropped": True}},
        "ngircd": {"register": {"seconds": 0.5}, "rss_idle_mb": 0.0, "stall": {"dropped": True}},
    }
    rows = {line.split("  ")[0]: line.split() for line in format_table(results).splitlines()}
    assert rows["register (s)"][-3:] == ["2.00", "0.50", "4.00"]
    assert rows["RSS, clients idle (MB)"][-1] == "-"  # no ratio to a zero
    assert rows["stall: reader dropped"][-3:] == ["True", "True", "-"]
    assert rows["fixed rate: p99 (ms)"][-3:] == ["-", "-", "-"]  # missing figures


def test_bench_table_without_ngircd_has_no_ratio_column() -> None:
    table = format_table({"localchat": {"register": {"seconds": 1.25}}})
    header, first = table.splitlines()[:2]
    assert "LocalChat/ngircd" not in header
    assert first.split()[-1] == "1.25"
