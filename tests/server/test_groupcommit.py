"""Group commit (server.historywrites): writes are numbered under the state lock and committed
together after it; output queued after a write waits for its commit (server.connection); a
failed group is rolled back, its lines still go out and the sender is told."""

from __future__ import annotations

import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from server.connection import Connection, Writer
from server.history import NEWEST_BOUND, HistoryStore
from server.tcp import ServerHandle
from tests.server.ircclient import ExpectationError, RawClient

DEADLINE = 5.0


def put(store: HistoryStore, text: str, target: str = "#a") -> int:
    return store.store(f"id-{text}", store.now_ms(), target, target, "alice!a@h", "PRIVMSG",
                       text, {})


def committed_texts(path: Path) -> list[str]:
    """What another connection to the file sees: only committed rows."""
    with sqlite3.connect(path) as other:
        return [row[0] for row in other.execute("SELECT text FROM messages ORDER BY id")]


def fail_on(db: sqlite3.Connection, text: str) -> None:
    """Make storing a message with this text fail (as a full disk would)."""
    db.execute("CREATE TEMP TRIGGER doomed BEFORE INSERT ON main.messages"
               f" WHEN NEW.text = '{text}' BEGIN SELECT RAISE(ABORT, 'disk is full'); END")


@pytest.fixture
def store(tmp_path: Path):
    made = HistoryStore(str(tmp_path / "h.sqlite3"), 30, 1000)
    yield made
    made.close()


def test_stores_are_numbered_and_one_sync_commits_them_all(store: HistoryStore, tmp_path: Path):
    start = store.decided
    assert [put(store, "one"), put(store, "two"), put(store, "three")] == [
        start + 1, start + 2, start + 3]
    assert store.durable == start and committed_texts(tmp_path / "h.sqlite3") == []
    store.sync(start + 1)  # the first one's commit takes the others along
    assert store.durable == start + 3
    assert committed_texts(tmp_path / "h.sqlite3") == ["one", "two", "three"]
    assert store.failure(start + 1, start + 3) is None


def test_a_read_sees_what_was_stored_before_its_commit(store: HistoryStore):
    put(store, "queued")
    assert [m.text for m in store.before("#a", NEWEST_BOUND, 10)] == ["queued"]
    assert store.durable < store.decided  # read, not yet committed


def test_marker_and_redaction_take_write_numbers_too(store: HistoryStore, tmp_path: Path):
    put(store, "gone")
    store.sync(store.decided)
    before = store.decided
    assert store.mark_read("acct", "#a", 5) == 5
    stored = store.message("#a", "id-gone")
    assert stored is not None
    assert store.redact(["#a"], "id-gone", stored.ts) == 1
    assert store.decided == before + 2 and store.durable == before
    assert committed_texts(tmp_path / "h.sqlite3") == ["gone"]  # the DELETE is not committed
    store.sync(store.decided)
    assert committed_texts(tmp_path / "h.sqlite3") == []


def test_a_failed_group_is_rolled_back_reported_and_the_next_one_commits(
        store: HistoryStore, tmp_path: Path):
    fail_on(store._db, "doomed")
    first = put(store, "with it")
    last = put(store, "doomed")
    store.sync(last)
    assert store.durable == last  # its lines may go: they were decided
    why = store.failure(first, last)
    assert why is not None and "disk is full" in why
    assert committed_texts(tmp_path / "h.sqlite3") == []  # the whole group went
    assert store.before("#a", NEWEST_BOUND, 10) == []
    after = put(store, "later")
    store.sync(after)
    assert store.failure(after, after) is None
    assert committed_texts(tmp_path / "h.sqlite3") == ["later"]
    with pytest.raises(sqlite3.Error, match="disk is full"):  # commit() raises it instead
        put(store, "doomed")
        store.commit()


class Durable:
    """A history's commit progress, as a Connection sees it; sync() records who asked."""

    def __init__(self) -> None:
        self.durable = 0
        self.synced: list[int] = []

    def sync(self, seq: int) -> None:
        self.synced.append(seq)
        self.durable = max(self.durable, seq)


@pytest.fixture
def durable() -> Durable:
    return Durable()


@pytest.fixture
def pair(durable: Durable) -> Iterator[tuple[Connection, socket.socket]]:
    """A Connection (over a writer never started) and the socket its peer reads."""
    ours, theirs = socket.socketpair()
    theirs.settimeout(DEADLINE)
    writer = Writer(durable)
    yield Connection(ours, writer, sendq=10_000), theirs
    writer.close()
    ours.close()
    theirs.close()


def test_push_has_the_write_committed_before_sending_what_follows_it(pair, durable: Durable):
    connection, theirs = pair
    connection.queue(b"before\r\n")  # queued before any write: no wait
    connection.push()
    assert durable.synced == [] and theirs.recv(100) == b"before\r\n"
    connection.need = 7
    connection.queue(b"after\r\n")
    connection.push()
    assert durable.synced == [7] and theirs.recv(100) == b"after\r\n"


def test_the_writer_thread_leaves_lines_that_wait_for_a_commit(pair, durable: Durable):
    connection, theirs = pair
    connection.need = 3
    connection.queue(b"waits\r\n")
    assert connection.flush_some() is False  # nothing it may send
    theirs.setblocking(False)
    with pytest.raises(BlockingIOError):
        theirs.recv(100)
    assert durable.synced == []
    connection.push()  # the pusher commits, then sends
    theirs.settimeout(DEADLINE)
    assert theirs.recv(100) == b"waits\r\n" and durable.synced == [3]


def hold_commits(history: HistoryStore) -> tuple[threading.Event, threading.Event]:
    """The next group commit stops until released: (entered, release)."""
    real_commit = history._commit_group
    entered, release = threading.Event(), threading.Event()
    armed = [True]

    def held_commit() -> sqlite3.Error | None:
        if armed[0]:
            armed[0] = False
            entered.set()
            assert release.wait(DEADLINE)
        return real_commit()

    history._commit_group = held_commit  # type: ignore[method-assign]
    return entered, release


def test_a_message_is_received_only_after_its_commit_which_is_outside_the_state_lock(
        server: ServerHandle, connect: Callable[..., RawClient]):
    alice, bob = connect("alice"), connect("bob")  # both in the auto-joined channel
    state = server.state
    entered, release = hold_commits(state.history)
    alice.send("PRIVMSG #lobby :stored first")
    assert entered.wait(DEADLINE)  # a thread is in the (held) group commit
    assert state.lock.acquire(timeout=DEADLINE)  # nobody holds the state lock meanwhile
    state.lock.release()
    bob.send("PING :meanwhile")  # decided after the message: waits behind it
    with pytest.raises(ExpectationError):
        bob.expect(command="PRIVMSG", timeout=0.2)
    release.set()
    assert bob.expect(command="PRIVMSG").params[1] == "stored first"
    assert bob.expect(command="PONG").params[-1] == "meanwhile"
    assert state.history.durable == state.history.decided


def test_a_message_whose_commit_failed_is_delivered_and_its_sender_told(
        server: ServerHandle, connect: Callable[..., RawClient]):
    alice, bob = connect("alice"), connect("bob")
    with server.state.lock:
        fail_on(server.state.history._db, "doomed")
    alice.send("PRIVMSG #lobby :doomed")
    assert bob.expect(command="PRIVMSG").params[1] == "doomed"
    fail = alice.expect(command="FAIL")
    assert fail.params[:2] == ("*", "CANNOT_STORE")
    assert "missing from history" in fail.params[-1] and "disk is full" in fail.params[-1]
    alice.send("PRIVMSG #lobby :kept")
    assert bob.expect(command="PRIVMSG").params[1] == "kept"
    with server.state.lock:
        texts = [m.text for m in server.state.history.before("#lobby", NEWEST_BOUND, 10)]
    assert texts == ["kept"]
    alice.expect_nothing(timeout=0.2)  # no second FAIL for the stored one


def test_a_line_fenced_anew_while_pushing_waits_for_its_own_commit(pair, durable: Durable):
    """Another thread queues after a newer write while this push commits the first one: the
    push commits that one too before it takes anything (no line overtakes its write)."""
    connection, theirs = pair
    real_sync = durable.sync

    def sync_while_another_queues(seq: int) -> None:
        real_sync(seq)
        if seq == 7:  # meanwhile: a line decided after write 9, not yet durable
            connection.need = 9
            connection.queue(b"later\r\n")

    durable.sync = sync_while_another_queues  # type: ignore[method-assign]
    connection.need = 7
    connection.queue(b"first\r\n")
    connection.push()
    assert durable.synced == [7, 9] and durable.durable == 9
    assert theirs.recv(100) == b"first\r\nlater\r\n"


def test_a_write_after_the_store_closed_fails_quietly_and_is_reported(tmp_path: Path):
    """At shutdown a late reader may still store: its group cannot commit on the closed
    database; sync() returns (the lines go), the failure is remembered, nothing raises."""
    closed = HistoryStore(str(tmp_path / "h.sqlite3"), 30, 1000)
    closed.close()
    seq = put(closed, "late")
    closed.sync(seq)
    assert closed.durable == seq
    assert closed.failure(seq, seq) is not None
