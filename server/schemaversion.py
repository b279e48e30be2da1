"""The one version mark of the server's SQLite files (`PRAGMA user_version`): read it, and refuse
a file written by a newer LocalChat before anything (not even the journal mode) is changed."""

from __future__ import annotations

import sqlite3


class NewerSchemaError(sqlite3.DatabaseError):
    """The file's schema is newer than this version of LocalChat knows: refused, left as it is."""

    def __init__(self, what: str, found: int, known: int) -> None:
        super().__init__(
            f"the {what} is of a newer version (schema {found}; this LocalChat knows up to "
            f"{known}): it was written by a newer LocalChat. Run that version again, or restore "
            "a backup made with this one; the file was left unchanged")
        self.found, self.known = found, known


def schema_version(db: sqlite3.Connection) -> int:
    """The file's version mark: 0 for a new file or one from before versions were marked."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def refuse_newer(db: sqlite3.Connection, known: int, what: str) -> int:
    """The file's version; NewerSchemaError when it is above known."""
    found = schema_version(db)
    if found > known:
        raise NewerSchemaError(what, found, known)
    return found
