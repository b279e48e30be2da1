"""`python -m server accounts ...` in a subprocess: add, list, reset-password, delete, set-oper,
refusals, and that accounts and oper flags changed while the server runs count at once (WAL)."""

from __future__ import annotations

import base64
import os
import signal
import stat
import subprocess
import sys

from server import admin
from server.accounts import AccountStore
from server.privileges import FounderRecord, PrivilegeStore
from tests.server.ircclient import RawClient
from tests.server.test_main import ROOT, finish, run_server, wait_for_port

PASSWORD = "correct horse"


def accounts(data_dir, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "server", "accounts", "--data-dir", str(data_dir), *args],
        cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=30,
    )


def verify(data_dir, name: str, password: str) -> bool:
    store = AccountStore(str(data_dir / "accounts.sqlite3"))
    try:
        return store.verify(name, password) is not None
    finally:
        store.close()


def test_admin_add_list_reset_delete(tmp_path):
    data = tmp_path / "data"
    added = accounts(data, "add", "Alice", "--email", "a@example.org", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert added.stdout == "account Alice created\n"
    assert PASSWORD not in added.stdout + added.stderr
    assert stat.S_IMODE((data / "accounts.sqlite3").stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert verify(data, "alice", PASSWORD)
    listed = accounts(data, "list")
    assert listed.returncode == 0 and listed.stdout.startswith("Alice\ta@example.org\t")
    reset = accounts(data, "reset-password", "ALICE", stdin="battery staple\n")
    assert reset.returncode == 0, reset.stderr
    assert verify(data, "alice", "battery staple") and not verify(data, "alice", PASSWORD)
    deleted = accounts(data, "delete", "alice")
    assert deleted.returncode == 0 and deleted.stdout == "account alice deleted\n"
    assert accounts(data, "list").stdout == ""


def test_admin_refusals_are_one_line_errors(tmp_path):
    data = tmp_path / "data"
    weak = accounts(data, "add", "alice", stdin="short\n")
    assert weak.returncode == 2 and "at least 8 characters" in weak.stderr
    bad = accounts(data, "add", "9lives", stdin=PASSWORD + "\n")
    assert bad.returncode == 2 and "invalid account name" in bad.stderr
    assert accounts(data, "add", "alice", stdin=PASSWORD + "\n").returncode == 0
    again = accounts(data, "add", "ALICE", stdin=PASSWORD + "\n")
    assert again.returncode == 1 and "exists already" in again.stderr
    for action in ("delete", "reset-password"):
        missing = accounts(data, action, "bob", stdin=PASSWORD + "\n")
        assert missing.returncode == 1 and "no account bob" in missing.stderr
    assert accounts(data, "add", "carol", PASSWORD).returncode == 2  # never from argv
    assert [line.split("\t")[0] for line in accounts(data, "list").stdout.splitlines()] == [
        "alice"]


def test_admin_works_while_the_server_runs(tmp_path):
    data = tmp_path / "data"
    proc = run_server("--port", "0", "--data-dir", str(data))
    try:
        port = wait_for_port(proc)
        added = accounts(data, "add", "alice", stdin=PASSWORD + "\n")
        assert added.returncode == 0, added.stderr
        with RawClient(("127.0.0.1", port)) as client:
            client.send("CAP REQ sasl")
            client.send("NICK alice")
            client.send("USER alice 0 * :A")
            client.send("AUTHENTICATE PLAIN")
            client.expect(command="AUTHENTICATE", params=["+"])
            payload = base64.b64encode(f"\0alice\0{PASSWORD}".encode()).decode()
            client.send(f"AUTHENTICATE {payload}")
            client.expect(command="903")
            client.send("CAP END")
            client.expect(command="001")
            client.send("REGISTER * * :another password")  # logged in already
            assert client.expect(command="FAIL").params[1] == "ALREADY_AUTHENTICATED"
        assert accounts(data, "delete", "alice").returncode == 0
    finally:
        proc.send_signal(signal.SIGTERM)
        code, err = finish(proc, timeout=5)
    assert code == 0, err
    assert PASSWORD not in err and "Traceback" not in err


class Terminal:
    """stdin as a terminal: the password must come from getpass, not from here."""

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        raise AssertionError("read the password from stdin on a terminal")


def test_admin_on_a_terminal_asks_twice_with_getpass(tmp_path, mocker, capsys):
    data = tmp_path / "data"
    mocker.patch("getpass.getpass", side_effect=[PASSWORD, "not the same"])
    assert admin.main(["--data-dir", str(data), "add", "alice"], stdin=Terminal()) == 2
    assert "do not match" in capsys.readouterr().err
    mocker.patch("getpass.getpass", side_effect=[PASSWORD, PASSWORD])
    assert admin.main(["--data-dir", str(data), "add", "alice"], stdin=Terminal()) == 0
    assert verify(data, "alice", PASSWORD)


FINGERPRINT = "5e" * 32


def test_admin_add_cert_certs_remove_cert(tmp_path):
    data = tmp_path / "data"
    assert accounts(data, "add", "alice", stdin=PASSWORD + "\n").returncode == 0
    spelled = ":".join(FINGERPRINT[i : i + 2].upper() for i in range(0, 64, 2))
    added = accounts(data, "add-cert", "ALICE", spelled)
    assert added.returncode == 0, added.stderr
    assert added.stdout == f"certificate {FINGERPRINT} added to ALICE\n"
    assert accounts(data, "certs", "alice").stdout == FINGERPRINT + "\n"
    again = accounts(data, "add-cert", "alice", FINGERPRINT)
    assert again.returncode == 0 and "already logs in to alice" in again.stdout
    removed = accounts(data, "remove-cert", "alice", FINGERPRINT)
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout == f"certificate {FINGERPRINT} removed from alice\n"
    assert accounts(data, "certs", "alice").stdout == ""


def test_admin_cert_refusals_are_one_line_errors(tmp_path):
    data = tmp_path / "data"
    for name in ("alice", "bob"):
        assert accounts(data, "add", name, stdin=PASSWORD + "\n").returncode == 0
    assert accounts(data, "add-cert", "alice", FINGERPRINT).returncode == 0
    taken = accounts(data, "add-cert", "bob", FINGERPRINT)
    assert taken.returncode == 1
    assert taken.stderr.strip().endswith(f"the certificate {FINGERPRINT} belongs to the "
                                         "account alice")
    for action in ("add-cert", "remove-cert"):
        bad = accounts(data, action, "alice", "not-hex")
        assert bad.returncode == 2 and "invalid fingerprint" in bad.stderr
        assert "64 hex digits" in bad.stderr and len(bad.stderr.splitlines()) == 1
        short = accounts(data, action, "alice", FINGERPRINT[:-2])
        assert short.returncode == 2 and "invalid fingerprint" in short.stderr
    missing = accounts(data, "remove-cert", "bob", FINGERPRINT)
    assert missing.returncode == 1 and "the account bob has no certificate" in missing.stderr
    for args in (("add-cert", "carol", FINGERPRINT), ("certs", "carol")):
        nobody = accounts(data, *args)
        assert nobody.returncode == 1 and "there is no account carol" in nobody.stderr
    assert accounts(data, "certs", "alice").stdout == FINGERPRINT + "\n"


# -- set-oper, and what delete takes with it


def oper_line(client: RawClient) -> str:
    client.send(f"OPER root :{PASSWORD}")
    return client.expect(command=None).command  # the first answer: 381 or 464


def test_admin_set_oper_on_and_off_and_list_shows_it(tmp_path):
    data = tmp_path / "data"
    assert accounts(data, "add", "root", stdin=PASSWORD + "\n").returncode == 0
    assert accounts(data, "add", "alice", stdin=PASSWORD + "\n").returncode == 0
    on = accounts(data, "set-oper", "ROOT")
    assert on.returncode == 0 and on.stdout == "root is an operator now\n"
    assert accounts(data, "set-oper", "root").stdout == "root is an operator already\n"
    listed = [line.split("\t") for line in accounts(data, "list").stdout.splitlines()]
    assert [(row[0], row[3]) for row in listed] == [("alice", "-"), ("root", "oper")]
    off = accounts(data, "set-oper", "root", "--off")
    assert off.returncode == 0 and off.stdout == "root is not an operator now\n"
    missing = accounts(data, "set-oper", "nobody")
    assert missing.returncode == 1 and "no account nobody" in missing.stderr


def test_admin_set_oper_counts_at_once_while_the_server_runs(tmp_path):
    data = tmp_path / "data"
    proc = run_server("--port", "0", "--data-dir", str(data), "--channel", "")
    try:
        port = wait_for_port(proc)
        assert accounts(data, "add", "root", stdin=PASSWORD + "\n").returncode == 0
        with RawClient(("127.0.0.1", port)) as client:
            client.register("guest")
            assert oper_line(client) == "464"  # an account, but no flag yet
            assert accounts(data, "set-oper", "root").returncode == 0
            assert oper_line(client) == "381"
            client.expect(command="MODE", params=["guest", "+o"])
            client.send("MODE guest -o")
            client.expect(command="MODE", params=["guest", "-o"])
            assert accounts(data, "set-oper", "root", "--off").returncode == 0
            assert oper_line(client) == "464"
    finally:
        proc.send_signal(signal.SIGTERM)
        code, err = finish(proc, timeout=5)
    assert code == 0, err
    assert PASSWORD not in err and "Traceback" not in err


def test_admin_delete_leaves_the_accounts_channels_without_founder(tmp_path):
    data = tmp_path / "data"
    assert accounts(data, "add", "alice", stdin=PASSWORD + "\n").returncode == 0
    assert accounts(data, "set-oper", "alice").returncode == 0
    store = PrivilegeStore(str(data / "accounts.sqlite3"))
    try:
        store.save_founder(FounderRecord("#den", "#den", "alice", 1))
        store.save_founder(FounderRecord("#lair", "#lair", "bob", 2))
        deleted = accounts(data, "delete", "alice")
        assert deleted.returncode == 0
        assert deleted.stdout == ("account alice deleted\n"
                                  "1 channel(s) it founded have no founder now\n")
        assert [record.channel for record in store.founders()] == ["#lair"]
        assert accounts(data, "add", "alice", stdin=PASSWORD + "\n").returncode == 0
        assert accounts(data, "list").stdout.rstrip("\n").endswith("\t-")  # not an oper
    finally:
        store.close()
