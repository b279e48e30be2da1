"""What those who MONITOR a nick hear (server.monitor holds the lists): 730 when it comes
online, 731 when it goes, and with extended-monitor the AWAY, ACCOUNT and SETNAME changes of
the user holding it. Under the state lock."""

from __future__ import annotations

from ircproto import numerics as n
from ircproto.message import Message
from server.delivery import Outgoing
from server.monitor import Monitors
from server.state import Client

EXTENDED_MONITOR = "extended-monitor"


def announce(out: Outgoing, monitors: Monitors[Client], server_name: str, client: Client,
             online: bool) -> None:
    """Tell everyone monitoring client's nick that it came online (730, with its mask) or went
    offline (731)."""
    watchers = monitors.watchers(client.nick)
    if not watchers:
        return
    numeric, target = ((n.RPL_MONONLINE, client.prefix) if online
                       else (n.RPL_MONOFFLINE, client.nick))
    for session in list(watchers):
        out.send_only(session, Message(numeric, (session.nick, target), server_name))


def extended_watchers(monitors: Monitors[Client], client: Client, cap: str,
                      already: list[Client]) -> list[Client]:
    """already (connections about to be told of a change to client through cap) and the
    connections monitoring client that enabled extended-monitor and cap, client's own left
    out."""
    extra = [s for s in monitors.watchers(client.nick)
             if EXTENDED_MONITOR in s.caps and cap in s.caps and s.identity is not client]
    if not extra:
        return already
    seen = set(already)
    return already + [s for s in extra if s not in seen]
