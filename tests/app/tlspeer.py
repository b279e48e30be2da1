"""A self-signed certificate made with `cryptography`, and a one-connection TLS listener on
127.0.0.1 port 0 for the client's TLS tests (every wait has a deadline)."""

from __future__ import annotations

import datetime
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.models.trust import fingerprint

DEADLINE = 5.0


@dataclass(frozen=True)
class Certificate:
    """A certificate and key on disk, and the fingerprint the client should see."""

    cert_path: Path
    key_path: Path
    fingerprint: str


def make_certificate(directory: Path, name: str = "localchat-test") -> Certificate:
    """A fresh self-signed EC certificate for name, written under directory."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return Certificate(cert_path, key_path,
                       fingerprint(cert.public_bytes(serialization.Encoding.DER)))


class TlsListener:
    """Listens on 127.0.0.1 port 0; accept() does the server side of the TLS handshake."""

    def __init__(self, certificate: Certificate) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(certificate.cert_path, certificate.key_path)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(DEADLINE)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.sock.getsockname()
        return host, port

    def accept(self) -> ssl.SSLSocket:
        """The next client, TLS handshake done, with a read deadline."""
        peer, _ = self.sock.accept()
        peer.settimeout(DEADLINE)
        return self.context.wrap_socket(peer, server_side=True)

    def accept_plain(self) -> socket.socket:
        """The next client without TLS (to see what a TLS client sends a plain server)."""
        peer, _ = self.sock.accept()
        peer.settimeout(DEADLINE)
        return peer

    def close(self) -> None:
        self.sock.close()


def recv_until(sock: socket.socket, marker: bytes) -> bytes:
    """Read until marker arrived or the peer closed (each read has the socket's deadline)."""
    data = b""
    while marker not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data
