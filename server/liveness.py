"""Who must be pinged or dropped: idle clients get PING, silent or unregistered ones go.

check_liveness() is pure (the caller passes the time); the TCP shell runs it on a timer.
"""

from __future__ import annotations

from ircproto.message import Message
from server.delivery import Outgoing
from server.state import Client, State


def check_liveness(state: State, now: float) -> tuple[Outgoing, list[tuple[Client, str]]]:
    """PINGs to send and (client, reason) pairs to drop, deciding under the lock."""
    config, out = state.config, Outgoing()
    drops: list[tuple[Client, str]] = []
    with state.lock:
        for client in state.clients:
            idle = now - client.last_activity
            if not client.registered:
                if now - client.connected_at >= config.registration_timeout:
                    drops.append((client, "Registration timed out"))
            elif client.ping_sent_at is None:
                if idle >= config.ping_interval:
                    client.ping_sent_at = now
                    out.send(client, Message("PING", (config.name,), config.name))
            elif now - client.ping_sent_at >= config.ping_timeout:
                drops.append((client, f"Ping timeout: {format_seconds(idle)} seconds"))
        out.commit()
    return out, drops


def format_seconds(seconds: float) -> str:
    """Whole seconds, or one decimal below ten seconds: '120', '0.3'."""
    return f"{seconds:.0f}" if seconds >= 10 else f"{seconds:.1f}".removesuffix(".0")


def check_period(state: State) -> float:
    """How often to run check_liveness: a quarter of the shortest timeout, within 0.05-5 s."""
    config = state.config
    shortest = min(config.ping_interval, config.ping_timeout, config.registration_timeout)
    return max(0.05, min(5.0, shortest / 4))
