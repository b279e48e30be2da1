"""The account store (server.accounts): hashes, never passwords; casemapped names; SCRAM
verifiers scramp accepts; private file modes; a second connection sees the first's writes."""

from __future__ import annotations

import sqlite3
import stat
import threading
import time

import argon2
import pytest
import scramp

from server import accounts, state
from server.accounts import AccountExists, AccountStore, account_name_error, password_error

FAST = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # tests only


@pytest.fixture
def store(tmp_path):
    accounts = AccountStore(str(tmp_path / "data" / "accounts.sqlite3"), hasher=FAST)
    yield accounts
    accounts.close()


def test_accounts_store_keeps_a_salted_hash_not_the_password(tmp_path, store):
    store.create("Alice", "correct horse")
    store.create("bob", "correct horse")
    with sqlite3.connect(tmp_path / "data" / "accounts.sqlite3") as db:
        rows = db.execute("SELECT name, password_hash FROM accounts ORDER BY name").fetchall()
        raw = b"".join(bytes(r[0]) for r in db.execute("SELECT scram_stored_key FROM accounts"))
    db.close()
    hashes = [row[1] for row in rows]
    assert all(h.startswith("$argon2id$") and "correct horse" not in h for h in hashes)
    assert hashes[0] != hashes[1]  # salted
    assert b"correct horse" not in raw
    data = (tmp_path / "data" / "accounts.sqlite3").read_bytes()
    assert b"correct horse" not in data


def test_accounts_store_verifies_the_password(store):
    store.create("alice", "correct horse")
    assert store.verify("alice", "correct horse").name == "alice"
    assert store.verify("alice", "wrong horse!") is None
    assert store.verify("nobody", "correct horse") is None


def test_accounts_store_names_are_casemapped(store):
    store.create("Al[ice]", "correct horse")
    assert store.find("al{ICE}").name == "Al[ice]"
    assert store.verify("AL{ice}", "correct horse").name == "Al[ice]"
    with pytest.raises(AccountExists):
        store.create("al{ice}", "another password")


def test_accounts_store_refuses_bad_names_and_weak_passwords(store):
    with pytest.raises(ValueError, match="account name"):
        store.create("9lives", "correct horse")
    with pytest.raises(ValueError, match="at least"):
        store.create("alice", "short")
    assert account_name_error("alice") is None and account_name_error("#x")
    assert password_error("x" * 8) is None and password_error("\u00e9" * 151)
    assert store.accounts() == []


def test_accounts_store_file_is_0600_in_a_0700_directory(tmp_path, store):
    path = tmp_path / "data" / "accounts.sqlite3"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_accounts_store_scram_verifier_lets_scramp_authenticate(store):
    store.create("alice", "correct horse")
    mechanism = scramp.ScramMechanism("SCRAM-SHA-256")
    for password, ok in (("correct horse", True), ("wrong horse!", False)):
        client = scramp.ScramClient(["SCRAM-SHA-256"], "alice", password)
        server = mechanism.make_server(store.scram_info)
        server.set_client_first(client.get_client_first())
        client.set_server_first(server.get_server_first())
        if ok:
            server.set_client_final(client.get_client_final())
            client.set_server_final(server.get_server_final())
        else:
            with pytest.raises(scramp.ScramException):
                server.set_client_final(client.get_client_final())
    assert store.scram_info("nobody") is None


def test_accounts_store_set_password_and_delete(store):
    store.create("alice", "correct horse")
    assert store.set_password("ALICE", "battery staple")
    assert store.verify("alice", "correct horse") is None
    assert store.verify("alice", "battery staple") is not None
    assert not store.set_password("nobody", "battery staple")
    assert store.delete("Alice") and not store.delete("alice")
    assert store.find("alice") is None


def test_accounts_store_a_second_connection_sees_writes(tmp_path, store):
    other = AccountStore(str(tmp_path / "data" / "accounts.sqlite3"), hasher=FAST)
    try:
        other.create("carol", "correct horse")
        assert store.verify("carol", "correct horse") is not None
        assert [a.name for a in store.accounts()] == ["carol"]
    finally:
        other.close()


def test_accounts_store_is_safe_across_threads(store):
    results: list[bool] = []

    def register(i: int) -> None:
        try:
            store.create("same", f"password {i}")
            results.append(True)
        except AccountExists:
            results.append(False)

    threads = [threading.Thread(target=register, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(results) == [False] * 5 + [True]


class SlowHasher(argon2.PasswordHasher):
    """Counts how many verifications run at once."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.lock, self.running, self.most = threading.Lock(), 0, 0

    def verify(self, hash, password):  # type: ignore[override]
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1
        return super().verify(hash, password)


def test_accounts_store_bounds_the_kdf_work_running_at_once(tmp_path):
    hasher = SlowHasher()
    store = AccountStore(str(tmp_path / "a.sqlite3"), hasher=hasher, kdf_slots=2)
    try:
        store.create("alice", "correct horse")
        threads = [threading.Thread(target=store.verify, args=("alice", "correct horse"))
                   for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert hasher.most == 2
    finally:
        store.close()


def test_accounts_store_folds_names_as_the_server_folds_nicks():
    assert accounts.CASEMAPPING == state.CASEMAPPING
    assert accounts.name_key("Al[ice]~") == state.fold("Al[ice]~")


def test_accounts_store_that_cannot_be_created_is_a_store_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(sqlite3.OperationalError, match="cannot create"):
        AccountStore(str(blocker / "accounts.sqlite3"))


# -- TLS client certificate fingerprints

FP_A, FP_B = "ab" * 32, "0f" * 32


def test_accounts_store_certfps_add_find_list_remove(store):
    store.create("Al[ice]", "correct horse")
    assert store.find_by_certfp(FP_A) is None
    assert store.add_certfp("al{ice}", FP_A) is True
    assert store.add_certfp("AL[ICE]", FP_A) is False  # already its own
    assert store.add_certfp("Al[ice]", FP_B) is True
    assert store.find_by_certfp(FP_A).name == "Al[ice]"
    assert store.certfps("al{ice}") == [FP_A, FP_B]
    assert store.remove_certfp("al{ice}", FP_A) is True
    assert store.remove_certfp("al{ice}", FP_A) is False
    assert store.find_by_certfp(FP_A) is None
    assert store.certfps("Al[ice]") == [FP_B]


def test_accounts_store_a_certfp_belongs_to_one_account_only(store):
    store.create("alice", "correct horse")
    store.create("bob", "correct horse")
    store.add_certfp("alice", FP_A)
    with pytest.raises(accounts.CertfpTaken) as taken:
        store.add_certfp("bob", FP_A)
    assert taken.value.owner == "alice"
    assert store.certfps("bob") == []
    assert store.remove_certfp("bob", FP_A) is False  # nor can another account remove it
    assert store.find_by_certfp(FP_A).name == "alice"


def test_accounts_store_certfps_need_an_account_and_go_with_it(tmp_path, store):
    with pytest.raises(accounts.NoSuchAccount):
        store.add_certfp("nobody", FP_A)
    store.create("alice", "correct horse")
    store.add_certfp("alice", FP_A)
    other = AccountStore(str(tmp_path / "data" / "accounts.sqlite3"), hasher=FAST)
    try:  # deleted by another connection (the operator's CLI): the fingerprint goes too
        assert other.delete("alice")
    finally:
        other.close()
    assert store.find_by_certfp(FP_A) is None
    store.create("alice", "correct horse")
    assert store.certfps("alice") == []


def test_accounts_store_certfps_per_account_are_bounded(store):
    store.create("alice", "correct horse")
    prints = [f"{i:064x}" for i in range(accounts.MAX_CERTFPS + 1)]
    for fingerprint in prints[:-1]:
        store.add_certfp("alice", fingerprint)
    with pytest.raises(accounts.TooManyCertfps):
        store.add_certfp("alice", prints[-1])
    assert len(store.certfps("alice")) == accounts.MAX_CERTFPS


@pytest.mark.parametrize("text", ["AB" * 32, ":".join(["ab"] * 32), "ab" * 32])
def test_accounts_store_parse_certfp_takes_hex_in_either_case_with_colons(text):
    assert accounts.parse_certfp(text) == "ab" * 32


@pytest.mark.parametrize("text", ["", "ab" * 31, "ab" * 33, "zz" * 32, "ab" * 20 + " " + "ab" * 12,
                                  "SHA256:" + "ab" * 32])
def test_accounts_store_parse_certfp_refuses_anything_else(text):
    with pytest.raises(ValueError, match="not a SHA-256 fingerprint"):
        accounts.parse_certfp(text)
