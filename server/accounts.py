"""The account store: one SQLite file (WAL, so the operator's CLI works beside the server) of
accounts keyed by their casefolded name, each with an argon2id password hash and a SCRAM-SHA-256
verifier, and the TLS client certificate fingerprints that log in to each (SASL EXTERNAL; one
fingerprint belongs to at most one account). Passwords are never stored or logged; the slow KDF
work runs outside the store's lock.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import argon2
import scramp

from ircproto.casemap import casefold
from ircproto.names import nick_error
from server.accountschema import open_accounts_db
from server.config import data_path
from server.privatefiles import create_private_file

log = logging.getLogger(__name__)
ACCOUNTS_FILE = "accounts.sqlite3"
CASEMAPPING = "rfc1459"  # as the server's nicks (server.state.CASEMAPPING)
SCRAM = "SCRAM-SHA-256"
MIN_PASSWORD = 8  # characters
MAX_PASSWORD = 300  # bytes of UTF-8: what account-registration's server considerations advise
KDF_SLOTS = 4  # argon2 hashes at once (64 MiB each): many logins queue instead of eating memory
MAX_CERTFPS = 20  # certificate fingerprints per account
ScramInfo = tuple[bytes, bytes, bytes, int]  # salt, StoredKey, ServerKey, iteration count
_CERTFP = re.compile(r"[0-9a-f]{64}")



class AccountExists(Exception):
    """create(): an account of that name (under casemapping) exists already."""


class NoSuchAccount(Exception):
    """add_certfp(): there is no account of that name."""


class CertfpTaken(Exception):
    """add_certfp(): the fingerprint belongs to another account (named in `owner`)."""

    def __init__(self, owner: str) -> None:
        super().__init__(owner)
        self.owner = owner


class TooManyCertfps(Exception):
    """add_certfp(): the account has MAX_CERTFPS fingerprints already."""


def default_path(data_dir: str | None) -> str:
    """The account store's file in the data dir (the user's data directory by default)."""
    return str(data_path(data_dir) / ACCOUNTS_FILE)


def name_key(name: str) -> str:
    """The casefolded key of an account name (as of a nick)."""
    return casefold(name, CASEMAPPING)


def account_name_error(name: str) -> str | None:
    """Why name cannot be an account name (account names follow the nick rules), or None."""
    why = nick_error(name)
    return why.replace("nickname", "account name") if why else None


def password_error(password: str) -> str | None:
    """Why password is not acceptable, or None: at least MIN_PASSWORD characters and at most
    MAX_PASSWORD bytes. The one home of the rule (REGISTER and the CLI use it)."""
    if len(password) < MIN_PASSWORD:
        return f"the password must be at least {MIN_PASSWORD} characters long"
    if len(password.encode("utf-8")) > MAX_PASSWORD:
        return f"the password must be at most {MAX_PASSWORD} bytes long"
    return None


def parse_certfp(text: str) -> str:
    """A SHA-256 certificate fingerprint as the store keeps it (64 lowercase hex digits) from
    text, which may be in either case and have colons (AA:BB:...); ValueError otherwise."""
    fingerprint = text.replace(":", "").lower()
    if not _CERTFP.fullmatch(fingerprint):
        raise ValueError(f"{text!r} is not a SHA-256 fingerprint (64 hex digits)")
    return fingerprint


@dataclass(frozen=True, slots=True)
class Account:
    name: str  # as registered; look-ups go by name_key(name)
    email: str | None
    created_at: float


class AccountStore:
    """Thread-safe: one SQLite connection behind `_lock`, a leaf lock. Hashing and verifying
    (argon2, PBKDF2) happen before or after holding it, never under it, and at most kdf_slots
    at once (`_kdf_slots`, a semaphore taken with no lock held); callers must not hold the state
    lock either (server/README.md)."""

    def __init__(
        self, path: str, hasher: argon2.PasswordHasher | None = None,
        clock: Callable[[], float] = time.time, kdf_slots: int = KDF_SLOTS,
    ) -> None:
        if path != ":memory:":
            try:
                create_private_file(Path(path))
            except OSError as error:  # reported as the store's, not as a socket's, error
                detail = error.strerror or error
                raise sqlite3.OperationalError(f"cannot create {path}: {detail}") from error
        self._hasher = hasher or argon2.PasswordHasher()  # argon2id, RFC 9106 low-memory
        self._scram = scramp.ScramMechanism(SCRAM)
        self._clock = clock
        self._lock = threading.Lock()
        self._kdf_slots = threading.BoundedSemaphore(kdf_slots)
        self._dummy_hash: str | None = None
        self._db = open_accounts_db(path)  # server.accountschema: versioned, migrated
        with self._lock:
            self._db.execute("PRAGMA foreign_keys=ON")  # a deleted account takes its certfps

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- reading

    def find(self, name: str) -> Account | None:
        with self._lock:
            row = self._db.execute("SELECT name, email, created_at FROM accounts "
                                   "WHERE name_key = ?", (name_key(name),)).fetchone()
        return Account(*row) if row else None

    def accounts(self) -> list[Account]:
        """Every account, by name."""
        with self._lock:
            rows = self._db.execute("SELECT name, email, created_at FROM accounts "
                                    "ORDER BY name_key").fetchall()
        return [Account(*row) for row in rows]

    def verify(self, name: str, password: str) -> Account | None:
        """The account when password is its password, else None. An unknown name costs the same
        argon2 work as a wrong password, so timing does not tell which it was."""
        with self._lock:
            row = self._db.execute("SELECT name, email, created_at, password_hash FROM accounts "
                                   "WHERE name_key = ?", (name_key(name),)).fetchone()
        if row is None:
            self._verify_hash(self._dummy(), password)
            return None
        if not self._verify_hash(row[3], password):
            return None
        if self._hasher.check_needs_rehash(row[3]):  # the cost parameters were raised
            with self._kdf_slots:
                new_hash = self._hasher.hash(password)
            self._set_hash(row[0], new_hash)
        return Account(*row[:3])

    def scram_info(self, name: str) -> ScramInfo | None:
        """The SCRAM-SHA-256 verifier of an account (scramp's auth_fn), or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT scram_salt, scram_stored_key, scram_server_key, scram_iterations "
                "FROM accounts WHERE name_key = ?", (name_key(name),)).fetchone()
        return (bytes(row[0]), bytes(row[1]), bytes(row[2]), int(row[3])) if row else None

    # -- writing

    def create(self, name: str, password: str, email: str | None = None) -> Account:
        """A new account; AccountExists when the name is taken, ValueError for a bad name or
        password. The hashes are computed first, outside the lock."""
        self._check(name, password)
        if self.find(name) is not None:  # spare the KDF work when we already know
            raise AccountExists(name)
        secrets = self._secrets(password)
        account = Account(name, email, self._clock())
        try:
            with self._lock:
                self._db.execute(
                    "INSERT INTO accounts (name_key, name, email, password_hash, scram_salt, "
                    "scram_stored_key, scram_server_key, scram_iterations, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (name_key(name), name, email, *secrets, account.created_at))
        except sqlite3.IntegrityError:  # created meanwhile by another connection or thread
            raise AccountExists(name) from None
        log.info("account %s created", name)
        return account

    def set_password(self, name: str, password: str) -> bool:
        """Replace an account's password (both hashes); False when there is no such account."""
        self._check(name, password)
        secrets = self._secrets(password)
        with self._lock:
            cursor = self._db.execute(
                "UPDATE accounts SET password_hash = ?, scram_salt = ?, scram_stored_key = ?, "
                "scram_server_key = ?, scram_iterations = ? WHERE name_key = ?",
                (*secrets, name_key(name)))
        return cursor.rowcount > 0

    def delete(self, name: str) -> bool:
        """Remove an account; False when there was none."""
        with self._lock:
            cursor = self._db.execute("DELETE FROM accounts WHERE name_key = ?", (name_key(name),))
        return cursor.rowcount > 0

    # -- TLS client certificate fingerprints (SASL EXTERNAL)

    def find_by_certfp(self, fingerprint: str) -> Account | None:
        """The account that fingerprint (as parse_certfp gives it) logs in to, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT a.name, a.email, a.created_at FROM certfps c JOIN accounts a "
                "ON a.name_key = c.name_key WHERE c.fingerprint = ?", (fingerprint,)).fetchone()
        return Account(*row) if row else None

    def certfps(self, name: str) -> list[str]:
        """The fingerprints registered to an account, oldest first ([] for no account)."""
        with self._lock:
            rows = self._db.execute("SELECT fingerprint FROM certfps WHERE name_key = ? "
                                    "ORDER BY added_at, fingerprint", (name_key(name),))
            return [row[0] for row in rows]

    def add_certfp(self, name: str, fingerprint: str) -> bool:
        """Register fingerprint (parse_certfp's form) to an account; False when it was already
        the account's. NoSuchAccount, CertfpTaken (another account has it), TooManyCertfps."""
        key = name_key(name)
        with self._lock:
            if self._certfp_owner(fingerprint, key):
                return False
            if self._db.execute("SELECT 1 FROM accounts WHERE name_key = ?", (key,)
                                ).fetchone() is None:
                raise NoSuchAccount(name)
            count = self._db.execute("SELECT COUNT(*) FROM certfps WHERE name_key = ?",
                                     (key,)).fetchone()[0]
            if count >= MAX_CERTFPS:
                raise TooManyCertfps(name)
            try:
                self._db.execute("INSERT INTO certfps (fingerprint, name_key, added_at) "
                                 "VALUES (?, ?, ?)", (fingerprint, key, self._clock()))
            except sqlite3.IntegrityError:  # meanwhile (the CLI): taken, or the account deleted
                if self._certfp_owner(fingerprint, key):
                    return False
                raise NoSuchAccount(name) from None
        log.info("certificate %s added to account %s", fingerprint, name)
        return True

    def remove_certfp(self, name: str, fingerprint: str) -> bool:
        """Unregister fingerprint from an account; False when the account did not have it."""
        with self._lock:
            cursor = self._db.execute("DELETE FROM certfps WHERE name_key = ? AND fingerprint = ?",
                                      (name_key(name), fingerprint))
        return cursor.rowcount > 0

    # -- inside

    def _certfp_owner(self, fingerprint: str, key: str) -> bool:
        """True when fingerprint is the account key's; CertfpTaken when another's (under the
        lock)."""
        owner = self._db.execute(
            "SELECT a.name, a.name_key FROM certfps c JOIN accounts a "
            "ON a.name_key = c.name_key WHERE c.fingerprint = ?", (fingerprint,)).fetchone()
        if owner is not None and owner[1] != key:
            raise CertfpTaken(owner[0])
        return owner is not None

    @staticmethod
    def _check(name: str, password: str) -> None:
        why = account_name_error(name) or password_error(password)
        if why:
            raise ValueError(why)

    def _secrets(self, password: str) -> tuple[str, bytes, bytes, bytes, int]:
        """The argon2 hash and the SCRAM verifier of password (slow: call without the lock)."""
        with self._kdf_slots:
            salt, stored_key, server_key, iterations = self._scram.make_auth_info(password)
            return self._hasher.hash(password), salt, stored_key, server_key, iterations

    def _verify_hash(self, password_hash: str, password: str) -> bool:
        try:
            with self._kdf_slots:
                return bool(self._hasher.verify(password_hash, password))
        except argon2.exceptions.VerificationError:
            return False
        except argon2.exceptions.InvalidHashError:
            log.error("an account's stored password hash is not a valid argon2 hash")
            return False

    def _dummy(self) -> str:
        if self._dummy_hash is None:  # a race makes two; either is fine
            with self._kdf_slots:
                self._dummy_hash = self._hasher.hash(os.urandom(16).hex())
        return self._dummy_hash

    def _set_hash(self, name: str, password_hash: str) -> None:
        with self._lock:
            self._db.execute("UPDATE accounts SET password_hash = ? WHERE name_key = ?",
                             (password_hash, name_key(name)))
