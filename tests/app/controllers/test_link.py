"""The link on its own, on FakeView's virtual clock: polling, 'connected' from drained events,
the keepalive, the backoff, and timers that end with their connection or with close()."""

from __future__ import annotations

import pytest

from app.controllers.link import (
    BACKOFF_SECONDS,
    BATCH_BUDGET_S,
    BATCH_LIMIT,
    KEEPALIVE_MS,
    POLL_MS,
    Link,
)
from app.models.events import ConnectionOpened
from ircproto.message import Message
from tests.fakes import FakeConnectionFactory, FakeView


class Probe:
    """A Link with recording callbacks."""

    def __init__(self) -> None:
        self.view = FakeView()
        self.factory = FakeConnectionFactory()
        self.items: list[object] = []
        self.batches = 0
        self.silences: list[int] = []
        self.now = 0.0
        self.cost = 0.0
        """How far handling one item moves the link's clock (seconds)."""
        self.link = Link(self.view, self.factory, self._handle, self._batch,
                         self.silences.append, lambda: self.now)

    def _handle(self, item: object) -> None:
        self.items.append(item)
        self.now += self.cost

    def _batch(self) -> None:
        self.batches += 1


@pytest.fixture
def probe() -> Probe:
    return Probe()


def test_link_drains_the_queue_in_order_and_knows_connected_from_events(probe):
    probe.link.open("127.0.0.1", 1, False)
    conn = probe.factory.last
    assert conn.started and not probe.link.connected
    conn.open()
    assert not probe.link.connected  # not before the event was drained on the UI thread
    conn.feed(":srv 001 me :Welcome")
    probe.view.pump(POLL_MS)
    assert isinstance(probe.items[0], ConnectionOpened)
    assert probe.items[1].command == "001"
    assert probe.link.connected and probe.batches == 1
    conn.drop()
    probe.view.pump(POLL_MS)
    assert not probe.link.connected


def test_link_a_full_batch_comes_back_at_once(probe):
    probe.link.open("127.0.0.1", 1, False)
    probe.factory.last.feed(*[f"PING :{n}" for n in range(BATCH_LIMIT + 5)])
    probe.view.pump(POLL_MS)
    assert len(probe.items) == BATCH_LIMIT + 5 and probe.batches == 2


def test_link_keepalive_pings_after_silence_and_reports_the_second(probe):
    probe.link.open("127.0.0.1", 1, False)
    conn = probe.factory.last
    conn.open()
    probe.view.pump(POLL_MS)
    probe.link.registered()
    probe.view.pump(KEEPALIVE_MS)  # the first interval heard the opening
    assert conn.sent_lines() == []
    probe.view.pump(KEEPALIVE_MS)
    assert conn.sent_lines() == ["PING localchat"]
    probe.view.pump(KEEPALIVE_MS)
    assert probe.silences == [2 * KEEPALIVE_MS // 1000]


def test_link_keepalive_only_waits_before_registration(probe):
    probe.link.open("127.0.0.1", 1, False)
    probe.factory.last.open()
    probe.view.pump(5 * KEEPALIVE_MS)
    assert probe.factory.last.sent == [] and probe.silences == []


def test_link_drop_cancels_the_old_connections_timers(probe):
    probe.link.open("127.0.0.1", 1, False)
    fired: list[str] = []
    probe.link.while_open(10, lambda: fired.append("old"))
    probe.link.later(10, lambda: fired.append("outlives it"))
    probe.link.open("127.0.0.1", 1, False)
    assert probe.factory.made[0].closed
    probe.view.pump(20)
    assert fired == ["outlives it"]


def test_link_retry_backs_off_and_starts_over_once_registered(probe):
    reconnects: list[int] = []
    delays = [probe.link.retry(lambda: reconnects.append(probe.view.now_ms))[0]
              for _ in range(len(BACKOFF_SECONDS) + 1)]
    assert delays == [*BACKOFF_SECONDS, BACKOFF_SECONDS[-1]]
    assert probe.link.attempt == len(BACKOFF_SECONDS) + 1
    probe.view.pump(BACKOFF_SECONDS[0] * 1000)
    assert reconnects == [BACKOFF_SECONDS[0] * 1000]
    probe.link.registered()
    assert probe.link.attempt == 0 and probe.link.retry(lambda: None) == (BACKOFF_SECONDS[0], 1)


def test_link_close_stops_polling_and_cancels_every_timer(probe):
    probe.link.open("127.0.0.1", 1, False)
    conn = probe.factory.last
    fired: list[str] = []
    probe.link.retry(lambda: fired.append("reconnect"))
    probe.link.close()
    assert conn.closed and probe.link.connection is None
    conn.feed("PING :late")
    probe.view.pump(60_000)
    assert fired == [] and probe.items == [] and probe.view.pending == 0
    assert probe.link.wait_closed(0.1)


def test_link_send_without_a_connection_is_dropped(probe):
    probe.link.send(Message("PING", ("x",)))
    assert probe.factory.made == []


def test_link_a_batch_ends_when_its_time_budget_is_spent(probe):
    """Costly lines make shorter batches (each handled item moves the clock 5 ms here), so the
    window gets its turn; the rest follows at once, none lost."""
    probe.cost = 0.005
    probe.link.open("127.0.0.1", 1, False)
    probe.factory.last.feed(*[f"PING :{n}" for n in range(10)])
    probe.view.pump(POLL_MS)
    most = int(BATCH_BUDGET_S / probe.cost) + 1  # items a batch handles before it is spent
    assert most < 10 and -(-10 // most) <= probe.batches <= 10
    assert [item.params[0] for item in probe.items] == [str(n) for n in range(10)]
