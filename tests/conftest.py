"""Every test runs with its own empty XDG data and config directories, so neither the tests nor
the servers and clients they start as subprocesses (which inherit the environment) can read or
write the user's real LocalChat history, cache or settings; and every test has its own empty
in-memory keyring (tests/memorykeyring.py), never the user's. mDNS stays on loopback
(tests/mdnsguard.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import keyring
import pytest

from tests import mdnsguard
from tests.memorykeyring import MemoryKeyring

ISOLATED = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")


@pytest.fixture(autouse=True, scope="session")
def isolated_user_directories(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in ISOLATED}
    home = tmp_path_factory.mktemp("xdg")
    for name in ISOLATED:
        os.environ[name] = str(home / name.lower())
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


os.environ.update(mdnsguard.ENV)  # before any test starts a client subprocess


@pytest.fixture(autouse=True, scope="session")
def mdns_on_loopback_only() -> Iterator[None]:
    with mdnsguard.guarded():
        yield


@pytest.fixture(autouse=True)
def no_mdns_off_loopback() -> Iterator[None]:
    """A test fails when it made a Zeroconf off loopback, even if the refusal was swallowed."""
    before = len(mdnsguard.violations)
    yield
    assert mdnsguard.violations[before:] == [], "mDNS off loopback"


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    saved = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(saved)
