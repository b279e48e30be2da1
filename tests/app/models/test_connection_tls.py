"""Connection over real loopback TLS sockets: the certificate's fingerprint is queued and nothing
is sent until it is trusted; refused, unanswered and cancelled trust; a plain port; traffic both
ways at once."""

from __future__ import annotations

import queue
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.models.connection import Connection
from app.models.events import ConnectFailed, ConnectionClosed, ConnectionOpened
from app.models.trust import CertificateReceived
from ircproto.message import Message
from tests.app.tlspeer import DEADLINE, Certificate, TlsListener, make_certificate, recv_until


def next_item(connection: Connection) -> object:
    try:
        return connection.events.get(timeout=DEADLINE)
    except queue.Empty:
        raise AssertionError(f"no event within {DEADLINE} s") from None


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(Path(tmp_path_factory.mktemp("tls")))


@pytest.fixture
def listener(certificate: Certificate) -> Iterator[TlsListener]:
    made = TlsListener(certificate)
    yield made
    made.close()


@pytest.fixture
def connections() -> Iterator[list[Connection]]:
    made: list[Connection] = []
    yield made
    for connection in made:
        connection.close()
    for connection in made:
        assert connection.wait_closed(DEADLINE)


def start_tls(listener: TlsListener, made: list[Connection], **options: float) -> Connection:
    host, port = listener.address
    connection = Connection(host, port, True, connect_timeout=DEADLINE, **options)
    made.append(connection)
    connection.start()
    return connection


def test_connection_tls_queues_the_fingerprint_and_sends_nothing_before_trust(
        listener, certificate, connections):
    host, port = listener.address
    connection = Connection(host, port, True, connect_timeout=DEADLINE)
    connections.append(connection)
    connection.send(Message("NICK", ("early",)))
    connection.start()
    peer = listener.accept()
    with peer:
        assert next_item(connection) == CertificateReceived(host, port, certificate.fingerprint)
        peer.settimeout(0.3)
        with pytest.raises(TimeoutError):
            peer.recv(4096)  # held: NICK must not leave before the fingerprint is trusted
        peer.settimeout(DEADLINE)
        connection.trust_certificate(True)
        assert next_item(connection) == ConnectionOpened(host, port)
        assert recv_until(peer, b"\r\n") == b"NICK early\r\n"
        peer.sendall(b":srv 001 early :Welcome over TLS\r\n")
        welcome = next_item(connection)
        assert isinstance(welcome, Message) and welcome.params == ("early", "Welcome over TLS")
        connection.close()
    assert next_item(connection) == ConnectionClosed("Disconnected", by_us=True)


def test_connection_tls_untrusted_certificate_closes_without_sending(listener, connections):
    connection = start_tls(listener, connections)
    connection.send(Message("PASS", ("secret",)))
    peer = listener.accept()
    with peer:
        assert isinstance(next_item(connection), CertificateReceived)
        connection.trust_certificate(False)
        failed = next_item(connection)
        assert isinstance(failed, ConnectFailed) and "was not trusted" in failed.reason
        try:
            data = recv_until(peer, b"\r\n")
        except (ConnectionResetError, OSError):
            data = b""
        assert b"secret" not in data and data == b""


def test_connection_tls_unanswered_certificate_gives_up(listener, connections):
    connection = start_tls(listener, connections, trust_timeout=0.2)
    peer = listener.accept()
    with peer:
        assert isinstance(next_item(connection), CertificateReceived)
        failed = next_item(connection)
        assert isinstance(failed, ConnectFailed)
        assert failed.reason.startswith("No answer about the certificate")


def test_connection_tls_close_while_waiting_for_trust_cancels(listener, connections):
    connection = start_tls(listener, connections)
    peer = listener.accept()
    with peer:
        assert isinstance(next_item(connection), CertificateReceived)
        connection.close()
        assert next_item(connection) == ConnectFailed("Connecting was cancelled")
    assert connection.wait_closed(DEADLINE)
    assert not any(t.name.startswith("irc-") and t.is_alive() for t in threading.enumerate())


def test_connection_tls_to_a_plain_port_fails_clearly(listener, connections):
    connection = start_tls(listener, connections)
    peer = listener.accept_plain()
    with peer:
        peer.sendall(b":srv NOTICE * :*** Looking up your hostname\r\n")
        failed = next_item(connection)
    assert isinstance(failed, ConnectFailed)
    assert "TLS handshake" in failed.reason and "is it a TLS port?" in failed.reason


def test_connection_tls_carries_traffic_both_ways_at_once(listener, connections):
    connection = start_tls(listener, connections)
    peer = listener.accept()
    count = 400
    with peer:
        assert isinstance(next_item(connection), CertificateReceived)
        connection.trust_certificate(True)
        assert isinstance(next_item(connection), ConnectionOpened)
        received: list[bytes] = []
        reader = threading.Thread(
            target=lambda: received.append(recv_until(peer, f"PRIVMSG #a :up {count - 1}\r\n"
                                                      .encode())))
        reader.start()
        for number in range(count):
            connection.send(Message("PRIVMSG", ("#a", f"up {number}")))
        peer.sendall(b"".join(f":b!u@h PRIVMSG #a :down {n}\r\n".encode() for n in range(count)))
        down = [next_item(connection) for _ in range(count)]
        reader.join(DEADLINE)
        assert not reader.is_alive()
    assert [m.params[1] for m in down if isinstance(m, Message)] == [
        f"down {n}" for n in range(count)]
    lines = received[0].split(b"\r\n")[:-1]
    assert lines == [f"PRIVMSG #a :up {n}".encode() for n in range(count)]


def test_connection_tls_refused_port_fails_like_plain(connections):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    connection = Connection("127.0.0.1", port, True, connect_timeout=DEADLINE)
    connections.append(connection)
    connection.start()
    assert next_item(connection) == ConnectFailed(f"Connection refused by 127.0.0.1:{port}")


@pytest.mark.parametrize("clean", [True, False])
def test_connection_tls_peer_close_reads_as_closed(listener, connections, clean):
    connection = start_tls(listener, connections)
    peer = listener.accept()
    assert isinstance(next_item(connection), CertificateReceived)
    connection.trust_certificate(True)
    assert isinstance(next_item(connection), ConnectionOpened)
    peer.sendall(b"ERROR :Closing link\r\n")
    if clean:  # send a TLS close_notify without waiting for the answer
        peer.setblocking(False)
        with pytest.raises(ssl.SSLWantReadError):
            peer.unwrap()
    peer.close()
    assert isinstance(next_item(connection), Message)
    host, port = listener.address
    assert next_item(connection) == ConnectionClosed(f"{host}:{port} closed the connection",
                                                     by_us=False)
