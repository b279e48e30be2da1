"""Channel founders in memory, behind the state lock: loaded from the privilege store
(server.privileges) at start, changed under the lock, and saved by deferred work
(server.commands.founders uses ctx.defer), so no SQLite I/O ever happens under the lock.

Each change takes the next version; the store keeps the highest, so saves that finish out of
order cannot bring an older founder back. A change waits in `_unsaved` until its save is done,
so that checking memory against the store (drop_stale, when an account logs in) never drops
one still on its way.
"""

from __future__ import annotations

from collections.abc import Iterable

from server.accounts import name_key
from server.privileges import FounderRecord


class Founders:
    """channel key -> its founder's record. Hold the state lock to use it."""

    def __init__(self, records: Iterable[FounderRecord] = ()) -> None:
        self._records = {record.channel_key: record for record in records}
        self._version = max((record.version for record in self._records.values()), default=0)
        self._unsaved: set[int] = set()  # versions of changes whose save has not finished

    def get(self, channel_key: str) -> FounderRecord | None:
        return self._records.get(channel_key)

    def account(self, channel_key: str) -> str | None:
        """The founder's account name, or None."""
        record = self._records.get(channel_key)
        return record.account if record else None

    def is_founder(self, channel_key: str, account: str | None) -> bool:
        record = self._records.get(channel_key)
        return record is not None and account is not None and (
            name_key(record.account) == name_key(account))

    @property
    def version(self) -> int:
        """The latest version given out."""
        return self._version

    def next_version(self) -> int:
        self._version += 1
        return self._version

    def change(self, channel_key: str, channel: str, account: str) -> FounderRecord:
        """account founds the channel now: the record to save (a new version)."""
        record = FounderRecord(channel_key, channel, account, self.next_version())
        self._records[channel_key] = record
        self._unsaved.add(record.version)
        return record

    def saved(self, record: FounderRecord) -> None:
        """The save of a change() has finished (or failed: the store then lacks it)."""
        self._unsaved.discard(record.version)

    def apply(self, record: FounderRecord) -> bool:
        """Take record unless a newer change came first; True when it was taken."""
        current = self._records.get(record.channel_key)
        if current is not None and current.version > record.version:
            return False
        self._records[record.channel_key] = record
        return True

    def drop_stale(self, account: str, stored: set[str], seen: int) -> list[str]:
        """Drop account's channels that the store no longer has (the CLI deleted the account
        while the server ran), of those changed up to version seen and saved; their keys."""
        key = name_key(account)
        stale = [k for k, record in self._records.items()
                 if name_key(record.account) == key and k not in stored
                 and record.version <= seen and record.version not in self._unsaved]
        for channel_key in stale:
            del self._records[channel_key]
        return stale

    def forget_account(self, account: str) -> list[str]:
        """Drop every channel founded by account (it was deleted); their keys."""
        key = name_key(account)
        gone = [k for k, record in self._records.items() if name_key(record.account) == key]
        for channel_key in gone:
            del self._records[channel_key]
        return gone
