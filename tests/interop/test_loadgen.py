"""The bench's load generator at a tiny scale: it must count every delivery exactly, against the
LocalChat server (port 0) and ngircd. Counts only; nothing here depends on how fast it runs.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from bench import phases
from bench.loadgen import Bot, Swarm, Tally
from bench.servers import kernel_bytes

CHANNEL = "#bench"
TIMEOUT = 30.0


@pytest.fixture
def swarm(irc_server: tuple[str, int]) -> Iterator[Swarm]:
    bench = Swarm(irc_server)
    yield bench
    bench.close_all()


def _members(swarm: Swarm, count: int) -> list[Bot]:
    result = phases.register(swarm, count, "lg", concurrency=3, timeout=TIMEOUT)
    assert result.clients == count and swarm.registered == count
    members = swarm.bots[:count]
    phases.join(swarm, members, CHANNEL, timeout=TIMEOUT)
    return members


@pytest.mark.interop
def test_loadgen_closed_loop_counts_every_delivery(swarm: Swarm) -> None:
    members = _members(swarm, 6)
    before = [bot.privmsgs for bot in members]
    result = phases.closed_loop(swarm, members[:3], members, CHANNEL, window=2, per_sender=15)
    assert result.sent == 45
    assert result.expected == 45 * 5
    assert result.delivered == result.expected and result.lost == 0
    assert result.duplicates == 0
    assert len(result.latencies_ms) == 45  # measured at the probe, the last member
    received = [bot.privmsgs - b for bot, b in zip(members, before)]
    assert received == [30, 30, 30, 45, 45, 45]  # a sender does not get its own messages


@pytest.mark.interop
def test_loadgen_fixed_rate_sends_the_planned_count(swarm: Swarm) -> None:
    members = _members(swarm, 4)
    result = phases.fixed_rate(swarm, members[:2], members, CHANNEL, rate=100.0, seconds=0.2)
    assert result.sent == 20
    assert result.delivered == 20 * 3 and result.lost == 0


@pytest.mark.interop
def test_loadgen_stalled_reader_finds_everything_it_missed(
    swarm: Swarm, irc_server: tuple[str, int]
) -> None:
    members = _members(swarm, 4)
    result = phases.stalled_reader(
        swarm, members[:2], members, CHANNEL, rate=100.0, max_seconds=0.2, padding=b"p" * 50,
        kernel_bytes=lambda bot: kernel_bytes(bot.sock, irc_server[1]),
    )
    assert not result.dropped
    assert result.others.sent == 20 and result.others.delivered == 20 * 2
    assert result.sent_while_stalled == 20
    assert result.reached_victim == 20  # so little fits in the kernel's buffers
    assert result.victim_bytes > 20 * 50


def test_loadgen_tally_flags_repeated_and_unknown_messages() -> None:
    bench = Swarm(("127.0.0.1", 9))  # never connected: lines are fed by hand
    receiver = Bot(1, "rx", socket.socket())
    try:
        bench.tally = Tally(fanout=2)
        bench.tally.expect(sender=0, seq=1)
        line = b":tx!u@h PRIVMSG #bench :b 0 1 1000"
        bench.on_line(receiver, line, now_ns=3000)
        bench.on_line(receiver, line, now_ns=4000)
        bench.on_line(receiver, b":tx!u@h PRIVMSG #bench :b 0 7 1000", now_ns=5000)
        bench.on_line(receiver, b":tx!u@h PRIVMSG #bench :just chatting", now_ns=5000)
    finally:
        receiver.sock.close()
        bench.close_all()
    assert bench.tally.delivered == 1
    assert bench.tally.latencies_ns == [2000]
    assert bench.tally.duplicates == 1
    assert bench.tally.unexpected == 1
    assert bench.tally.remaining == {(0, 1): 1}
    assert receiver.privmsgs == 4


def test_loadgen_counting_receiver_counts_lines_split_across_reads() -> None:
    bench = Swarm(("127.0.0.1", 9))  # never connected: data is fed by hand
    receiver = Bot(1, "rx", socket.socket())
    receiver.counting = True
    try:
        bench.tally = Tally(fanout=1, receivers=1)
        bench.on_data(receiver, b":tx!u@h PRIVMSG #bench :b 0 1 10\r\n:tx!u@h PRIVMSG #be")
        assert bench.tally.counted == 1
        bench.on_data(receiver, b"nch :b 0 2 20\r\nPING :abc\r\n:tx!u@h PRIVMSG #bench :b 0 3 ")
        assert bench.tally.counted == 2  # the PING sent this read down the parsing path
        bench.on_data(receiver, b"30\r\n")
    finally:
        receiver.sock.close()
        bench.close_all()
    assert bench.tally.counted == 3 and bench.tally.delivered == 0
    assert receiver.privmsgs == 3
    assert bytes(receiver.outbuf) == b"PONG :abc\r\n"
