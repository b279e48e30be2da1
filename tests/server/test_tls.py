"""TLS: a self-signed certificate made once and reused, TLS and plain clients chatting together,
client certificates accepted without a CA (their fingerprint known)."""

from __future__ import annotations

import logging
import socket
import ssl
import stat
import threading
import time
from pathlib import Path

import pytest

from server.tcp import start_server_thread
from server.tls import (
    CERT_NAME,
    KEY_NAME,
    TlsSession,
    TlsSetupError,
    fingerprint,
    make_self_signed,
    server_context,
)
from tests.server.clientcerts import make_client_cert
from tests.server.conftest import config
from tests.server.ircclient import RawClient


def tls_client(address: tuple[str, int], cert: Path) -> RawClient:
    """A RawClient whose socket is TLS, verified against cert for the name localhost."""
    context = ssl.create_default_context(cafile=str(cert))
    client = RawClient(address)
    try:
        client.sock = context.wrap_socket(client.sock, server_hostname="localhost")
    except BaseException:
        client.close()
        raise
    return client


def test_tls_client_chats_with_plain_client(tmp_path):
    with start_server_thread(config(tls_port=0, data_dir=str(tmp_path))) as handle:
        assert handle.tls_address is not None
        cert = tmp_path / CERT_NAME
        with tls_client(handle.tls_address, cert) as alice, \
                RawClient(handle.server_address) as bob:
            alice.register("alice")
            bob.register("bob")
            alice.expect(command="JOIN", source="bob!bob@127.0.0.1")
            alice.send("PRIVMSG #lobby :hello over TLS")
            assert bob.expect(command="PRIVMSG").params == ("#lobby", "hello over TLS")
            bob.send("PRIVMSG #lobby :" + "long reply " * 40)
            assert alice.expect(command="PRIVMSG").params[1].startswith("long reply")
            for i in range(200):  # many records both ways
                bob.send(f"PRIVMSG alice :{i}")
            assert [alice.expect(command="PRIVMSG").params[1] for _ in range(200)] == [
                str(i) for i in range(200)
            ]
            alice.send("QUIT :bye")
            assert alice.expect_closed()[-1].command == "ERROR"
            assert bob.expect(command="QUIT").params == ("Quit: bye",)


def test_tls_certificate_is_created_once_and_reused(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="server"):
        with start_server_thread(config(tls_port=0, data_dir=str(tmp_path))):
            pass
        cert, key = tmp_path / CERT_NAME, tmp_path / KEY_NAME
        first = cert.read_bytes(), key.read_bytes()
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        with start_server_thread(config(tls_port=0, data_dir=str(tmp_path))) as handle:
            assert (cert.read_bytes(), key.read_bytes()) == first
            with tls_client(handle.tls_address, cert) as alice:  # still verifies
                alice.register("alice")
    print_ = fingerprint(cert)
    assert len(print_.split(":")) == 32
    assert caplog.text.count(f"SHA-256 fingerprint {print_}") == 2
    assert caplog.text.count("created a self-signed TLS certificate") == 1


def test_tls_given_certificate_files_are_used(tmp_path):
    made = tmp_path / "made"
    with start_server_thread(config(tls_port=0, data_dir=str(made))):
        pass
    data = tmp_path / "unused"
    settings = config(tls_port=0, data_dir=str(data), tls_cert=str(made / CERT_NAME),
                      tls_key=str(made / KEY_NAME))
    with start_server_thread(settings) as handle:
        with tls_client(handle.tls_address, made / CERT_NAME) as alice:
            alice.register("alice")
    assert not data.exists()


def test_tls_failed_handshake_is_logged_and_the_server_carries_on(tmp_path, caplog):
    with start_server_thread(config(tls_port=0, data_dir=str(tmp_path))) as handle:
        with caplog.at_level(logging.INFO, logger="server"):
            with RawClient(handle.tls_address) as plain:  # speaks plain IRC to the TLS port
                plain.send("NICK oops")
                plain.expect_closed(timeout=5)
        assert "TLS connection from 127.0.0.1 failed" in caplog.text
        with tls_client(handle.tls_address, tmp_path / CERT_NAME) as alice:
            alice.register("alice")
            alice.send("PING :fine")
            alice.expect(command="PONG")


def test_tls_stop_during_a_handshake_ends_at_once(tmp_path):
    handle = start_server_thread(config(tls_port=0, data_dir=str(tmp_path)))
    try:
        with socket.create_connection(handle.tls_address, timeout=5) as silent:
            deadline = time.monotonic() + 5
            while not handle.tls_handshakes and time.monotonic() < deadline:
                time.sleep(0.01)
            started = time.monotonic()
            handle.stop()
            assert time.monotonic() - started < 2
            assert silent.recv(100) == b""
        assert [t.name for t in threading.enumerate() if t.name.startswith("irc-")] == []
    finally:
        handle.stop()


def test_tls_session_round_trip_in_memory(tmp_path):
    """TlsSession on both ends of memory BIOs, without sockets: bytes survive both ways."""
    with start_server_thread(config(tls_port=0, data_dir=str(tmp_path))):
        pass
    server_tls = TlsSession(server_context(tmp_path / CERT_NAME, tmp_path / KEY_NAME))
    context = ssl.create_default_context(cafile=str(tmp_path / CERT_NAME))
    c_in, c_out = ssl.MemoryBIO(), ssl.MemoryBIO()
    client = context.wrap_bio(c_in, c_out, server_hostname="localhost")
    done = {"client": False, "server": False}

    def step(name: str, obj: ssl.SSLObject) -> None:
        try:
            obj.do_handshake()
            done[name] = True
        except ssl.SSLWantReadError:
            pass

    for _ in range(10):  # a handshake takes a few round trips
        step("client", client)
        to_client, done["server"] = server_tls.handshake_step(c_out.read())
        c_in.write(to_client)
        if all(done.values()):
            break
    assert all(done.values())
    c_in.write(server_tls.encrypt(b"PING :x\r\n"))
    assert client.read(100) == b"PING :x\r\n"
    client.write(b"PONG :x\r\n")
    assert server_tls.decrypt(c_out.read()) == b"PONG :x\r\n"
    assert server_tls.decrypt(b"") == b""


@pytest.mark.parametrize("changes", [{"tls_cert": "a.pem"}, {"tls_port": 70000}])
def test_tls_bad_settings_are_refused(changes):
    with pytest.raises(ValueError):
        config(**changes)


def test_tls_unreadable_certificate_is_a_clear_error(tmp_path):
    from server.tls import TlsSetupError

    bad = tmp_path / "cert.pem"
    bad.write_text("not a certificate", encoding="ascii")
    with pytest.raises(TlsSetupError, match="cannot set up TLS"):
        start_server_thread(config(tls_port=0, tls_cert=str(bad), tls_key=str(bad)))


def test_tls_slow_reader_is_dropped_for_sendq_while_others_chat(tmp_path):
    settings = config(tls_port=0, data_dir=str(tmp_path), sendq=64 * 1024)
    with start_server_thread(settings) as handle:
        context = ssl.create_default_context(cafile=str(tmp_path / CERT_NAME))
        with RawClient(handle.server_address) as alice, RawClient(handle.server_address) as bob, \
                RawClient(handle.tls_address, rcvbuf=4096) as slow:
            slow.sock = context.wrap_socket(slow.sock, server_hostname="localhost")
            slow.register("slow")
            alice.register("alice")
            bob.register("bob")
            bob.expect(command="366")
            alice.expect(command="JOIN", source="bob!bob@127.0.0.1")
            dropped = None
            for i in range(3000):  # ~1.3 MB of plaintext towards a reader that never reads
                alice.send(f"PRIVMSG #lobby :{i} {'z' * 400}")
                message = bob.expect(timeout=3)
                while message.command == "QUIT":
                    dropped = message
                    message = bob.expect(timeout=3)
                assert message.params[1].startswith(f"{i} ")
                if dropped:
                    break
            assert dropped is not None and dropped.params == ("SendQ exceeded",)
            assert dropped.source.startswith("slow!")
            with handle.state.lock:
                assert handle.state.find_nick("slow") is None


@pytest.mark.parametrize("with_cert", [True, False])
def test_tls_session_knows_a_self_signed_client_certificates_fingerprint(tmp_path, with_cert):
    """In memory: a client certificate no CA signed is accepted, and its SHA-256 is certfp."""
    cert, key = make_self_signed()
    (tmp_path / "c.pem").write_bytes(cert)
    (tmp_path / "k.pem").write_bytes(key)
    server_tls = TlsSession(server_context(tmp_path / "c.pem", tmp_path / "k.pem"))
    context = ssl.create_default_context(cafile=str(tmp_path / "c.pem"))
    mine = make_client_cert(tmp_path, "laptop")
    if with_cert:
        context.load_cert_chain(mine.cert, mine.key)
    c_in, c_out = ssl.MemoryBIO(), ssl.MemoryBIO()
    client = context.wrap_bio(c_in, c_out, server_hostname="localhost")
    server_done = False
    for _ in range(10):
        try:
            client.do_handshake()
        except ssl.SSLWantReadError:
            pass
        to_client, server_done = server_tls.handshake_step(c_out.read())
        c_in.write(to_client)
        if server_done:
            break
    assert server_done
    assert server_tls.certfp == (mine.fingerprint if with_cert else None)
    client.write(b"PING :x\r\n")
    assert server_tls.decrypt(c_out.read()) == b"PING :x\r\n"


def test_tls_a_certificate_and_a_key_that_do_not_match_are_a_clear_error(tmp_path):
    cert, _ = make_self_signed()
    _, other_key = make_self_signed()
    (tmp_path / "c.pem").write_bytes(cert)
    (tmp_path / "k.pem").write_bytes(other_key)
    settings = config(tls_port=0, tls_cert=str(tmp_path / "c.pem"),
                      tls_key=str(tmp_path / "k.pem"))
    with pytest.raises(TlsSetupError, match=r"cannot set up TLS: .*mismatch"):
        start_server_thread(settings)
    missing = config(tls_port=0, tls_cert=str(tmp_path / "c.pem"),
                     tls_key=str(tmp_path / "nothing.pem"))
    with pytest.raises(TlsSetupError, match=r"No such file or directory \(.*nothing\.pem\)"):
        start_server_thread(missing)


def test_tls_a_resumed_session_keeps_its_client_certificate(tmp_path):
    """Resuming needs a session id context once client certificates are asked for (without
    one OpenSSL fails the handshake); the resumed connection has the same fingerprint."""
    mine = make_client_cert(tmp_path / "client", "laptop")
    with start_server_thread(config(tls_port=0, data_dir=str(tmp_path))) as handle:
        context = ssl.create_default_context(cafile=str(tmp_path / CERT_NAME))
        context.load_cert_chain(mine.cert, mine.key)
        session = None
        for nick in ("first", "second"):
            with RawClient(handle.tls_address) as client:
                client.sock = context.wrap_socket(client.sock, server_hostname="localhost",
                                                  session=session)
                client.register(nick)
                client.send(f"WHOIS {nick}")
                assert client.expect(command="276").params[-1].endswith(mine.fingerprint)
                session = client.sock.session
                reused = client.sock.session_reused
        assert reused


def test_tls_lines_sent_with_the_last_handshake_flight_are_answered(tmp_path):
    """TLS 1.3 lets a client send its first lines with its Finished, in one segment (GnuTLS,
    so WeeChat, does): they must be answered at once, not when more bytes arrive."""
    with start_server_thread(config(tls_port=0, data_dir=str(tmp_path))) as handle:
        context = ssl.create_default_context(cafile=str(tmp_path / CERT_NAME))
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
        with socket.create_connection(handle.tls_address, timeout=5) as sock:
            while True:
                try:
                    tls.do_handshake()
                    break
                except ssl.SSLWantReadError:
                    sock.sendall(outgoing.read())
                    incoming.write(sock.recv(65536))
            tls.write(b"NICK early\r\nUSER early 0 * :E\r\n")
            sock.sendall(outgoing.read())  # the client's Finished and the lines, at once
            plain = b""
            while b" 001 " not in plain:
                data = sock.recv(65536)  # the socket's timeout is the deadline
                assert data, plain
                incoming.write(data)
                while incoming.pending:
                    try:
                        plain += tls.read(65536)
                    except ssl.SSLWantReadError:
                        break
        assert b":localchat 001 early " in plain
