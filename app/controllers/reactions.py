"""What the client does about each Session event: on the welcome, join the channels we want
(after a reconnect, wait for them and their history before the outbox goes out); follow our joins
and parts, refused joins and messages, history pages, read markers, users and nick changes."""

from __future__ import annotations

from collections.abc import Callable

from app.controllers.archive import Archive
from app.controllers.connector import Connector
from app.controllers.link import Link
from app.controllers.presenter import Presenter
from app.models import events as ev
from app.models.channelkeys import ChannelKeys
from app.models.log import LogEntry
from app.models.outcome import Outcome
from app.models.session import Session
from ircproto.message import Message

CATCH_UP_MS = 20_000
"""After a reconnect, how long the outbox waits for the rejoins and history before it is sent
anyway (a channel we can no longer join, a server that never answers CHATHISTORY)."""

ACCOUNT_EVENTS = (ev.LoggedIn, ev.AccountCreated, ev.PasswordChanged, ev.LoginRefused,
                  ev.NickOwned)


class Reactions:
    """wanted: the channels to (re)join, in order (keys: the +k keys to give them again).
    send puts a message on the connection;
    switch_to shows a conversation; waiting says whether the outbox holds anything; gave_up
    runs after we stopped waiting for the catch-up; undelivered(target) after the server
    refused our message to target."""

    def __init__(self, channels: tuple[str, ...], *, presenter: Presenter, connector: Connector,
                 link: Link, archive: Archive, send: Callable[[Message], bool],
                 switch_to: Callable[[str | None], None], waiting: Callable[[], bool],
                 gave_up: Callable[[], None], undelivered: Callable[[str | None], None]) -> None:
        self.wanted = list(channels)
        self.keys = ChannelKeys()
        self._presenter, self._connector = presenter, connector
        self._link, self._archive = link, archive
        self._send, self._switch_to = send, switch_to
        self._waiting, self._gave_up = waiting, gave_up
        self._undelivered = undelivered

    def apply(self, outcome: Outcome) -> list[LogEntry]:
        """Send what the session wants sent; act on its events; return the log lines."""
        for message in outcome.outgoing:
            self._link.send(message)
        entries: list[LogEntry] = []
        for event in outcome.events:
            entries += [event.entry] if isinstance(event, ev.MessageReceived) \
                else self._react(event)
        return entries

    def _react(self, event: ev.Event) -> list[LogEntry]:
        session, catch_up = self._connector.session, self._connector.catch_up
        assert session is not None and catch_up is not None
        if isinstance(event, ev.Registered):
            return self.registered(session, event.nick)
        if isinstance(event, ev.NickRejected):
            return self._connector.nick_rejected(event.reason)
        if isinstance(event, ACCOUNT_EVENTS) or (
                isinstance(event, ev.RequestFailed) and event.command == "PASSWD"):
            return self._connector.identity.react(event, session, self._connector.params)
        if isinstance(event, ev.RequestFailed) and event.command == "BATCH":
            self._undelivered(None)  # a multiline message of ours, refused
        elif isinstance(event, (ev.HistoryReceived, ev.HistoryTargetFound, ev.RequestFailed)):
            for message in catch_up.on_event(event):
                self._send(message)
        elif isinstance(event, ev.ChannelKeyChanged):
            self.keys.set(session.key(event.channel), event.key)
        elif isinstance(event, ev.CasemappingChanged):
            self._presenter.rekey()
        elif isinstance(event, ev.ReadMarkerSet):
            self._presenter.read_elsewhere(event)
        elif isinstance(event, ev.UserJoined) and event.own:
            self.joined(session, event.channel)
        elif isinstance(event, ev.UserParted) and event.own:
            self.left(session, event.channel, closing=not event.kicked_by)
        elif isinstance(event, ev.JoinRefused):
            self.refused(session, event.channel)
        elif isinstance(event, ev.MessageRefused):
            self._undelivered(event.target)
        elif isinstance(event, ev.UsersChanged) and self._presenter.is_current(event.channel):
            self._presenter.view.set_users(list(event.users))
        elif isinstance(event, ev.NickChanged) and event.own:
            return self._connector.renamed(event.new)
        elif isinstance(event, ev.NickChanged):
            self._presenter.renamed(event.old, event.new)
            return self._connector.reclaim(event.old)
        elif isinstance(event, ev.UserQuit):
            return self._connector.reclaim(event.nick)
        return []

    def registered(self, session: Session, nick: str) -> list[LogEntry]:
        """The welcome: join what we want; after a reconnect (or with messages waiting), wait
        for those joins and their history, at most CATCH_UP_MS."""
        again, entries = self._connector.registered(nick)
        self._presenter.view.set_status("connected", self._presenter.current or "")
        self._presenter.rekey()
        self._presenter.forget_read_markers()
        self._link.while_open(CATCH_UP_MS, self._stop_waiting)
        for channel in self.wanted:
            self._link.send(session.join(channel, self.keys.get(session.key(channel))))
        assert self._connector.catch_up is not None
        self._connector.catch_up.registered(self.wanted if again or self._waiting() else ())
        if again:
            rejoin = f"; rejoining {', '.join(self.wanted)}" if self.wanted else ""
            entries.append(self._presenter.entry(
                f"Reconnected to {self._connector.address} as {nick}{rejoin}"))
        return entries

    def joined(self, session: Session, channel: str) -> None:
        """We are in channel: fetch what we missed there, and talk there, unless it is a rejoin
        after a reconnect (then the conversation we looked at before stays current)."""
        if self._index(session, channel) < 0:
            self.wanted.append(channel)
        self._presenter.conversations.open(channel)
        assert self._connector.catch_up is not None
        requests, awaited = self._connector.catch_up.joined(channel)
        for message in requests:
            self._send(message)
        if awaited and self._presenter.current is not None:
            if self._presenter.is_current(channel):
                self._presenter.view.set_users(session.users(channel))
            return
        self._switch_to(channel)

    def left(self, session: Session, channel: str, closing: bool = True) -> None:
        """We left channel (closing its conversation), or were kicked (it stays open)."""
        index = self._index(session, channel)
        if index >= 0:
            del self.wanted[index]
            self.keys.set(session.key(channel), "")
        current = self._presenter.is_current(channel)
        if closing:
            self._presenter.conversations.close(channel)
            self._archive.forget(channel)
        if current:
            remaining = session.channels()
            self._switch_to(remaining[-1] if remaining else None)

    def refused(self, session: Session, channel: str) -> None:
        """The server refused our JOIN of channel (its error line says why): we no longer want
        it, so a reconnect does not try again (a /join does), and the catch-up stops waiting
        for it."""
        index = self._index(session, channel)
        if index >= 0:
            del self.wanted[index]
        self.keys.set(session.key(channel), "")  # a wrong key is not tried again
        assert self._connector.catch_up is not None
        self._connector.catch_up.refused(channel)

    def _index(self, session: Session, channel: str) -> int:
        keys = [session.key(name) for name in self.wanted]
        return keys.index(session.key(channel)) if session.key(channel) in keys else -1

    def _stop_waiting(self) -> None:
        """CATCH_UP_MS after registering: send the outbox even if some rejoin or history
        request never finished, and say so."""
        catch_up = self._connector.catch_up
        if catch_up is None or catch_up.done:
            return
        waiting = catch_up.give_up()
        self._presenter.error(f"Stopped waiting for {', '.join(waiting) or 'the server'} to "
                              f"catch up; sending what you typed")
        self._gave_up()
