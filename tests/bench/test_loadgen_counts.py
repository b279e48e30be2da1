"""The load generator's bookkeeping, fed lines by hand (no server): lobby landings, watched
QUITs, skipped chunks, and closed loops whose probe also sends."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from bench.loadgen import Bot, Swarm, Tally


@pytest.fixture
def swarm() -> Iterator[Swarm]:
    bench = Swarm(("127.0.0.1", 9))  # never connected
    yield bench
    bench.close_all()


def _bot(swarm: Swarm, index: int) -> Bot:
    bot = Bot(index, f"n{index}", socket.socket())
    swarm.bots.append(bot)
    return bot


def test_lobby_landing_counts_each_bot_once(swarm: Swarm) -> None:
    swarm.lobby = b"#lobby"
    bot = _bot(swarm, 0)
    swarm.on_data(bot, b":srv 366 n0 #Lobby :End of /NAMES list.\r\n")
    swarm.on_data(bot, b":srv 366 n0 #lobby :End of /NAMES list.\r\n")
    swarm.on_data(bot, b":srv 366 n0 #other :End of /NAMES list.\r\n")
    assert swarm.landed == 1
    assert swarm.joined == {b"#lobby": 1, b"#other": 1}


def test_only_watched_quits_are_counted(swarm: Swarm) -> None:
    bot = _bot(swarm, 0)
    swarm.quit_watch = frozenset({"gone"})
    swarm.on_data(bot, b":gone!u@h QUIT :Connection closed\r\n:other!u@h QUIT :bye\r\n")
    assert (bot.quits_seen, swarm.watched_quits) == (1, 1)
    assert set(swarm.quits) == {"gone", "other"}


def test_a_chunk_without_wanted_lines_is_skipped_but_its_tail_kept(swarm: Swarm) -> None:
    bot = _bot(swarm, 0)
    swarm.on_data(bot, b":a!u@h JOIN #lobby\r\n:srv 353 n0 = #lobby :a b c\r\n:srv 36")
    assert bot.inbuf == b":srv 36"
    swarm.on_data(bot, b"6 n0 #lobby :End\r\nPI")
    assert b"#lobby" in bot.channels  # the line split across reads was still seen
    swarm.on_data(bot, b"NG :x\r\n")
    assert bytes(bot.outbuf) == b"PONG :x\r\n"


def test_a_chunk_of_joins_only_is_skipped_and_anything_else_among_them_is_seen(
        swarm: Swarm) -> None:
    bot = _bot(swarm, 0)
    joins = b":a!u@h JOIN #lobby\r\n:b!u@h JOIN #lobby\r\n"
    swarm.on_data(bot, joins + b":c!u@h JO")
    assert bot.inbuf == b":c!u@h JO" and not bot.errors
    swarm.on_data(bot, b"IN #lobby\r\n:srv 461 n0 JOIN :Not enough parameters\r\n" + joins)
    assert bot.errors == [b":srv 461 n0 JOIN :Not enough parameters"]
    swarm.on_data(bot, joins + b"PING :y\r\n")
    assert bytes(bot.outbuf) == b"PONG :y\r\n"


def test_a_sending_probe_is_acked_by_the_second_probe() -> None:
    first, last = Bot(0, "first", socket.socket()), Bot(2, "last", socket.socket())
    try:
        tally = Tally(fanout=1, receivers=2, probe_of={0: 2, 1: 2, 2: 0})
        for sender in (0, 1, 2):
            tally.expect(sender, 1)
        tally.deliver(last, 0, 1, 0, 10)  # last acks first's and middle's messages
        tally.deliver(last, 1, 1, 0, 10)
        tally.deliver(first, 1, 1, 0, 10)  # first only counts middle's
        tally.deliver(first, 2, 1, 0, 10)  # and acks last's
        tally.deliver(first, 2, 1, 0, 10)  # a repeat
    finally:
        first.sock.close()
        last.sock.close()
    assert tally.acked == {0: 1, 1: 1, 2: 1}
    assert (tally.delivered, tally.counted, tally.duplicates) == (3, 1, 1)
    assert tally.remaining == {}


def test_lines_take_the_stamp_of_the_select_that_found_them(swarm: Swarm) -> None:
    bot = _bot(swarm, 1)
    swarm.tally = Tally(fanout=1, receivers=1)
    swarm.tally.expect(sender=0, seq=1)
    swarm.on_data(bot, b":tx!u@h PRIVMSG #bench :b 0 1 1000\r\n", now_ns=4000)
    assert swarm.tally.latencies_ns == [3000]
    assert swarm.tally.last_delivery_ns == 4000
