"""`python -m server backup FILE` while the server runs with traffic: the archive (0600) holds
consistent copies of both databases (the rows there, integrity ok), the TLS certificate and key
and server.toml; it unpacks into a data directory a server opens."""

from __future__ import annotations

import sqlite3
import stat
import tarfile
import threading
from pathlib import Path

from server.__main__ import main
from server.accounts import AccountStore
from server.history import HistoryStore
from server.tcp import start_server_thread
from server.tls import CERT_NAME, KEY_NAME
from tests.server.conftest import config
from tests.server.ircclient import RawClient

LINES = 400


def rows(path: Path, sql: str) -> int:
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(db.execute(sql).fetchone()[0])
    finally:
        db.close()


def test_backup_while_the_server_runs_with_traffic(tmp_path: Path, capsys):
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "server.toml").write_text('name = "office"\n', encoding="utf-8")
    served = config(data_dir=str(data), db=str(data / "history.sqlite3"),
                    accounts_db=str(data / "accounts.sqlite3"), tls_port=0)
    archive = tmp_path / "backups" / "localchat.tar"
    with start_server_thread(served) as handle:
        handle.state.accounts.create("bob", "correct horse battery")
        with RawClient(handle.server_address) as alice, \
                RawClient(handle.server_address) as carol:
            alice.register("alice")
            carol.register("carol")
            carol.expect(command="366")
            sending = threading.Thread(target=lambda: [
                alice.send(f"PRIVMSG #lobby :line {i}") for i in range(LINES)])
            sending.start()
            carol.expect(command="PRIVMSG", params=["#lobby", "line 49"])  # traffic flows
            assert main(["backup", "--data-dir", str(data), str(archive)]) == 0
            sending.join(10)
            carol.expect(command="PRIVMSG", params=["#lobby", f"line {LINES - 1}"])
    assert "backed up history.sqlite3, accounts.sqlite3" in capsys.readouterr().out
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    restored = tmp_path / "restored"
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == sorted(
            ["history.sqlite3", "accounts.sqlite3", CERT_NAME, KEY_NAME, "server.toml"])
        tar.extractall(restored, filter="data")
    copied = rows(restored / "history.sqlite3", "SELECT COUNT(*) FROM messages")
    assert 50 <= copied <= LINES
    assert rows(restored / "accounts.sqlite3", "SELECT COUNT(*) FROM accounts") == 1
    assert stat.S_IMODE((restored / KEY_NAME).stat().st_mode) == 0o600
    history = HistoryStore(str(restored / "history.sqlite3"), 30, 10000)  # a server opens it
    accounts = AccountStore(str(restored / "accounts.sqlite3"))
    try:
        assert len(history.before("#lobby", (1 << 62, 1 << 62), 100)) == 100
        assert accounts.find("BOB") is not None
    finally:
        accounts.close()
        history.close()


def test_backup_of_a_data_dir_without_databases_is_a_clear_error(tmp_path: Path, capsys):
    assert main(["backup", "--data-dir", str(tmp_path), str(tmp_path / "b.tar")]) == 1
    err = capsys.readouterr().err
    assert "localchat-server backup: error: there is no database" in err
    assert not (tmp_path / "b.tar").exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no partial archive left
