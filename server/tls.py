"""TLS for the server: a self-signed certificate kept in the data directory, the SSLContext,
and TlsSession, which runs TLS over memory BIOs so the plain socket keeps serving both threads.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import logging
import socket
import ssl
import threading
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from server.config import ServerConfig
from server.privatefiles import write_private_file

log = logging.getLogger(__name__)
CERT_NAME = "localchat-cert.pem"
KEY_NAME = "localchat-key.pem"
CERT_DAYS = 3650
READ_SIZE = 16384


class TlsError(Exception):
    """The TLS handshake or a TLS record failed; the connection cannot go on."""


class TlsSetupError(Exception):
    """The TLS certificate could not be read or made (a clear message for the command line)."""


def ensure_certificate(data_dir: Path) -> tuple[Path, Path]:
    """The (cert, key) paths in data_dir, creating a self-signed pair on first use."""
    cert_path, key_path = data_dir / CERT_NAME, data_dir / KEY_NAME
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    cert_pem, key_pem = make_self_signed()
    write_private_file(key_path, key_pem)
    cert_path.write_bytes(cert_pem)
    log.info("created a self-signed TLS certificate in %s", cert_path)
    return cert_path, key_path


def make_self_signed() -> tuple[bytes, bytes]:
    """A new EC P-256 key and a self-signed certificate for this host, localhost and 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    hostname = socket.gethostname() or "localhost"
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)])
    names: list[x509.GeneralName] = [x509.DNSName("localhost"), x509.DNSName(hostname),
                                     x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                     x509.IPAddress(ipaddress.ip_address("::1"))]
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=CERT_DAYS))
        .add_extension(x509.SubjectAlternativeName(list(dict.fromkeys(names))), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def fingerprint(cert_path: Path) -> str:
    """The certificate's SHA-256 fingerprint as AA:BB:..., for users to compare."""
    der = ssl.PEM_cert_to_DER_cert(cert_path.read_text(encoding="ascii"))
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def listener_context(config: ServerConfig) -> ssl.SSLContext:
    """The SSLContext for config's TLS listener; TlsSetupError when it cannot be made."""
    try:
        return context_for(config.tls_cert, config.tls_key, config.data_path)
    except (OSError, ValueError) as error:  # ssl.SSLError is an OSError
        detail = getattr(error, "reason", None) or getattr(error, "strerror", None)
        where = getattr(error, "filename", None)
        raise TlsSetupError(f"cannot set up TLS: {detail or error}"
                            + (f" ({where})" if where else "")) from error


def context_for(cert: str | None, key: str | None, data_dir: Path) -> ssl.SSLContext:
    """The server's SSLContext from the given files, or from the self-signed pair in data_dir
    (created on first use); logs the certificate's SHA-256 fingerprint."""
    if cert is not None and key is not None:
        cert_path, key_path = Path(cert), Path(key)
    else:
        cert_path, key_path = ensure_certificate(data_dir)
    context = server_context(cert_path, key_path)
    log.info("TLS certificate %s, SHA-256 fingerprint %s", cert_path, fingerprint(cert_path))
    return context


def server_context(cert_path: Path, key_path: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.options |= ssl.OP_NO_RENEGOTIATION
    context.load_cert_chain(cert_path, key_path)
    return context


class TlsSession:
    """One connection's TLS state. The reader thread decrypts, the output path encrypts; a lock
    keeps the SSLObject to one thread at a time."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self._incoming, self._outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self._ssl = context.wrap_bio(self._incoming, self._outgoing, server_side=True)
        self._lock = threading.Lock()
        self.closed = False  # the peer sent close_notify

    def handshake(self, sock: socket.socket, timeout: float) -> None:
        """Run the handshake on the (blocking) socket within timeout; raises TlsError."""
        deadline, data = time.monotonic() + timeout, b""
        while True:
            pending, done = self.handshake_step(data)
            try:
                if pending:
                    sock.sendall(pending)
                if done:
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TlsError("TLS handshake timed out")
                sock.settimeout(remaining)
                data = sock.recv(READ_SIZE)
            except TimeoutError:
                raise TlsError("TLS handshake timed out") from None
            except OSError as error:
                raise TlsError(f"TLS handshake failed: {error.strerror or error}") from None
            finally:
                sock.settimeout(None)
            if not data:
                raise TlsError("TLS handshake failed: the peer closed the connection")

    def handshake_step(self, data: bytes) -> tuple[bytes, bool]:
        """Sans I/O: feed the peer's bytes (b'' to begin); returns the bytes to send it and
        whether the handshake is done. Raises TlsError when it fails."""
        with self._lock:
            if data:
                self._incoming.write(data)
            try:
                self._ssl.do_handshake()
                done = True
            except ssl.SSLWantReadError:
                done = False
            except ssl.SSLError as error:
                raise TlsError(f"TLS handshake failed: {error.reason or error}") from None
            return self._outgoing.read(), done

    def decrypt(self, data: bytes) -> bytes:
        """Ciphertext from the socket in, plaintext out (b'' when no whole record yet)."""
        parts: list[bytes] = []
        with self._lock:
            self._incoming.write(data)
            while True:
                try:
                    chunk = self._ssl.read(READ_SIZE)
                except ssl.SSLWantReadError:
                    break
                except ssl.SSLZeroReturnError:
                    self.closed = True
                    break
                except ssl.SSLError as error:
                    raise TlsError(f"TLS error: {error.reason or error}") from None
                if not chunk:
                    break
                parts.append(chunk)
        return b"".join(parts)

    def encrypt(self, data: bytes) -> bytes:
        """Plaintext in, the ciphertext to send out (with anything TLS itself wants sent)."""
        with self._lock:
            try:
                if data:
                    self._ssl.write(data)
            except ssl.SSLError as error:
                raise TlsError(f"TLS error: {error.reason or error}") from None
            return self._outgoing.read()

    @property
    def wants_write(self) -> bool:
        """TLS produced bytes of its own (e.g. after a read) that must be sent."""
        return self._outgoing.pending > 0
