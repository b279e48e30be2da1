"""The privilege tables beside the accounts, in the same SQLite file (accounts.sqlite3): channel
founders and the operator flag. Used by the server outside the state lock only (deferred work,
start-up) and by the operator's CLI, which may write while the server runs (WAL).

Founder rows carry a version: a row is only ever replaced by a higher version, so two saves
that finish out of order (two reader threads) leave the newer one. An oper row names the
account by its creation time too, so an account deleted and registered again under the same
name is not an operator.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from server.accounts import Account, name_key
from server.accountschema import open_accounts_db
from server.privatefiles import create_private_file


@dataclass(frozen=True, slots=True)
class FounderRecord:
    """A channel's founder as stored: the channel's and the account's names, and the version."""

    channel_key: str
    channel: str
    account: str
    version: int


class PrivilegeStore:
    """Thread-safe: one SQLite connection behind `_lock`, a leaf lock. Never call it with the
    state lock held (server/README.md)."""

    def __init__(self, path: str, clock: Callable[[], float] = time.time) -> None:
        if path != ":memory:":
            try:
                create_private_file(Path(path))
            except OSError as error:  # reported as the store's error, as AccountStore does
                detail = error.strerror or error
                raise sqlite3.OperationalError(f"cannot create {path}: {detail}") from error
        self._clock = clock
        self._lock = threading.Lock()
        self._db = open_accounts_db(path)  # server.accountschema: its tables are there too

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- founders

    def founders(self) -> list[FounderRecord]:
        """Every founded channel (at start: the server keeps them in memory)."""
        with self._lock:
            rows = self._db.execute("SELECT channel_key, channel, account, version "
                                    "FROM founders ORDER BY channel_key").fetchall()
        return [FounderRecord(*row) for row in rows]

    def founded_by(self, account: str) -> set[str]:
        """The keys of the channels account founded."""
        with self._lock:
            rows = self._db.execute("SELECT channel_key FROM founders WHERE account_key = ?",
                                    (name_key(account),)).fetchall()
        return {row[0] for row in rows}

    def save_founder(self, record: FounderRecord) -> None:
        """Store record unless a row of a higher version is there already."""
        with self._lock:
            self._db.execute(
                "INSERT INTO founders (channel_key, channel, account_key, account, version, "
                "set_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel_key) DO UPDATE SET "
                "channel = excluded.channel, account_key = excluded.account_key, "
                "account = excluded.account, version = excluded.version, "
                "set_at = excluded.set_at WHERE excluded.version > founders.version",
                (record.channel_key, record.channel, name_key(record.account), record.account,
                 record.version, self._clock()))

    # -- operators

    def set_oper(self, account: Account, oper: bool) -> bool:
        """Give account the oper flag, or take it; False when that changed nothing."""
        with self._lock:
            if not oper:
                cursor = self._db.execute("DELETE FROM opers WHERE name_key = ?",
                                          (name_key(account.name),))
                return cursor.rowcount > 0
            had = self._oper_row(account.name)
            self._db.execute(
                "INSERT OR REPLACE INTO opers (name_key, name, account_created, set_at) "
                "VALUES (?, ?, ?, ?)",
                (name_key(account.name), account.name, account.created_at, self._clock()))
            return had != account.created_at

    def is_oper(self, account: Account) -> bool:
        """Whether this very account (not a later one of the same name) has the flag."""
        with self._lock:
            return self._oper_row(account.name) == account.created_at

    # -- accounts going away

    def forget_account(self, name: str) -> int:
        """An account was deleted: its channels lose their founder, it loses the oper flag.
        Returns how many channels it founded."""
        key = name_key(name)
        with self._lock:
            cursor = self._db.execute("DELETE FROM founders WHERE account_key = ?", (key,))
            self._db.execute("DELETE FROM opers WHERE name_key = ?", (key,))
        return cursor.rowcount

    def _oper_row(self, name: str) -> float | None:
        row = self._db.execute("SELECT account_created FROM opers WHERE name_key = ?",
                               (name_key(name),)).fetchone()
        return float(row[0]) if row else None
