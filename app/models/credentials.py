"""Passwords the client keeps for itself, per server (host:port): the password of each account
it logs in to, and the server password when the user asked to remember it.

They live in the OS keyring through `keyring` (service 'LocalChat <host:port>', user the folded
account name). Where keyring has no usable backend (its fail or null backend, as on a desktop
without a secret service) or a keyring call fails, they go to credentials.json in the config
directory instead, 0600 (CredentialFile); reading looks in both, keyring first."""

from __future__ import annotations

import logging
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.null
import keyring.errors

from app.models.credentialfile import CredentialFile
from ircproto.casemap import casefold

SERVICE = "LocalChat"
SERVER_PASSWORD = "(server password)"
"""The name the server password is kept under; no account can be called that (no nick has
spaces or parentheses)."""
log = logging.getLogger(__name__)


def usable_keyring(chosen: keyring.backend.KeyringBackend | None = None
                   ) -> keyring.backend.KeyringBackend | None:
    """chosen, else keyring's backend; None when it is one that stores nothing."""
    try:
        backend = chosen if chosen is not None else keyring.get_keyring()
    except Exception as error:  # any backend may fail to load; the file is the way out
        log.warning("The OS keyring cannot be used (%s); passwords go to a file", error)
        return None
    if isinstance(backend, (keyring.backends.fail.Keyring, keyring.backends.null.Keyring)):
        return None
    return backend


class CredentialStore:
    """get/set/delete a password by (server, name); server is trust.server_key(host, port).
    set and delete return False (logged) when neither the keyring nor the file took it."""

    def __init__(self, directory: Path,
                 backend: keyring.backend.KeyringBackend | None = None) -> None:
        """backend: a keyring backend of its own (tests give each simulated device one);
        None for the one keyring chooses."""
        self.file = CredentialFile(directory)
        self._backend = backend

    @property
    def where(self) -> str:
        """Where new passwords go, for the user: the system keyring, or the file's path."""
        backend = usable_keyring(self._backend)
        return "the system keyring" if backend is not None else str(self.file.path)

    def get(self, server: str, name: str) -> str | None:
        service, user = _service(server), _user(name)
        backend = usable_keyring(self._backend)
        if backend is not None:
            try:
                found = backend.get_password(service, user)
            except keyring.errors.KeyringError as error:
                log.warning("Cannot read the keyring (%s); looking in the file", error)
            else:
                if found is not None:
                    return found
        return self.file.get(_file_key(service, user))

    def set(self, server: str, name: str, password: str) -> bool:
        service, user = _service(server), _user(name)
        backend = usable_keyring(self._backend)
        if backend is not None:
            try:
                backend.set_password(service, user, password)
            except keyring.errors.KeyringError as error:
                log.warning("Cannot write to the keyring (%s); using %s", error, self.file.path)
            else:
                return self._drop_from_file(_file_key(service, user))
        try:
            self.file.set(_file_key(service, user), password)
        except OSError as error:
            log.error("Cannot save a password to %s: %s", self.file.path, error)
            return False
        return True

    def delete(self, server: str, name: str) -> bool:
        service, user = _service(server), _user(name)
        backend = usable_keyring(self._backend)
        if backend is not None:
            try:
                backend.delete_password(service, user)
            except keyring.errors.PasswordDeleteError:
                pass  # there was none
            except keyring.errors.KeyringError as error:
                log.warning("Cannot delete from the keyring: %s", error)
                return False
        return self._drop_from_file(_file_key(service, user))

    def _drop_from_file(self, key: str) -> bool:
        try:
            self.file.delete(key)
        except OSError as error:
            log.error("Cannot remove a password from %s: %s", self.file.path, error)
            return False
        return True


def _service(server: str) -> str:
    return f"{SERVICE} {server}"


def _user(name: str) -> str:
    return name if name == SERVER_PASSWORD else casefold(name)


def _file_key(service: str, user: str) -> str:
    return f"{service} {user}"
