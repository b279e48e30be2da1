"""TLS for the server: a self-signed certificate kept in the data directory, the listener's
context, and TlsSession, which runs TLS over memory BIOs so the plain socket keeps serving both
threads and which knows the SHA-256 fingerprint of the client's certificate, if it sent one.

The server asks every client for a certificate and accepts whatever it sends, self-signed
included: the certificate's fingerprint is an identity (SASL EXTERNAL), not a CA's word, and a
client without one connects as before. The stdlib's ssl cannot do that (CERT_OPTIONAL verifies
a certificate that is sent and fails the handshake on a self-signed one, with no callback to
say otherwise), so the listener's side is pyOpenSSL (the PyCA's binding to the same OpenSSL),
whose verify callback accepts. The TLS handshake still proves the client holds the key.
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
from OpenSSL import SSL

from server.config import ServerConfig
from server.privatefiles import write_private_file

log = logging.getLogger(__name__)
CERT_NAME = "localchat-cert.pem"
KEY_NAME = "localchat-key.pem"
CERT_DAYS = 3650
READ_SIZE = 16384
SESSION_ID_CONTEXT = b"localchat"  # OpenSSL needs one to resume sessions with VERIFY_PEER


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


def listener_context(config: ServerConfig) -> SSL.Context:
    """The TLS context for config's TLS listener; TlsSetupError when it cannot be made."""
    try:
        return context_for(config.tls_cert, config.tls_key, config.data_path)
    except (OSError, ValueError) as error:
        detail = getattr(error, "strerror", None)
        where = getattr(error, "filename", None)
        raise TlsSetupError(f"cannot set up TLS: {detail or error}"
                            + (f" ({where})" if where else "")) from error


def context_for(cert: str | None, key: str | None, data_dir: Path) -> SSL.Context:
    """The server's context from the given files, or from the self-signed pair in data_dir
    (created on first use); logs the certificate's SHA-256 fingerprint."""
    if cert is not None and key is not None:
        cert_path, key_path = Path(cert), Path(key)
    else:
        cert_path, key_path = ensure_certificate(data_dir)
    context = server_context(cert_path, key_path)
    log.info("TLS certificate %s, SHA-256 fingerprint %s", cert_path, served_fingerprint(context))
    return context


def served_fingerprint(context: SSL.Context) -> str:
    """The SHA-256 fingerprint (AA:BB:...) of the certificate context serves: the one loaded,
    not whatever the file holds now."""
    cert = SSL.Connection(context, None).get_certificate(as_cryptography=True)
    if cert is None:
        raise TlsSetupError("the TLS context has no certificate")
    return ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))


def server_context(cert_path: Path, key_path: Path) -> SSL.Context:
    """TLS 1.2 or later, no renegotiation, cert_path's chain and key_path's key; it asks for a
    client certificate and accepts any (see the module docstring). TlsSetupError for bad files."""
    context = SSL.Context(SSL.TLS_SERVER_METHOD)
    context.set_min_proto_version(SSL.TLS1_2_VERSION)
    context.set_options(SSL.OP_NO_RENEGOTIATION | SSL.OP_NO_COMPRESSION)
    for load, path in ((context.use_certificate_chain_file, cert_path),
                       (context.use_privatekey_file, key_path)):
        with open(path, "rb"):  # a missing or unreadable file is an OSError that names it
            pass
        try:
            load(str(path))
        except SSL.Error as error:
            raise TlsSetupError(f"cannot set up TLS: {describe(error)} ({path})") from None
    try:
        context.check_privatekey()
    except SSL.Error:
        raise TlsSetupError(f"cannot set up TLS: {key_path} is not the key of {cert_path}"
                            ) from None
    context.set_verify(SSL.VERIFY_PEER, accept_any_certificate)
    context.set_session_id(SESSION_ID_CONTEXT)
    return context


def accept_any_certificate(
    connection: SSL.Connection, cert: object, errno: int, depth: int, ok: int
) -> bool:
    """pyOpenSSL's verify callback: every client certificate is accepted (self-signed, expired,
    any issuer); TlsSession.certfp is then its identity."""
    return True


def certificate_fingerprint(cert: x509.Certificate) -> str:
    """The SHA-256 fingerprint of cert's DER encoding, lowercase hex (64 characters)."""
    return cert.fingerprint(hashes.SHA256()).hex()


def describe(error: SSL.Error) -> str:
    """The reasons OpenSSL gave for error, for a log line."""
    reasons = [str(part[2]) for part in error.args[0] if isinstance(part, tuple) and len(part) > 2
               ] if error.args and isinstance(error.args[0], list) else []
    return "; ".join(dict.fromkeys(r for r in reasons if r)) or str(error) or type(error).__name__


class TlsSession:
    """One connection's TLS state. The reader thread decrypts, the output path encrypts; a lock
    keeps the pyOpenSSL Connection to one thread at a time. certfp: the SHA-256 fingerprint of
    the client's certificate (lowercase hex) once the handshake is done, None without one."""

    def __init__(self, context: SSL.Context) -> None:
        self._ssl = SSL.Connection(context, None)  # None: over memory BIOs
        self._ssl.set_accept_state()
        self._lock = threading.Lock()
        self._unsent = b""  # ciphertext TLS produced on its own (after a read), not yet taken
        self.closed = False  # the peer sent close_notify
        self.certfp: str | None = None

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
                self._ssl.bio_write(data)
            try:
                self._ssl.do_handshake()
                done = True
            except SSL.WantReadError:
                done = False
            except SSL.Error as error:
                raise TlsError(f"TLS handshake failed: {describe(error)}") from None
            if done:
                cert = self._ssl.get_peer_certificate(as_cryptography=True)
                self.certfp = certificate_fingerprint(cert) if cert is not None else None
            return self._take_output(), done

    def decrypt(self, data: bytes) -> bytes:
        """Ciphertext from the socket in, plaintext out (b'' when no whole record yet)."""
        parts: list[bytes] = []
        with self._lock:
            if data:
                self._ssl.bio_write(data)
            while not self.closed:
                try:
                    parts.append(self._ssl.recv(READ_SIZE))
                except SSL.WantReadError:
                    break
                except SSL.ZeroReturnError:
                    self.closed = True
                except SSL.Error as error:
                    raise TlsError(f"TLS error: {describe(error)}") from None
            self._unsent += self._drain()
        return b"".join(parts)

    def encrypt(self, data: bytes) -> bytes:
        """Plaintext in, the ciphertext to send out (with anything TLS itself wants sent)."""
        with self._lock:
            view = memoryview(data)
            try:
                while view:  # SSL_MODE_ENABLE_PARTIAL_WRITE: a call may take only some records
                    view = view[self._ssl.send(view) :]
            except SSL.Error as error:
                raise TlsError(f"TLS error: {describe(error)}") from None
            return self._take_output()

    @property
    def wants_write(self) -> bool:
        """TLS produced bytes of its own (e.g. after a read) that must be sent."""
        return bool(self._unsent)

    def _take_output(self) -> bytes:
        """Everything TLS has for the peer (under the lock)."""
        data, self._unsent = self._unsent + self._drain(), b""
        return data

    def _drain(self) -> bytes:
        """The ciphertext waiting in the outgoing memory BIO (under the lock)."""
        parts: list[bytes] = []
        while True:
            try:
                parts.append(self._ssl.bio_read(4 * READ_SIZE))
            except SSL.WantReadError:
                return b"".join(parts)
