"""Accounts at the wire (real sockets): REGISTER (draft/account-registration) and SASL
(AUTHENTICATE PLAIN and SCRAM-SHA-256, driven by scramp's client), and that the password work
never runs under the state lock."""

from __future__ import annotations

import base64
import logging

import argon2
import pytest
import scramp

from ircproto.framing import LineDecoder
from ircproto.message import Message
from server.reader import loggable
from server.tcp import ServerHandle
from tests.server.conftest import config
from tests.server.fakes import Harness, commands
from tests.server.ircclient import RawClient

PASSWORD = "correct horse"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def plain(account: str, password: str, authzid: str = "") -> str:
    return b64(f"{authzid}\0{account}\0{password}".encode())


def negotiating(client: RawClient, nick: str = "alice", caps: str = "sasl") -> RawClient:
    """CAP LS 302, REQ caps, NICK and USER: registration now waits for CAP END."""
    client.send("CAP LS 302")
    client.send(f"CAP REQ :{caps}")
    client.expect(command="CAP", params=[None, "ACK"])
    client.send(f"NICK {nick}")
    client.send(f"USER {nick} 0 * :Real {nick}")
    return client


def start_plain(client: RawClient) -> None:
    client.send("AUTHENTICATE PLAIN")
    client.expect(command="AUTHENTICATE", params=["+"])


def client_of(server: ServerHandle, nick: str):
    with server.state.lock:
        return server.state.find_nick(nick)


# -- CAP LS


def test_accounts_cap_ls_302_values_and_plain_names(connect):
    client = connect()
    client.send("CAP LS 302")
    listed = client.expect(command="CAP").params[-1].split()
    caps = dict(item.partition("=")[::2] for item in listed)
    assert caps["sasl"] == "PLAIN,SCRAM-SHA-256"
    assert caps["draft/account-registration"] == "before-connect"
    older = connect()
    older.send("CAP LS")
    names = older.expect(command="CAP").params[-1].split()
    assert "sasl" in names and "draft/account-registration" in names
    assert not any("=" in name for name in names)


# -- REGISTER


def test_accounts_register_before_connect_logs_in(server, connect):
    client = connect()
    client.send("CAP LS 302")
    client.send("NICK Alice")
    client.send(f"REGISTER * * :{PASSWORD}")
    assert client.expect(command="REGISTER").params[:2] == ("SUCCESS", "Alice")
    logged = client.expect(command="900")
    assert logged.params[1:3] == ("Alice!*@127.0.0.1", "Alice")  # no USER yet: ident "*"
    client.send("USER alice 0 * :Alice")
    client.send("CAP END")
    client.expect(command="001")
    assert client_of(server, "alice").account == "Alice"
    assert server.state.accounts.verify("alice", PASSWORD).name == "Alice"


def test_accounts_register_after_connect_with_the_nick_as_name(server, connect):
    client = connect("bob")
    client.send(f"REGISTER BOB bob@example.org :{PASSWORD}")
    assert client.expect(command="REGISTER").params[:2] == ("SUCCESS", "BOB")
    client.expect(command="900", params=["bob", None, "BOB"])
    assert server.state.accounts.find("bob").email == "bob@example.org"


@pytest.mark.parametrize(("line", "code", "context"), [
    ("REGISTER * * :short", "WEAK_PASSWORD", "alice"),
    ("REGISTER 9lives * :correct horse", "BAD_ACCOUNT_NAME", "9lives"),
    ("REGISTER carol * :correct horse", "ACCOUNT_NAME_MUST_BE_NICK", "carol"),
    ("REGISTER * nomail :correct horse", "INVALID_EMAIL", "alice"),
    ("REGISTER * * :taken-password", "ACCOUNT_EXISTS", "alice"),
])
def test_accounts_register_fails_with_the_spec_code(server, connect, line, code, context):
    server.state.accounts.create("ALICE", "taken-password")
    client = connect()
    client.send("NICK alice")  # provisionally: registration cannot complete with alice's nick
    client.send(line)
    fail = client.expect(command="FAIL")
    assert fail.params[:3] == ("REGISTER", code, context)
    assert client_of(server, "alice").account is None


def test_accounts_register_needs_a_nick(connect):
    client = connect()
    client.send(f"REGISTER * * :{PASSWORD}")
    assert client.expect(command="FAIL").params[:3] == ("REGISTER", "NEED_NICK", "*")
    client.send(f"REGISTER alice * :{PASSWORD}")
    assert client.expect(command="FAIL").params[:3] == ("REGISTER", "NEED_NICK", "*")


def test_accounts_register_twice_is_already_authenticated(server, connect):
    client = connect("alice")
    client.send(f"REGISTER * * :{PASSWORD}")
    client.expect(command="900")
    client.send(f"REGISTER * * :{PASSWORD}")
    assert client.expect(command="FAIL").params[:3] == ("REGISTER", "ALREADY_AUTHENTICATED",
                                                         "alice")


def test_accounts_register_with_too_few_params_is_461(connect):
    client = connect("alice")
    client.send("REGISTER * *")
    client.expect(command="461", params=["alice", "REGISTER"])


@pytest.mark.parametrize("server_config", [config(registration="closed")])
def test_accounts_register_closed_is_temporarily_unavailable(server, connect):
    client = connect("alice")
    client.send(f"REGISTER * * :{PASSWORD}")
    fail = client.expect(command="FAIL")
    assert fail.params[:3] == ("REGISTER", "TEMPORARILY_UNAVAILABLE", "alice")
    assert server.state.accounts.find("alice") is None


@pytest.mark.parametrize("server_config", [config(password="letmein")])
def test_accounts_register_before_connect_does_not_bypass_pass(server, connect):
    client = connect()
    client.send("NICK alice")
    client.send(f"REGISTER * * :{PASSWORD}")
    assert client.expect(command="FAIL").params[1] == "TEMPORARILY_UNAVAILABLE"
    client.send("PASS letmein")
    client.send(f"REGISTER * * :{PASSWORD}")
    assert client.expect(command="REGISTER").params[0] == "SUCCESS"


# -- SASL PLAIN


@pytest.fixture
def alice_account(server):
    server.state.accounts.create("Alice", PASSWORD)


def test_accounts_sasl_plain_logs_in_then_cap_end_registers(server, connect, alice_account):
    client = negotiating(connect())
    start_plain(client)
    client.send(f"AUTHENTICATE {plain('alice', PASSWORD)}")
    logged = client.expect(command="900")
    assert logged.params == ("alice", "alice!alice@127.0.0.1", "Alice",
                             "You are now logged in as Alice")
    client.expect(command="903", params=["alice"])
    client.send("CAP END")
    client.expect(command="001")
    assert client_of(server, "alice").account == "Alice"


def test_accounts_sasl_lines_after_the_payload_wait_for_its_answer(server, connect,
                                                                   alice_account):
    client = negotiating(connect())
    start_plain(client)
    client.send_raw(f"AUTHENTICATE {plain('alice', PASSWORD)}\r\nCAP END\r\n".encode())
    seen = [m.command for m in client.collect_until("001")]
    assert seen.index("900") < seen.index("903") < seen.index("001")
    assert "906" not in seen
    assert client_of(server, "alice").account == "Alice"


@pytest.mark.parametrize("payload", [plain("alice", "wrong horse"), plain("nobody", PASSWORD),
                                     plain("alice", PASSWORD, authzid="bob"), "!!notbase64",
                                     b64(b"no separators")])
def test_accounts_sasl_plain_bad_credentials_fail_904_and_may_retry(server, connect,
                                                                    alice_account, payload):
    client = negotiating(connect())
    start_plain(client)
    client.send(f"AUTHENTICATE {payload}")
    client.expect(command="904", params=["alice"])
    start_plain(client)
    client.send(f"AUTHENTICATE {plain('alice', PASSWORD)}")
    client.expect(command="903")


def test_accounts_sasl_abort_is_906_and_registers_as_guest(server, connect, alice_account):
    client = negotiating(connect(), nick="dana")
    start_plain(client)
    client.send("AUTHENTICATE *")
    client.expect(command="906", params=["dana"])
    client.send("CAP END")
    client.expect(command="001")
    assert client_of(server, "dana").account is None


def test_accounts_sasl_cap_end_during_an_attempt_aborts_it(server, connect, alice_account):
    client = negotiating(connect(), nick="dana")
    start_plain(client)
    client.send("CAP END")
    seen = [m.command for m in client.collect_until("001")]
    assert "906" in seen
    assert client_of(server, "dana").account is None


def test_accounts_sasl_a_chunk_over_400_bytes_is_905(connect, alice_account):
    client = negotiating(connect())
    start_plain(client)
    client.send("AUTHENTICATE " + "A" * 401)
    client.expect(command="905", params=["alice"])


def test_accounts_sasl_a_response_over_the_limit_is_905(connect, alice_account):
    client = negotiating(connect())
    start_plain(client)
    for _ in range(11):  # 4400 bytes of base64 in 400-byte chunks
        client.send("AUTHENTICATE " + "A" * 400)
    client.expect(command="905", params=["alice"])


def test_accounts_sasl_a_response_of_exactly_400_bytes_ends_with_plus(server, connect):
    password = "p" * 293  # 7 + 293 = 300 bytes -> exactly 400 bytes of base64
    server.state.accounts.create("alice", password)
    payload = plain("alice", password)
    assert len(payload) == 400
    client = negotiating(connect())
    start_plain(client)
    client.send(f"AUTHENTICATE {payload}")
    client.expect_nothing(0.3)  # a full chunk: more may follow
    client.send("AUTHENTICATE +")
    client.expect(command="903")


def test_accounts_sasl_unknown_mechanism_lists_ours(connect):
    client = negotiating(connect())
    client.send("AUTHENTICATE EXTERNAL")
    client.expect(command="908", params=["alice", "PLAIN,SCRAM-SHA-256"])
    client.expect(command="904")


def test_accounts_sasl_needs_the_capability(connect, alice_account):
    client = negotiating(connect(), caps="multi-prefix")
    client.send("AUTHENTICATE PLAIN")
    client.expect(command="904", params=["alice"])


def test_accounts_sasl_again_after_logging_in_is_907(connect, alice_account):
    client = negotiating(connect())
    start_plain(client)
    client.send(f"AUTHENTICATE {plain('alice', PASSWORD)}")
    client.expect(command="903")
    client.send("CAP END")
    client.expect(command="001")
    client.send("AUTHENTICATE PLAIN")
    client.expect(command="907", params=["alice"])


def test_accounts_sasl_after_registration_as_a_guest_logs_in(server, connect, alice_account):
    client = connect("dana")  # sasl-3.2: AUTHENTICATE at any time
    client.send("CAP REQ sasl")
    client.expect(command="CAP", params=[None, "ACK"])
    start_plain(client)
    client.send(f"AUTHENTICATE {plain('alice', PASSWORD)}")
    client.expect(command="900", params=["dana", None, "Alice"])
    client.expect(command="903")


# -- SASL SCRAM-SHA-256


def scram_exchange(client: RawClient, name: str, password: str) -> scramp.ScramClient:
    """Up to the client-final message; returns scramp's client."""
    scram = scramp.ScramClient(["SCRAM-SHA-256"], name, password)
    client.send("AUTHENTICATE SCRAM-SHA-256")
    client.expect(command="AUTHENTICATE", params=["+"])
    client.send(f"AUTHENTICATE {b64(scram.get_client_first().encode())}")
    server_first = client.expect(command="AUTHENTICATE").params[0]
    scram.set_server_first(base64.b64decode(server_first).decode())
    client.send(f"AUTHENTICATE {b64(scram.get_client_final().encode())}")
    return scram


def test_accounts_sasl_scram_sha_256_logs_in(server, connect, alice_account):
    client = negotiating(connect())
    scram = scram_exchange(client, "alice", PASSWORD)
    server_final = client.expect(command="AUTHENTICATE").params[0]
    scram.set_server_final(base64.b64decode(server_final).decode())  # raises if not the server
    client.send("AUTHENTICATE +")
    client.expect(command="900", params=["alice", None, "Alice"])
    client.expect(command="903")
    assert client_of(server, "alice").account == "Alice"


@pytest.mark.parametrize(("name", "password"), [("alice", "wrong horse"), ("nobody", PASSWORD)])
def test_accounts_sasl_scram_wrong_password_or_account_is_904(server, connect, alice_account,
                                                              name, password):
    client = negotiating(connect())
    if name == "nobody":
        scram = scramp.ScramClient(["SCRAM-SHA-256"], name, password)
        client.send("AUTHENTICATE SCRAM-SHA-256")
        client.expect(command="AUTHENTICATE", params=["+"])
        client.send(f"AUTHENTICATE {b64(scram.get_client_first().encode())}")
    else:
        scram_exchange(client, name, password)
    client.expect(command="904", params=["alice"])
    assert client_of(server, "alice").account is None


# -- the state lock (sans-I/O harness)


class LockCheckingHasher(argon2.PasswordHasher):
    """Fails the test if argon2 work ever runs while the state lock is held."""

    def __init__(self, harness: Harness) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.harness, self.calls = harness, 0

    def hash(self, password, *, salt=None):  # type: ignore[override]
        assert not self.harness.state.lock.locked()
        self.calls += 1
        return super().hash(password, salt=salt)

    def verify(self, hash, password):  # type: ignore[override]
        assert not self.harness.state.lock.locked()
        self.calls += 1
        return super().verify(hash, password)


def test_accounts_password_work_runs_outside_the_state_lock():
    h = Harness()
    hasher = LockCheckingHasher(h)
    h.state.accounts._hasher = hasher
    alice = h.connect("alice")
    assert commands(h.send(alice, f"REGISTER * * :{PASSWORD}")) == ["REGISTER", "900"]
    bob = h.connect()
    h.send(bob, "CAP REQ sasl", "NICK bob", "USER bob 0 * :B", "AUTHENTICATE PLAIN")
    replies = h.send(bob, f"AUTHENTICATE {plain('alice', PASSWORD)}", "CAP END")
    assert commands(replies)[:2] == ["900", "903"] and "001" in commands(replies)
    assert hasher.calls == 2 and h.bugs == []


def test_accounts_labeled_register_gets_its_label_on_every_reply():
    h = Harness()
    h.state.accounts._hasher = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    alice = h.connect()
    h.send(alice, "CAP REQ :labeled-response batch", "NICK alice", "USER a 0 * :A", "CAP END")
    replies = h.send(alice, f"@label=r1 REGISTER * * :{PASSWORD}")
    assert commands(replies) == ["BATCH", "REGISTER", "900", "BATCH"]
    assert replies[0].tags["label"] == "r1"
    assert replies[1] == Message("REGISTER", ("SUCCESS", "alice", "Account created"),
                                 "localchat", {"batch": replies[0].params[0][1:]})


# -- secrets stay out of the logs; PASS beside SASL


@pytest.mark.parametrize("line", [f"REGISTER * * :{PASSWORD}", "AUTHENTICATE Y29ycmVjdA==",
                                  "PASS letmein"])
def test_accounts_secret_commands_are_logged_redacted(line):
    item = LineDecoder().feed((line + "\r\n").encode())[0]
    assert loggable(item) == f"{line.split()[0]} <redacted>"


def test_accounts_register_password_never_reaches_the_debug_log(server, connect, caplog):
    with caplog.at_level(logging.DEBUG):
        client = connect("alice")
        client.send(f"REGISTER * * :{PASSWORD}")
        client.expect(command="900")
    assert caplog.records and PASSWORD not in caplog.text


@pytest.mark.parametrize("server_config", [config(password="letmein")])
def test_accounts_sasl_does_not_replace_the_server_password(server, connect, alice_account):
    client = connect()
    client.send("PASS letmein")
    negotiating(client)
    start_plain(client)
    client.send(f"AUTHENTICATE {plain('alice', PASSWORD)}")
    client.expect(command="903")
    client.send("CAP END")
    client.expect(command="001")
    guest = negotiating(connect(), nick="bob")
    start_plain(guest)
    guest.send(f"AUTHENTICATE {plain('alice', PASSWORD)}")
    guest.expect(command="903")
    guest.send("CAP END")
    guest.expect(command="464")


def test_accounts_a_bug_in_deferred_work_closes_only_that_client():
    h = Harness()

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    h.state.accounts.create = broken  # type: ignore[method-assign]
    alice, bob = h.connect("alice"), h.connect("bob")
    h.send(alice, f"REGISTER * * :{PASSWORD}", "PRIVMSG bob :never sent")
    assert h.closed[alice] == ("Internal server error", "Internal server error")
    assert [type(bug) for bug in h.bugs] == [RuntimeError]
    assert "PRIVMSG" not in commands(h.peek(bob))
    assert commands(h.send(bob, "PING x")) == ["PONG"]
