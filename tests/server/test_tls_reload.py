"""Reloading the TLS certificate (ServerHandle.reload_certificate(), SIGHUP): new connections
get the new one, open ones keep theirs, the LAN announcement carries the new fp=, and files
that do not load are a logged error with the old certificate still served."""

from __future__ import annotations

import hashlib
import logging
import queue
import re
import signal
import ssl
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import IO

import pytest

from ircproto.dnssd import SERVICE_TYPE, parse_txt
from server.tcp import ServerHandle, start_server_thread
from server.tls import CERT_NAME, KEY_NAME, fingerprint, make_self_signed
from tests.mdnsbrowser import LoopbackBrowser
from tests.server.conftest import config
from tests.server.ircclient import RawClient
from tests.server.test_main import run_server
from tests.server.test_tls import tls_client


def served_to(client: RawClient) -> str:
    """The fingerprint of the certificate the server showed client, as the server logs it."""
    assert isinstance(client.sock, ssl.SSLSocket)
    der = client.sock.getpeercert(binary_form=True)
    assert der is not None
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def replace_certificate(data_dir: Path) -> Path:
    """New self-made files in data_dir (as an operator would copy them in); a copy of the old
    certificate, for clients that still trust it."""
    old = data_dir / "old-cert.pem"
    old.write_bytes((data_dir / CERT_NAME).read_bytes())
    cert, key = make_self_signed()
    (data_dir / KEY_NAME).write_bytes(key)
    (data_dir / CERT_NAME).write_bytes(cert)
    return old


def still_chats(client: RawClient, token: str) -> None:
    client.send(f"PING :{token}")
    assert client.expect(command="PONG").params[-1] == token


def test_a_reload_serves_the_new_certificate_to_new_connections_and_announces_it(
        tmp_path: Path) -> None:
    name = f"LocalChat test {uuid.uuid4().hex[:10]}"
    settings = config(tls_port=0, data_dir=str(tmp_path), advertise=True, advertise_name=name)
    with LoopbackBrowser() as browser, start_server_thread(settings) as handle:
        assert handle.tls_address is not None
        before = fingerprint(tmp_path / CERT_NAME)
        service = f"{name}.{SERVICE_TYPE}"
        assert parse_txt(browser.found(service).properties).fingerprint == before
        with tls_client(handle.tls_address, tmp_path / CERT_NAME) as old:
            old.register("old")
            old_cert = replace_certificate(tmp_path)
            after = fingerprint(tmp_path / CERT_NAME)
            assert after != before
            assert handle.reload_certificate()
            with tls_client(handle.tls_address, tmp_path / CERT_NAME) as new:
                new.register("new")
                assert served_to(new) == after
                still_chats(new, "new")
            still_chats(old, "old")  # its TLS session goes on with the old certificate
            assert served_to(old) == before
            with pytest.raises(ssl.SSLCertVerificationError):
                tls_client(handle.tls_address, old_cert)
        browser.wait_for("the new fingerprint", lambda: parse_txt(
            browser.services[service].properties).fingerprint == after)
        assert browser.services[service].port == handle.server_address[1]  # never changes
        assert parse_txt(browser.services[service].properties).tls_port == handle.tls_address[1]


@pytest.mark.parametrize("breakage, problem", [
    ({CERT_NAME: b"not a certificate\n"}, "no start line|PEM"),
    ({KEY_NAME: make_self_signed()[1]}, "key values mismatch|is not the key of"),
    ({CERT_NAME: None}, "No such file"),
])
def test_files_that_do_not_load_keep_the_old_certificate(
        tmp_path: Path, caplog: pytest.LogCaptureFixture,
        breakage: dict[str, bytes | None], problem: str) -> None:
    cert, key = make_self_signed()  # given files: a missing one is not made again
    (tmp_path / CERT_NAME).write_bytes(cert)
    (tmp_path / KEY_NAME).write_bytes(key)
    with start_server_thread(config(tls_port=0, data_dir=str(tmp_path),
                                    tls_cert=str(tmp_path / CERT_NAME),
                                    tls_key=str(tmp_path / KEY_NAME))) as handle:
        assert handle.tls_address is not None
        kept = tmp_path / "kept.pem"
        kept.write_bytes((tmp_path / CERT_NAME).read_bytes())
        for file, data in breakage.items():
            if data is None:
                (tmp_path / file).unlink()
            else:
                (tmp_path / file).write_bytes(data)
        with caplog.at_level(logging.ERROR, logger="server.tls"):
            assert not handle.reload_certificate()
        [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert error.getMessage().startswith(
            f"TLS certificate not reloaded, still serving the one with SHA-256 fingerprint "
            f"{fingerprint(kept)}: cannot set up TLS: ")
        assert re.search(problem, error.getMessage())
        with tls_client(handle.tls_address, kept) as client:
            client.register("alice")
            assert served_to(client) == fingerprint(kept)


def test_a_replaced_file_is_not_announced_before_the_reload(tmp_path: Path) -> None:
    """The announcement names the certificate served, not whatever the file holds now."""
    with start_server_thread(config(tls_port=0, data_dir=str(tmp_path))) as handle:
        before = fingerprint(tmp_path / CERT_NAME)
        replace_certificate(tmp_path)
        assert handle.announcement().txt.fingerprint == before
        assert handle.reload_certificate()
        assert handle.announcement().txt.fingerprint == fingerprint(tmp_path / CERT_NAME)


def test_without_a_tls_port_there_is_nothing_to_reload(
        server: ServerHandle, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert not server.reload_certificate()
    assert "no TLS port" in caplog.text


class ServerLog:
    """The server's stderr, read line by line by a thread of its own (a select() on the pipe
    misses lines already in the file object's buffer); waited on with deadlines."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        self.lines: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.seen: list[str] = []
        self._stream = proc.stderr
        self._thread = threading.Thread(target=self._read, args=(proc.stderr,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line)

    def close(self) -> None:
        """After the process ended: the rest read, the pipe closed."""
        self._thread.join(5)
        self._stream.close()

    def wait_for(self, pattern: str, timeout: float = 10.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            self.seen.append(line)
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"the server never logged {pattern!r}: {self.seen}")


def test_python_m_server_reloads_on_sighup_and_survives_a_bad_file(tmp_path: Path) -> None:
    proc = run_server("--port", "0", "--tls-port", "0", "--data-dir", str(tmp_path))
    server_log = ServerLog(proc)
    try:
        tls_port = int(server_log.wait_for(r"listening for TLS on 127\.0\.0\.1:(\d+)")[1])
        replace_certificate(tmp_path)
        proc.send_signal(signal.SIGHUP)
        new = fingerprint(tmp_path / CERT_NAME)
        server_log.wait_for(f"TLS certificate reloaded: new connections get SHA-256 "
                            f"fingerprint {new}")
        with tls_client(("127.0.0.1", tls_port), tmp_path / CERT_NAME) as client:
            client.register("alice")
            assert served_to(client) == new
        (tmp_path / CERT_NAME).write_text("garbage\n")
        proc.send_signal(signal.SIGHUP)
        server_log.wait_for(f"ERROR server.tls: TLS certificate not reloaded, still serving "
                            f"the one with SHA-256 fingerprint {new}")
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        server_log.wait_for("server stopped")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
        server_log.close()
