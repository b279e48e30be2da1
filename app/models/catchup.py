"""Catching up after (re)registering, sans I/O: given what the client has seen and what the server
says, which CHATHISTORY requests to send next, and when everything we missed has arrived."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from app.models import events as ev
from app.models.conversations import Conversations
from app.models.session import Session
from ircproto.message import Message
from ircproto.servertime import format_server_time

HistoryEvent = ev.HistoryReceived | ev.HistoryTargetFound | ev.RequestFailed
NEW_DEVICE_WINDOW = timedelta(days=365)  # how far back a window holding nothing asks TARGETS


class CatchUp:
    """One connection's catch-up: the channels still to rejoin, the history requests in flight
    (conversation key -> the reference asked after) and the TARGETS request for private chats.
    Each method returns the messages to send; done says when nothing is awaited any more."""

    def __init__(self, session: Session, conversations: Conversations,
                 clock: Callable[[], datetime]) -> None:
        self._session = session
        self._conversations = conversations
        self._clock = clock
        self._rejoining: set[str] = set()
        self._fetching: dict[str, str] = {}
        self._targets_pending = False
        self._want_targets = False
        self._since = clock()
        self._fresh = False  # we held nothing: each private chat found starts at its latest page

    @property
    def done(self) -> bool:
        """True when no rejoin, history page or TARGETS answer is awaited."""
        return not self._rejoining and not self._fetching and not self._targets_pending

    def waiting(self) -> list[str]:
        """The keys of the channels and conversations still awaited, sorted."""
        return sorted(self._rejoining | set(self._fetching))

    def registered(self, rejoin: Iterable[str]) -> None:
        """Registration done; rejoin names the channels we wait for (their JOIN before we are
        caught up). The first join then also asks which private chats were active."""
        self._fetching = {}
        self._targets_pending = False
        self._want_targets = True
        self._rejoining = {self._session.key(name) for name in rejoin}

    def joined(self, channel: str) -> tuple[list[Message], bool]:
        """We are in channel: the history requests to send, and whether it was a rejoin we
        awaited."""
        requests = []
        if self._want_targets:
            self._want_targets = False
            requests += self._private_targets()
        requests += self._fetch(channel)
        key = self._session.key(channel)
        awaited = key in self._rejoining
        self._rejoining.discard(key)
        return requests, awaited

    def refused(self, channel: str) -> None:
        """The server refused our JOIN of channel: its rejoin is no longer awaited."""
        self._rejoining.discard(self._session.key(channel))

    def give_up(self) -> list[str]:
        """Stop waiting (the server never answered): what we were still waiting for."""
        waiting = self.waiting()
        self._rejoining, self._fetching, self._targets_pending = set(), {}, False
        return waiting

    def on_event(self, event: HistoryEvent) -> list[Message]:
        """A history batch, a TARGETS line or a FAIL: the next requests."""
        if isinstance(event, ev.HistoryTargetFound):
            if self._session.is_channel(event.target):
                return []
            found = self._conversations.open(event.target, private=True)
            if found.last_msgid or self._fresh:
                return self._fetch(event.target)  # AFTER what we hold, or the LATEST page
            return self._fetch(event.target, f"timestamp={format_server_time(self._since)}")
        if isinstance(event, ev.HistoryReceived) and not event.target:
            self._targets_pending = False
            return []
        if isinstance(event, ev.HistoryReceived):
            asked = self._fetching.pop(self._session.key(event.target), None)
            if asked and event.count >= self._session.history_limit and event.last_msgid:
                return self._fetch(event.target, f"msgid={event.last_msgid}")
            return []
        return self._failed(event) if event.command == "CHATHISTORY" else []

    def _fetch(self, target: str, after: str = "") -> list[Message]:
        """CHATHISTORY AFTER what we last saw in target (LATEST when we saw nothing)."""
        session, found = self._session, self._conversations.get(target)
        if not session.has_history or not session.history_limit:
            return []
        if not after and found is not None and found.last_msgid:
            after = f"msgid={found.last_msgid}"
        self._fetching[session.key(target)] = after
        if after:
            return [session.history("AFTER", target, after)]
        return [session.history("LATEST", target, "*")]

    def _private_targets(self) -> list[Message]:
        """Which private conversations had messages since the newest one we hold, or, holding
        nothing (a new device, a cleared cache), in the last NEW_DEVICE_WINDOW (not asked as a
        guest where the server has accounts: it answers only an account)."""
        session = self._session
        seen = [c.last_time for c in self._conversations if c.last_time is not None]
        guest = session.does_accounts and not session.account
        if not session.has_history or not session.history_limit or guest:
            return []
        self._targets_pending = True
        self._fresh = not seen
        newest = max(seen) - timedelta(seconds=1) if seen else None
        self._since = newest or self._clock() - NEW_DEVICE_WINDOW
        return [session.history_targets(self._since, self._clock() + timedelta(days=1))]

    def _failed(self, event: ev.RequestFailed) -> list[Message]:
        """The server refused a history request: retry by time when it did not know our
        msgid (a server that lost its history), else give up on that target."""
        keys = [self._session.key(part) for part in event.context]
        stuck = [key for key in self._fetching if key in keys] or list(self._fetching)
        if event.context[:1] == ("TARGETS",) or not stuck:
            self._targets_pending = False
        requests = []
        for key in stuck:
            asked = self._fetching.pop(key)
            found = self._conversations.get(key)
            if asked.startswith("msgid=") and found is not None and found.last_time:
                requests += self._fetch(found.name,
                                        f"timestamp={format_server_time(found.last_time)}")
        return requests
