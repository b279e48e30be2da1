"""The history database's schema and its migrations, applied when the store opens: a database
from before accounts (version 0) keeps its channel history; its private rows and nick-keyed read
markers belong to no account, so nobody is ever handed them. Version 2 adds the FTS5 index;
version 3 the sender's account (who may REDACT it) and a multiline message's lines.
"""

from __future__ import annotations

import logging
import sqlite3

from server.schemaversion import refuse_newer

log = logging.getLogger(__name__)
VERSION = 3  # PRAGMA user_version of a current database
WHAT = "history database"
COLUMNS = "id, msgid, ts, target, source, command, text, tags, account, lines"  # a StoredMessage

# Clustered by (target_key, ts, id): a store updates two b-trees (rows, msgid), a page of history
# is one range scan. ts never goes back and id only grows, so (ts, id) order is arrival order.
# A private message is stored once per party logged in to an account: owner_key is that
# account's key, target_key private_key(owner_key, peer's nick key), peer the nick as written.
# Channel messages have neither; a private row without owner_key was written before accounts.
MESSAGES = """
CREATE TABLE IF NOT EXISTS {name} (
    target_key TEXT NOT NULL,
    ts INTEGER NOT NULL,
    id INTEGER NOT NULL,
    msgid TEXT NOT NULL,
    target TEXT NOT NULL,
    source TEXT NOT NULL,
    command TEXT NOT NULL,
    text TEXT NOT NULL,
    tags TEXT NOT NULL,
    sender_key TEXT,
    recipient_key TEXT,
    owner_key TEXT,
    peer TEXT,
    PRIMARY KEY (target_key, ts, id)
) WITHOUT ROWID;
"""
SCHEMA = MESSAGES.format(name="messages") + """
CREATE UNIQUE INDEX IF NOT EXISTS messages_msgid ON messages (msgid, target_key);
CREATE INDEX IF NOT EXISTS messages_owner ON messages (owner_key, ts) WHERE owner_key NOT NULL;
CREATE TABLE IF NOT EXISTS account_markers (
    account_key TEXT NOT NULL,
    target_key TEXT NOT NULL,
    ts INTEGER NOT NULL,
    PRIMARY KEY (account_key, target_key)
);
""" + """
CREATE UNIQUE INDEX IF NOT EXISTS messages_id ON messages (id);
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5 (
    text, content='', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
"""
# The full-text index (version 2): a contentless FTS5 table whose rowid is messages.id, kept by
# the triggers above (SEARCH joins it back through messages_id). Filled once from old rows.
FILL_FTS = "INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages;"
# Version 3: account is the sender's account (NULL: a guest, or a row from before), lines the
# JSON [[text, concat], ...] of a draft/multiline message as its sender split it (NULL: one line).
TO_VERSION_3 = """
ALTER TABLE messages ADD COLUMN account TEXT;
ALTER TABLE messages ADD COLUMN lines TEXT;
"""
OLD_COLUMNS = "target_key, ts, id, msgid, target, source, command, text, tags, sender_key, " \
    "recipient_key"
# Version 0 (before accounts): msgid was UNIQUE, one row per private message keyed by both
# nicks, read markers keyed by nick. The table is rebuilt (SQLite cannot drop a UNIQUE).
FROM_VERSION_0 = MESSAGES.format(name="messages_v1") + f"""
INSERT INTO messages_v1 ({OLD_COLUMNS}) SELECT {OLD_COLUMNS} FROM messages;
DROP TABLE messages;
ALTER TABLE messages_v1 RENAME TO messages;
DROP TABLE IF EXISTS read_markers;
"""


def private_key(owner_key: str, peer_key: str) -> str:
    """The target key of owner_key's (an account's) private conversation with peer_key (a nick):
    never that of a channel, another account's, or a row from before accounts (nicks hold no tab,
    those were two nicks joined by a newline)."""
    return f"{owner_key}\t{peer_key}"


def set_up(db: sqlite3.Connection) -> None:
    """Bring db (autocommit mode) to the current schema, in one transaction."""
    version = refuse_newer(db, VERSION, WHAT)
    if version == VERSION:
        db.executescript(SCHEMA)  # IF NOT EXISTS: nothing to do
        return
    old = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'messages'"
                     ).fetchone()
    before = (FROM_VERSION_0 if old and version == 0 else "")
    fill = FILL_FTS if old and version < 2 else ""
    script = before + SCHEMA + fill + TO_VERSION_3 + f"PRAGMA user_version = {VERSION};"
    try:
        db.executescript(f"BEGIN; {script} COMMIT;")
    except sqlite3.Error:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    if old and version == 0:
        log.info("history database upgraded to version %d: private messages and read markers "
                 "from before accounts are kept from everyone", VERSION)
    elif old and version < 2:
        log.info("history database upgraded to version %d: messages indexed for SEARCH", VERSION)
    elif old:
        log.info("history database upgraded to version %d: senders' accounts and multiline "
                 "messages kept", VERSION)
