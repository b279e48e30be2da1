"""An IRC load generator: many client connections on one selector in one thread, no blocking I/O.

`Swarm` owns the connections (`Bot`s) and the event loop; the phases (register, join, closed-loop
throughput, fixed-rate latency, stalled reader) live in bench/phases.py. Bench messages carry
`b <sender> <seq> <monotonic_ns>` so receivers can count deliveries and measure latency.
"""

from __future__ import annotations

import errno
import selectors
import socket
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

MARK = b"b"
PRIVMSG = b"PRIVMSG"
# Every line on_line acts on holds one of these (a command follows a space; numerics 4xx/5xx are
# errors); a chunk of lines with none of them is skipped unsplit (the JOINs and NAMES of a join
# storm are hundreds of thousands of lines).
WANTED = (b" PRIVMSG ", b"PING", b"ERROR", b" QUIT ", b" 366 ", b" 001 ", b" 4", b" 5")
# What every JOIN to the bench's channels (#lobby, #bench) holds, and no line on_line acts on
# does (an error about JOIN says `JOIN :`): a chunk with as many of these as lines is all JOINs,
# skipped with two counts instead of a find per WANTED (a join storm's chunks mostly are).
JOIN_MARK = b" JOIN #"
POLL_CAP = 0.05  # never sleep longer than this in one select, so deadlines stay responsive
RECV_SIZE = 65536


class LoadError(RuntimeError):
    """The server refused or dropped a bench client, or a phase missed its deadline."""


@dataclass
class Tally:
    """What the receivers saw during one phase: deliveries, latencies, and in-flight messages."""

    fanout: int = 0  # parsing receivers each message should reach before it is acked
    receivers: int = 0  # all receivers each message should reach (parsing and counting)
    delivered: int = 0  # deliveries to parsing receivers
    counted: int = 0  # deliveries to counting receivers (bench lines counted, not parsed)
    latencies_ns: list[int] = field(default_factory=list)
    remaining: dict[tuple[int, int], int] = field(default_factory=dict)  # (sender, seq) -> left
    acked: dict[int, int] = field(default_factory=dict)  # sender -> messages fully delivered
    duplicates: int = 0
    unexpected: int = 0
    last_delivery_ns: int = 0
    ignore_receivers: frozenset[int] = frozenset()
    sent: int = 0
    # sender -> the one parsing receiver whose deliveries ack that sender's messages; the other
    # parsing receivers only count theirs. Empty: every parsing receiver acks (fanout of them).
    probe_of: dict[int, int] = field(default_factory=dict)

    def expect(self, sender: int, seq: int) -> None:
        self.remaining[(sender, seq)] = self.fanout
        self.sent += 1

    @property
    def total_delivered(self) -> int:
        return self.delivered + self.counted

    @property
    def outstanding(self) -> int:
        """Deliveries still to come for the messages sent so far."""
        return self.sent * self.receivers - self.total_delivered

    def deliver(self, receiver: Bot, sender: int, seq: int, sent_ns: int, now_ns: int) -> None:
        key = (sender, seq)
        left = self.remaining.get(key)
        if left is None and not self.probe_of:
            self.unexpected += 1
            return
        if not receiver.in_order(sender, seq):
            self.duplicates += 1
            return
        if self.probe_of and self.probe_of.get(sender) != receiver.index:
            self.counted += 1
            self.last_delivery_ns = max(self.last_delivery_ns, now_ns)
            return
        if left is None:
            self.unexpected += 1
            return
        if receiver.index in self.ignore_receivers:
            return
        self.delivered += 1
        self.last_delivery_ns = now_ns
        self.latencies_ns.append(now_ns - sent_ns)
        if left <= 1:
            del self.remaining[key]
            self.acked[sender] = self.acked.get(sender, 0) + 1
        else:
            self.remaining[key] = left - 1


class Bot:
    """One client connection: non-blocking socket, output buffer and partial input line."""

    def __init__(self, index: int, nick: str, sock: socket.socket) -> None:
        self.index = index
        self.nick = nick
        self.sock = sock
        self.outbuf = bytearray()
        self.inbuf = b""
        self.connected = False
        self.registered = False
        self.channels: set[bytes] = set()
        self.reading = True
        self.counting = False  # count bench lines without parsing them (cheap, for big fan-outs)
        self.watched = False
        self.events = selectors.EVENT_WRITE
        self.closed_reason = ""
        self.bytes_in = 0
        self.privmsgs = 0
        self.errors: list[bytes] = []
        self.quits_seen = 0  # QUITs of the swarm's watched nicks this bot has received
        self._last_seq: dict[int, int] = {}
        self.seq = 0

    def in_order(self, sender: int, seq: int) -> bool:
        """Record a bench message as received; False if it repeats or comes before one already
        seen from that sender (one server keeps each sender's messages in order)."""
        if seq <= self._last_seq.get(sender, 0):
            return False
        self._last_seq[sender] = seq
        return True

    def forget_marks(self) -> None:
        self._last_seq.clear()

    @property
    def closed(self) -> bool:
        return bool(self.closed_reason)


class Swarm:
    """Every bench connection to one server, multiplexed by one selector."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.address = address
        self.selector = selectors.DefaultSelector()
        self.bots: list[Bot] = []
        self.tally = Tally()
        self.quits: dict[str, int] = {}  # nick -> monotonic_ns when a QUIT for it was first seen
        self.on_tick: Callable[[], None] | None = None
        self.tick_interval = POLL_CAP  # fixed-rate phases shorten this to their send interval
        self.ready_ns = 0  # when the last select returned
        self.registered = 0
        self.last_count_ns = 0
        self.count_pattern = b" PRIVMSG #bench :b "  # what counting receivers look for
        self.failed: list[Bot] = []
        self.closes = 0  # bots closed so far, by either side (phases rescan bots when it moves)
        self.joined: Counter[bytes] = Counter()  # channel -> bots that had its end of NAMES
        self.lobby: bytes | None = None  # a channel the server joins clients to by itself
        self.landed = 0  # bots that have had their end of NAMES for the lobby
        self.quit_watch: frozenset[str] = frozenset()  # nicks whose QUITs are counted per bot
        self.watched_quits = 0
        self.last_quit_ns = 0

    # --- connections -------------------------------------------------------------------------

    def open(self, nick: str) -> Bot:
        """Start a non-blocking connect; NICK/USER go out as soon as it completes."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        bot = Bot(len(self.bots), nick, sock)
        self.bots.append(bot)
        code = sock.connect_ex(self.address)
        if code not in (0, errno.EINPROGRESS):
            sock.close()
            raise LoadError(f"connect to {self.address} failed: {errno.errorcode.get(code, code)}")
        bot.outbuf += f"NICK {nick}\r\nUSER {nick} 0 * :bench client\r\n".encode()
        self.selector.register(sock, selectors.EVENT_WRITE, bot)
        bot.watched = True
        return bot

    def send(self, bot: Bot, data: bytes) -> None:
        """Queue data for bot and write as much as the socket takes now."""
        if bot.closed:
            return
        bot.outbuf += data
        if bot.connected:
            self._flush(bot)

    def stop_reading(self, bot: Bot) -> None:
        """Leave this bot's socket unread from now on (it may still be written to)."""
        bot.reading = False
        self._update_interest(bot)

    def close(self, bot: Bot, reason: str = "closed by the bench") -> None:
        if bot.watched:
            self.selector.unregister(bot.sock)
            bot.watched = False
        bot.sock.close()
        if not bot.closed_reason:
            self.closes += 1
            bot.closed_reason = reason
            if not bot.registered:
                self.failed.append(bot)

    def close_all(self) -> None:
        for bot in self.bots:
            self.close(bot)
        self.selector.close()

    # --- the event loop ----------------------------------------------------------------------

    def run_until(self, done: Callable[[], bool], deadline: float, what: str) -> None:
        """Serve events until done() is true; LoadError if the monotonic deadline passes first."""
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LoadError(f"timed out waiting for {what}")
            self.poll(min(remaining, self.tick_interval))

    def run_for(self, seconds: float) -> None:
        """Serve events for this long, whatever happens."""
        end = time.monotonic() + seconds
        while (remaining := end - time.monotonic()) > 0:
            self.poll(min(remaining, self.tick_interval))

    def poll(self, timeout: float) -> None:
        """One select round: read, write, and call on_tick (used by fixed-rate senders)."""
        ready = self.selector.select(timeout)
        # Whatever select found had arrived by now: stamping it all with this instant keeps the
        # time this loop spends on the sockets before a bot's out of that bot's latency.
        self.ready_ns = time.monotonic_ns()
        for key, events in ready:
            bot: Bot = key.data
            if events & selectors.EVENT_WRITE:
                self._on_writable(bot)
            if events & selectors.EVENT_READ and not bot.closed_reason:
                self._on_readable(bot)
        if self.on_tick is not None:
            self.on_tick()

    def _on_writable(self, bot: Bot) -> None:
        if not bot.connected:
            code = bot.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code:
                self.close(bot, f"connect failed: {errno.errorcode.get(code, code)}")
                return
            bot.connected = True
        self._flush(bot)

    def _flush(self, bot: Bot) -> None:
        try:
            sent = bot.sock.send(bot.outbuf) if bot.outbuf else 0
        except BlockingIOError:
            sent = 0
        except OSError as error:
            self.close(bot, f"send failed: {error}")
            return
        del bot.outbuf[:sent]
        self._update_interest(bot)

    def _update_interest(self, bot: Bot) -> None:
        if bot.closed:
            return
        events = selectors.EVENT_READ if bot.reading and bot.connected else 0
        if bot.outbuf or not bot.connected:
            events |= selectors.EVENT_WRITE
        if events == bot.events:
            return
        bot.events = events
        if events and bot.watched:
            self.selector.modify(bot.sock, events, bot)
        elif events:
            self.selector.register(bot.sock, events, bot)
        elif bot.watched:
            self.selector.unregister(bot.sock)
        bot.watched = bool(events)

    def _on_readable(self, bot: Bot) -> None:
        try:
            data = bot.sock.recv(RECV_SIZE)
        except BlockingIOError:
            return
        except OSError as error:
            self.close(bot, f"recv failed: {error}")
            return
        if not data:
            self.close(bot, "server closed the connection")
            return
        self.on_data(bot, data, self.ready_ns)

    def on_data(self, bot: Bot, data: bytes, now_ns: int | None = None) -> None:
        """Handle bytes received by bot (by now_ns; default: now): count or parse its lines."""
        if now_ns is None:
            now_ns = time.monotonic_ns()
        bot.bytes_in += len(data)
        if bot.counting and self._count(bot, data, now_ns):
            return
        if self._skim(bot, data):
            return
        lines = (bot.inbuf + data).split(b"\n") if bot.inbuf else data.split(b"\n")
        bot.inbuf = lines.pop()
        for line in lines:
            self.on_line(bot, line.rstrip(b"\r"), now_ns)

    def _skim(self, bot: Bot, data: bytes) -> bool:
        """Skip data's complete lines when none can matter to on_line; False (do nothing)
        otherwise."""
        buffer = bot.inbuf + data if bot.inbuf else data
        end = buffer.rfind(b"\n") + 1
        if buffer.count(JOIN_MARK, 0, end) != buffer.count(b"\n", 0, end):  # not JOINs only
            for wanted in WANTED:
                if buffer.find(wanted, 0, end) >= 0:
                    return False
        bot.inbuf = buffer[end:]
        return True

    def _count(self, bot: Bot, data: bytes, now_ns: int) -> bool:
        """Count the bench lines in data without splitting it into lines; False (do nothing)
        when the complete lines hold anything else, which then goes the slow way."""
        buffer = bot.inbuf + data if bot.inbuf else data
        end = buffer.rfind(b"\n") + 1
        complete = buffer[:end]
        lines = complete.count(b"\n")
        marks = complete.count(self.count_pattern)
        if marks != lines:
            return False
        bot.inbuf = buffer[end:]
        bot.privmsgs += marks
        self.tally.counted += marks
        if marks:
            self.last_count_ns = now_ns
        return True

    # --- lines -------------------------------------------------------------------------------

    def on_line(self, bot: Bot, line: bytes, now_ns: int) -> None:
        """Handle one complete line received by bot (at now_ns): answer PING, note errors,
        registrations, joins and quits, and tally bench messages."""
        if line.startswith(b"PING"):
            self.send(bot, b"PONG" + line[4:] + b"\r\n")
            return
        if line.startswith(b"ERROR"):
            bot.errors.append(line)
            return
        parts = line.split(b" ", 3)
        if len(parts) < 3:
            return
        command = parts[1]
        if command == PRIVMSG:
            self._on_privmsg(bot, parts, now_ns)
        elif command == b"001" and not bot.registered:
            bot.registered = True
            self.registered += 1
        elif command == b"366":
            self._on_end_of_names(bot, line.split(b" ", 4)[3].lower())
        elif command == b"QUIT":
            self._on_quit(bot, parts[0][1:].split(b"!", 1)[0].decode(errors="replace"), now_ns)
        elif command[:1] in (b"4", b"5") and command.isdigit():
            bot.errors.append(line)

    def _on_end_of_names(self, bot: Bot, channel: bytes) -> None:
        if channel not in bot.channels:
            self.joined[channel] += 1
            if channel == self.lobby:
                self.landed += 1
        bot.channels.add(channel)

    def _on_quit(self, bot: Bot, nick: str, now_ns: int) -> None:
        self.quits.setdefault(nick, now_ns)
        if nick in self.quit_watch:
            bot.quits_seen += 1
            self.watched_quits += 1
            self.last_quit_ns = now_ns

    def _on_privmsg(self, bot: Bot, parts: list[bytes], now_ns: int) -> None:
        bot.privmsgs += 1
        if len(parts) < 4:
            return
        text = parts[3][1:] if parts[3][:1] == b":" else parts[3]
        fields = text.split(b" ", 4)
        if len(fields) < 4 or fields[0] != MARK:
            return
        try:
            sender, seq, sent_ns = int(fields[1]), int(fields[2]), int(fields[3])
        except ValueError:
            return
        if bot.counting:
            self.tally.counted += 1
            self.last_count_ns = now_ns
        else:
            self.tally.deliver(bot, sender, seq, sent_ns, now_ns)

    # --- bench messages ----------------------------------------------------------------------

    def send_mark(self, sender: Bot, channel: str, padding: bytes = b"") -> None:
        """Send the next bench message from sender to channel and expect it at the receivers."""
        sender.seq += 1
        self.tally.expect(sender.index, sender.seq)
        line = b"PRIVMSG %s :b %d %d %d" % (
            channel.encode(),
            sender.index,
            sender.seq,
            time.monotonic_ns(),
        )
        self.send(sender, line + (b" " + padding if padding else b"") + b"\r\n")
