"""TLS client certificates for tests: self-signed ones made here with `cryptography`, and a
RawClient on the server's TLS port that presents one (or none)."""

from __future__ import annotations

import datetime
import hashlib
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from server.tls import CERT_NAME
from tests.server.ircclient import RawClient


@dataclass(frozen=True)
class ClientCert:
    cert: Path
    key: Path
    fingerprint: str  # SHA-256 of the DER encoding, lowercase hex


def make_client_cert(directory: Path, name: str) -> ClientCert:
    """A new EC key and a self-signed certificate for CN=name, written to directory."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / f"{name}-cert.pem", directory / f"{name}-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    der = cert.public_bytes(serialization.Encoding.DER)
    return ClientCert(cert_path, key_path, hashlib.sha256(der).hexdigest())


def tls_client(address: tuple[str, int], data_dir: Path, cert: ClientCert | None = None
               ) -> RawClient:
    """A RawClient over TLS to the server whose self-made certificate is in data_dir,
    presenting cert when given."""
    context = ssl.create_default_context(cafile=str(data_dir / CERT_NAME))
    if cert is not None:
        context.load_cert_chain(cert.cert, cert.key)
    client = RawClient(address)
    try:
        client.sock = context.wrap_socket(client.sock, server_hostname="localhost")
    except BaseException:
        client.close()
        raise
    return client
