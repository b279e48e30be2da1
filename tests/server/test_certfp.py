"""TLS client certificates at the wire (real sockets, a TLS listener on port 0, self-signed
client certificates made in the test): clients without one connect as before, SASL EXTERNAL
logs in with a registered one, CERTFP ADD/DEL/LIST, one fingerprint for one account only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import argon2
import pytest

from server.tcp import ServerHandle, start_server_thread
from tests.server.clientcerts import ClientCert, make_client_cert, tls_client
from tests.server.conftest import config
from tests.server.fakes import Harness, commands, find
from tests.server.ircclient import RawClient
from tests.server.test_accounts import PASSWORD, b64, client_of, negotiating, plain, start_plain

FAST = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # tests only
Connect = Callable[..., RawClient]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerHandle]:
    with start_server_thread(config(tls_port=0, data_dir=str(tmp_path / "server"))) as handle:
        handle.state.accounts._hasher = FAST
        handle.state.accounts.create("Alice", PASSWORD)
        handle.state.accounts.create("bob", PASSWORD)
        yield handle


@pytest.fixture
def connect(server: ServerHandle, tmp_path: Path) -> Iterator[Connect]:
    """connect(cert=None) -> a RawClient on the TLS port, presenting cert."""
    clients: list[RawClient] = []

    def make(cert: ClientCert | None = None) -> RawClient:
        assert server.tls_address is not None
        client = tls_client(server.tls_address, tmp_path / "server", cert)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def cert(tmp_path: Path) -> ClientCert:
    return make_client_cert(tmp_path / "client", "laptop")


def cap_values(client: RawClient) -> dict[str, str]:
    client.send("CAP LS 302")
    listed = client.expect(command="CAP", params=[None, "LS"]).params[-1].split()
    return dict(item.partition("=")[::2] for item in listed)


def external(client: RawClient, authzid: str = "") -> None:
    """AUTHENTICATE EXTERNAL, then its one response: the authzid, or empty (`+`)."""
    client.send("AUTHENTICATE EXTERNAL")
    client.expect(command="AUTHENTICATE", params=["+"])
    client.send(f"AUTHENTICATE {b64(authzid.encode()) if authzid else '+'}")


def logged_in(client: RawClient, nick: str = "alice") -> RawClient:
    """SASL PLAIN as Alice, then CAP END: registered and logged in."""
    negotiating(client, nick)
    start_plain(client)
    client.send(f"AUTHENTICATE {plain('alice', PASSWORD)}")
    client.expect(command="903")
    client.send("CAP END")
    client.expect(command="376")
    return client


# -- without a certificate: as before


def test_certfp_tls_without_a_certificate_connects_and_lists_no_external(server, connect):
    client = connect()
    assert cap_values(client)["sasl"] == "PLAIN,SCRAM-SHA-256"
    client.send("CAP END")
    client.register("carol")  # a guest: alice is an account's nick
    assert client_of(server, "carol").certfp is None
    client.send("PRIVMSG #lobby :no certificate here")
    client.send("WHOIS carol")
    assert "276" not in [m.command for m in client.collect_until("318")]


def test_certfp_external_without_a_certificate_is_904(server, connect):
    client = negotiating(connect(), "carol")
    client.send("AUTHENTICATE EXTERNAL")
    client.expect(command="908", params=["carol", "PLAIN,SCRAM-SHA-256"])
    client.expect(command="904", params=["carol"])
    client.send("CAP END")
    client.expect(command="001")
    assert client_of(server, "carol").account is None


# -- with a certificate


def test_certfp_the_server_knows_the_certificates_fingerprint(server, connect, cert):
    client = connect(cert)
    assert cap_values(client)["sasl"] == "PLAIN,SCRAM-SHA-256,EXTERNAL"
    client.send("CAP END")
    client.register("carol")
    assert client_of(server, "carol").certfp == cert.fingerprint
    client.send("WHOIS carol")
    certfp = client.expect(command="276")
    assert certfp.params == ("carol", "carol",
                             f"has client certificate fingerprint {cert.fingerprint}")


@pytest.mark.parametrize("authzid", ["", "ALICE"])
def test_certfp_external_with_a_registered_certificate_logs_in(server, connect, cert, authzid):
    server.state.accounts.add_certfp("alice", cert.fingerprint)
    client = negotiating(connect(cert))
    external(client, authzid)
    logged = client.expect(command="900")
    assert logged.params == ("alice", "alice!alice@127.0.0.1", "Alice",
                             "You are now logged in as Alice")
    client.expect(command="903", params=["alice"])
    client.send("CAP END")
    client.expect(command="001")
    assert client_of(server, "alice").account == "Alice"


@pytest.mark.parametrize("registered", [False, True])
def test_certfp_external_with_an_unregistered_certificate_or_another_authzid_is_904(
        server, connect, cert, registered):
    if registered:
        server.state.accounts.add_certfp("alice", cert.fingerprint)
    client = negotiating(connect(cert))
    external(client, "bob" if registered else "")
    client.expect(command="904", params=["alice"])
    start_plain(client)  # and may try again
    client.send(f"AUTHENTICATE {plain('alice', PASSWORD)}")
    client.expect(command="903")


def test_certfp_a_bad_external_response_is_904(server, connect, cert):
    server.state.accounts.add_certfp("alice", cert.fingerprint)
    client = negotiating(connect(cert))
    client.send("AUTHENTICATE EXTERNAL")
    client.expect(command="AUTHENTICATE", params=["+"])
    not_utf8 = b64(bytes([0xFF, 0xFE]))
    client.send(f"AUTHENTICATE {not_utf8}")
    client.expect(command="904")


# -- CERTFP on the wire


def test_certfp_add_then_external_on_the_next_connection_then_del(server, connect, cert):
    first = logged_in(connect(cert))
    first.send("CERTFP ADD")
    added = first.expect(command="CERTFP")
    assert added.params[:3] == ("SUCCESS", "ADD", cert.fingerprint)
    first.send("CERTFP LIST")
    assert first.expect(command="CERTFP").params == ("LIST", cert.fingerprint)
    assert first.expect(command="CERTFP").params[:3] == ("SUCCESS", "LIST", "1")
    first.send("QUIT")
    first.expect_closed()

    second = negotiating(connect(cert))
    external(second)
    second.expect(command="903")
    second.send("CAP END")
    second.expect(command="376")
    second.send("CERTFP DEL")
    assert second.expect(command="CERTFP").params[:3] == ("SUCCESS", "DEL", cert.fingerprint)
    assert server.state.accounts.certfps("alice") == []

    third = negotiating(connect(cert), "alice2")
    external(third)
    third.expect(command="904")


def test_certfp_a_certificate_of_one_account_cannot_be_added_to_another(server, connect, cert):
    server.state.accounts.add_certfp("bob", cert.fingerprint)
    client = logged_in(connect(cert))
    client.send("CERTFP ADD")
    failed = client.expect(command="FAIL")
    assert failed.params[:3] == ("CERTFP", "CERTFP_TAKEN", cert.fingerprint)
    assert "bob" not in failed.params[-1]  # who owns it is not told
    assert server.state.accounts.certfps("alice") == []
    assert server.state.accounts.find_by_certfp(cert.fingerprint).name == "bob"


def test_certfp_del_by_fingerprint_from_another_device(server, connect, cert, tmp_path):
    lost = make_client_cert(tmp_path / "client", "lost-phone")
    server.state.accounts.add_certfp("alice", lost.fingerprint)
    client = logged_in(connect(cert))
    client.send(f"CERTFP DEL {lost.fingerprint.upper()}")
    assert client.expect(command="CERTFP").params[:3] == ("SUCCESS", "DEL", lost.fingerprint)
    client.send(f"CERTFP DEL {lost.fingerprint}")
    assert client.expect(command="FAIL").params[:3] == ("CERTFP", "NOT_FOUND", lost.fingerprint)


def test_certfp_add_needs_a_certificate_and_an_account(server, connect, cert):
    guest = connect(cert)
    guest.register("guest")
    guest.send("CERTFP ADD")
    assert guest.expect(command="FAIL").params[:3] == ("CERTFP", "ACCOUNT_REQUIRED", "ADD")
    no_cert = logged_in(connect())
    no_cert.send("CERTFP ADD")
    assert no_cert.expect(command="FAIL").params[:3] == ("CERTFP", "NO_CERTIFICATE", "ADD")
    no_cert.send("CERTFP DEL")
    assert no_cert.expect(command="FAIL").params[:3] == ("CERTFP", "NO_CERTIFICATE", "DEL")


# -- pure (fake clients): errors, WHOIS 276, and the store never used under the state lock

FP = "c0" * 32


def harness_with_alice() -> Harness:
    h = Harness()
    h.state.accounts._hasher = FAST
    h.state.accounts.create("alice", PASSWORD)
    return h


def store_spy(h: Harness, mocker, *names: str) -> list[str]:
    """Wrap the store's methods names: each call is recorded, and fails when the state lock is
    held (a failure there is a bug the harness records)."""
    calls: list[str] = []
    store = h.state.accounts
    for name in names:
        real = getattr(store, name)

        def check(*args: object, real=real, name=name) -> object:
            assert not h.state.lock.locked(), f"{name} ran under the state lock"
            calls.append(name)
            return real(*args)

        mocker.patch.object(store, name, side_effect=check)
    return calls


def test_certfp_store_work_runs_outside_the_state_lock(mocker):
    h = harness_with_alice()
    calls = store_spy(h, mocker, "find_by_certfp", "add_certfp", "certfps", "remove_certfp")
    h.state.accounts.add_certfp("alice", FP)
    calls.clear()
    client = h.connect()
    client.certfp = FP
    got = h.send(client, "CAP LS 302", "CAP REQ sasl", "NICK alice", "USER a 0 * :A",
                 "AUTHENTICATE EXTERNAL", "AUTHENTICATE +", "CAP END", "CERTFP LIST",
                 "CERTFP DEL", "CERTFP ADD")
    assert "903" in commands(got) and client.account == "alice"
    assert [m.params[:2] for m in got if m.command == "CERTFP"] == [
        ("LIST", FP), ("SUCCESS", "LIST"), ("SUCCESS", "DEL"), ("SUCCESS", "ADD")]
    assert calls == ["find_by_certfp", "certfps", "remove_certfp", "add_certfp"]
    assert h.bugs == []


@pytest.mark.parametrize(("line", "fail"), [
    ("CERTFP FROB", ("CERTFP", "UNKNOWN_COMMAND", "FROB")),
    ("CERTFP DEL xyz", ("CERTFP", "INVALID_FINGERPRINT", "xyz")),
    ("CERTFP DEL " + "ab" * 31, ("CERTFP", "INVALID_FINGERPRINT", "ab" * 31)),
])
def test_certfp_bad_requests_get_a_fail(line, fail):
    h = harness_with_alice()
    client = h.log_in("alice")
    assert find(h.send(client, line), "FAIL").params[:3] == fail


def test_certfp_needs_registration_and_a_parameter():
    h = harness_with_alice()
    client = h.connect()
    assert find(h.send(client, "CERTFP LIST"), "451")
    h.send(client, "NICK carol", "USER a 0 * :A")
    assert find(h.send(client, "CERTFP"), "461").params[1] == "CERTFP"


def test_certfp_labeled_list_is_one_batch():
    h = harness_with_alice()
    h.state.accounts.add_certfp("alice", FP)
    client = h.log_in("alice", "labeled-response", "batch")
    got = h.send(client, "@label=l1 CERTFP LIST")
    assert commands(got) == ["BATCH", "CERTFP", "CERTFP", "BATCH"]
    assert got[0].tags["label"] == "l1"


def test_certfp_whois_shows_the_fingerprint_to_the_user_and_to_opers_only():
    h = harness_with_alice()
    alice, bob, oper = h.log_in("alice"), h.connect("bob"), h.connect("oper")
    alice.certfp = FP
    oper.modes.add("o")
    text = f"has client certificate fingerprint {FP}"
    assert find(h.send(alice, "WHOIS alice"), "276").params == ("alice", "alice", text)
    assert find(h.send(oper, "WHOIS alice"), "276").params == ("oper", "alice", text)
    assert "276" not in commands(h.send(bob, "WHOIS alice"))
    assert "276" not in commands(h.send(bob, "WHOIS bob"))  # bob has none
