"""The chat window's controller: runs Connection and Session (queue drained on the UI thread, TLS
trust on first use, reconnect with backoff), one log per conversation with unread counts, read
markers, gap-free history and a local cache, an outbox so nothing typed is lost; view actions."""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from app.controllers import commands
from app.models import events as ev
from app.models.cache import CachedConversation, LogCache
from app.models.connection import Connection
from app.models.conversations import STATUS, Conversation, Conversations
from app.models.log import EntryKind, LogEntry
from app.models.outbox import Outbox, Outgoing
from app.models.session import Outcome, Session, format_time
from app.models.settings import DEFAULT_CHANNEL, THEMES, ConnectParams, SettingsStore
from app.models.splitter import LINE_LIMIT
from app.models.trust import CertificateReceived, Verdict, check, fingerprint_halves, server_key
from app.models.users import UserItem
from app.views import base
from app.views.base import ChatView
from ircproto.framing import LineError
from ircproto.message import Message, MessageError
from ircproto.names import nick_error
from ircproto.numerics import ERR_PASSWDMISMATCH

POLL_MS = 40
BATCH_LIMIT = 200
BACKOFF_SECONDS = (1, 2, 4, 8, 16, 30)
CATCH_UP_MS = 20_000
"""After a reconnect, how long the outbox waits for the rejoins and history before it is sent
anyway (a channel we can no longer join, a server that never answers CHATHISTORY)."""
KEEPALIVE_MS = 60_000
"""Silence this long makes us PING the server; twice this long means the link is dead."""
WRONG_PASSWORD = "The server password was wrong"
PASSWORD_NEEDED = "This server needs a password: enter it and connect again"
log = logging.getLogger(__name__)


class ConnectionLike(Protocol):
    """What the controller needs of a connection (Connection, or the tests' FakeConnection)."""

    events: queue.Queue[object]

    @property
    def state(self) -> str: ...

    def start(self) -> None: ...

    def send(self, message: Message) -> None: ...

    def trust_certificate(self, trusted: bool) -> None: ...

    def close(self) -> None: ...


ConnectionFactory = Callable[[str, int, bool], ConnectionLike]
"""Makes a connection to (host, port, tls)."""
Clock = Callable[[], datetime]


def params_error(params: ConnectParams) -> str:
    """Why params cannot be used to connect ('' when they can)."""
    host = params.host.strip()
    if not host or any(c.isspace() for c in host):
        return "Enter a host name or address (no spaces)"
    if not 0 < params.port < 65536:
        return f"The port must be between 1 and 65535, not {params.port}"
    error = nick_error(params.nick)
    if error:
        return f"Invalid nickname: {error}"
    if commands.has_line_break(params.password):
        return "The password cannot contain line breaks or NUL characters"
    return ""


def fallback_nicks(nick: str) -> tuple[str, ...]:
    """The nicks to try when nick is taken on reconnect."""
    return (nick + "_", nick + "__")


class ClientController:
    """Implements ViewActions for one view; see start_client for how it is made."""

    def __init__(self, view: ChatView, *, settings_store: SettingsStore,
                 connection_factory: ConnectionFactory, clock: Clock,
                 channels: tuple[str, ...] = (DEFAULT_CHANNEL,),
                 cache_dir: Path | None = None) -> None:
        self.view = view
        self.conversations = Conversations(self._key)
        self.outbox = Outbox()
        self.store = settings_store
        self.params = ConnectParams()
        self.session: Session | None = None
        self.connection: ConnectionLike | None = None
        self.current: str | None = None
        self.clock = clock
        self._factory = connection_factory
        self._wanted = list(channels)
        self._ever_registered = False
        self._attempt = 0
        self._closed = False
        self._polling = False
        self._rejoining: set[str] = set()
        self._generation = 0
        self._heard = False
        self._pinged = False
        self._lines_heard = False
        self._appended: list[LogEntry] = []
        self._redraw = False
        self._marker: LogEntry | None = None
        self._listed: list[base.Conversation] = []
        self._listed_current = ""
        self._fetching: dict[str, str] = {}
        """History requests in flight: conversation key -> the reference asked after."""
        self._targets_pending = False
        self._want_targets = False
        self._since = datetime.now()
        self._marked: dict[str, datetime] = {}
        self._cache_dir = cache_dir
        self.cache: LogCache | None = None
        self._unsaved: list[tuple[Conversation, LogEntry]] = []
        self._refusal = ""
        """Why we ended the connection ourselves before registering (an untrusted or changed
        certificate, a wrong password): the connect dialog comes back with it, no retry."""

    def _key(self, name: str) -> str:
        return self.session.key(name) if self.session is not None else name.lower()

    # --- state the commands read ---

    @property
    def online(self) -> bool:
        """True once registered on a live connection."""
        return (self.session is not None and self.session.registered
                and self.connection is not None and self.connection.state == "connected")

    @property
    def closed(self) -> bool:
        """True once the window was closed (quit, or the connect dialog cancelled)."""
        return self._closed

    @property
    def address(self) -> str:
        """host:port we connect to."""
        return f"{self.params.host}:{self.params.port}"

    # --- the connect flow ---

    def begin(self, params: ConnectParams | None, defaults: ConnectParams | None = None) -> None:
        """Connect with params, or ask for them first (with defaults, else the settings')."""
        if params is None:
            self.ask(defaults if defaults is not None else self.store.load().connect_params)
        elif error := params_error(params):
            self.ask(params, error)
        else:
            self.connect(params)

    def ask(self, defaults: ConnectParams, error: str = "") -> None:
        """Show the connect dialog until the values are valid; connect, or close on cancel."""
        while True:
            answer = self.view.ask_connection(defaults, error)
            if answer is None:
                self.shut_down()
                return
            answer = replace(answer, host=answer.host.strip(), nick=answer.nick.strip())
            error = params_error(answer)
            if not error:
                self._forget_password_unless_kept(answer)
                self.connect(answer)
                return
            defaults = answer

    def _forget_password_unless_kept(self, params: ConnectParams) -> None:
        """Unticking 'Remember password' removes a stored password at once."""
        stored = self.store.load()
        if not params.remember_password and (stored.password or stored.remember_password):
            if not self.store.update(password="", remember_password=False):
                self.show([self.entry(f"Could not remove the saved password from "
                                      f"{self.store.path}", EntryKind.ERROR)])

    def connect(self, params: ConnectParams, fallbacks: tuple[str, ...] = ()) -> None:
        """Open a new connection and session with params (closing any old connection)."""
        self._drop_connection()
        self.params = params
        self._open_cache(params)
        self.session = Session(params.nick, fallback_nicks=fallbacks, clock=self.clock)
        self._refusal = ""
        self._lines_heard = False
        self.connection = self._factory(params.host, params.port, params.tls)
        self.view.set_status("connecting", f"Connecting to {self.address}")
        self.connection.start()
        self._generation += 1
        self._heard, self._pinged = True, False
        generation = self._generation
        self.view.schedule(KEEPALIVE_MS, lambda: self._keepalive(generation))
        if not self._polling:
            self._polling = True
            self.view.schedule(POLL_MS, self.poll)

    def _open_cache(self, params: ConnectParams) -> None:
        """The first connect as host:port and nick: show what the cache holds for them."""
        if self._cache_dir is None or self.cache is not None:
            return
        self.cache = LogCache(self._cache_dir, f"{params.host}:{params.port}/{params.nick}")
        for cached in self.cache.load():
            self._restore(cached)
        kept = self.cache.load_outbox(params.nick)
        for item in kept:
            self.outbox.add(item)
            self.conversations.open(item.target, item.entry.private)
        self.add([item.entry for item in kept])
        if self.cache.error:
            self.show([self.entry(self.cache.error, EntryKind.ERROR)])
        wanted = [self.conversations.get(name) for name in self._wanted]
        first = next((found for found in wanted if found is not None), None)
        if first is not None:
            self.switch_to(first.name)
        else:
            self.refresh()

    def _restore(self, cached: CachedConversation) -> None:
        found = self.conversations.open(cached.name, cached.private)
        found.read_until = cached.read_until
        for entry in cached.entries:
            self.conversations.add(found, entry, viewing=False)
        self.conversations.mark_read(found, cached.read_until)
        found.last_msgid, found.last_time = cached.last_msgid, cached.last_time

    def _save(self) -> None:
        """Write the server lines added since the last save, and where each conversation is."""
        if self.cache is None or not self._unsaved:
            return
        lines, touched = [], {}
        for conversation, entry in self._unsaved:
            key = self._key(conversation.name)
            lines.append((key, entry))
            touched[key] = CachedConversation(conversation.name, conversation.private,
                                              conversation.last_msgid, conversation.last_time,
                                              conversation.read_until)
        self._unsaved = []
        if not self.cache.store(lines, list(touched.items())):
            self.show([self.entry(self.cache.error, EntryKind.ERROR)])

    def _drop_connection(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def shut_down(self, reason: str = "") -> None:
        """Leave: QUIT when online, close the connection, close the view."""
        if self._closed:
            return
        self._closed = True
        if self.online and self.session is not None and self.connection is not None:
            self.connection.send(self.session.quit(reason or "Leaving"))
        self._drop_connection()
        self._save()
        if self.cache is not None:
            if not self.cache.save_outbox(self.outbox.items()) and len(self.outbox):
                log.error("%s: %d unsent messages lost", self.cache.error, len(self.outbox))
            self.cache.close()
        self.view.close()

    # --- draining the queue on the UI thread ---

    def poll(self) -> None:
        """Handle at most BATCH_LIMIT queued items, show their log lines in one call, and
        come back: at once when there may be more, else after POLL_MS."""
        if self._closed:
            self._polling = False
            return
        handled = 0
        connection = self.connection
        while connection is not None and connection is self.connection and handled < BATCH_LIMIT:
            try:
                item = connection.events.get_nowait()
            except queue.Empty:
                break
            handled += 1
            self._heard = True
            self._handle_safely(item)
        self._flush_outbox()
        self.refresh()
        if self._closed:
            self._polling = False
        else:
            self.view.schedule(0 if handled >= BATCH_LIMIT else POLL_MS, self.poll)

    def show(self, entries: list[LogEntry]) -> None:
        """Put entries in their conversations and update the view."""
        self.add(entries)
        self.refresh()

    def add(self, entries: list[LogEntry]) -> None:
        """Put each entry in the conversation it concerns (its channel or private chat, else the
        current one); own lines from the server confirm pending ones instead."""
        for entry in entries:
            conversation = self._route(entry)
            if entry.own and entry.msgid and self._confirmed(conversation, entry):
                continue
            index = self.conversations.add(conversation, entry, conversation is self._shown())
            if index >= 0 and entry.msgid and conversation.name != STATUS:
                self._unsaved.append((conversation, entry))
            if index < 0 or conversation is not self._shown():
                continue
            if index < len(conversation.log) - 1:
                self._redraw = True
            else:
                self._appended.append(entry)

    def refresh(self) -> None:
        """Show the lines added to the current conversation, the list with its unread counts
        when it changed, and tell the server what we have read."""
        shown = self._shown()
        if self._redraw:
            entries = shown.entries()
            marker = next((i for i, e in enumerate(entries) if e is self._marker), -1)
            self.view.show_conversation(entries, marker)
        elif self._appended:
            self.view.show_entries(self._appended)
        self._redraw, self._appended = False, []
        self._list_conversations()
        self._send_read_marker(shown)
        self._save()

    def _list_conversations(self) -> None:
        listed = [base.Conversation(c.name, c.unread, c.private) for c in self.conversations
                  if c.name != STATUS or len(c.log)]
        current = self.current or STATUS
        if listed != self._listed or current != self._listed_current:
            self._listed, self._listed_current = listed, current
            self.view.set_conversations(listed, current)

    def _route(self, entry: LogEntry) -> Conversation:
        if entry.target:
            found = self.conversations.get(entry.target)
            if found is not None:
                return found
            if entry.private:
                return self.conversations.open(entry.target, private=True)
            if self.session is not None and self.session.channel(entry.target):
                return self.conversations.open(entry.target)
        return self._shown()

    def _shown(self) -> Conversation:
        """The conversation the view shows."""
        found = self.conversations.get(self.current) if self.current else None
        return found if found is not None else self.conversations.open(STATUS)

    def _confirmed(self, conversation: Conversation, entry: LogEntry) -> bool:
        """entry is the server's copy of a pending message of ours: mark that one delivered."""
        assert self.session is not None
        item = self.outbox.confirm(entry, self.session.key)
        if item is None:
            return False
        self._deliver(item, entry)
        return True

    def _deliver(self, item: Outgoing, copy: LogEntry | None = None) -> None:
        """item reached the server: its line is no longer pending (and takes the server's
        time and msgid from copy, its echo)."""
        new = replace(item.entry, pending=False)
        if copy is not None:
            new = replace(new, time=copy.time, msgid=copy.msgid)
        conversation = self._route(item.entry)
        if not self.conversations.replace(conversation, item.entry, new):
            return
        if new.msgid:
            self._unsaved.append((conversation, new))
        waiting = [index for index, entry in enumerate(self._appended) if entry is item.entry]
        if waiting:
            self._appended[waiting[0]] = new
        elif conversation is self._shown():
            self.view.update_entry(item.entry, new)

    def _send_read_marker(self, shown: Conversation) -> None:
        """MARKREAD the newest line of the conversation the user is looking at."""
        session = self.session
        if (not self.online or session is None or shown.last_time is None
                or "draft/read-marker" not in session.caps or shown.name == STATUS):
            return
        key = session.key(shown.name)
        if key in self._marked and self._marked[key] >= shown.last_time:
            return
        self._marked[key] = shown.last_time
        shown.read_until = max(shown.read_until or shown.last_time, shown.last_time)
        self.send(session.mark_read(shown.name, shown.last_time))

    def entry(self, text: str, kind: EntryKind = EntryKind.SYSTEM, target: str = "") -> LogEntry:
        """A local system or error line."""
        return LogEntry(self.clock(), "", target, text, kind)

    def _handle_safely(self, item: object) -> None:
        """_handle_item and file its lines, but a bug while handling one item costs that item,
        not the client."""
        try:
            self.add(self._handle_item(item))
        except Exception as error:  # logged with its traceback, and shown
            log.exception("error while handling %r", item)
            self.add([self.entry(f"Internal error while handling {_describe(item)}: {error!r}",
                                 EntryKind.ERROR)])

    def _handle_item(self, item: object) -> list[LogEntry]:
        if isinstance(item, Message):
            assert self.session is not None
            self._lines_heard = True
            entries = self.apply(self.session.feed(item))
            if self._password_refused(item):
                reason = WRONG_PASSWORD if self.params.password else PASSWORD_NEEDED
                return entries + self._refuse(reason, password_wrong=True)
            return entries
        if isinstance(item, CertificateReceived):
            return self._certificate(item)
        if isinstance(item, LineError):
            text = f"Ignored a line from the server ({item.reason}"
            text += f": {item.detail})" if item.detail else ")"
            return [self.entry(text, EntryKind.ERROR)]
        if isinstance(item, ev.ConnectionOpened):
            return self._opened()
        if isinstance(item, ev.ConnectFailed):
            return self._failed(self._refusal or item.reason)
        if isinstance(item, ev.ConnectionClosed):
            return [] if item.by_us else self._failed(self._closed_reason(item.reason))
        log.error("unexpected item on the connection queue: %r", item)
        return [self.entry(f"Internal error: unexpected {type(item).__name__}", EntryKind.ERROR)]

    def _keepalive(self, generation: int) -> None:
        """Every KEEPALIVE_MS: PING after a silent interval; drop the link after two. Before
        registration (a certificate question may take a while) it only waits."""
        if self._closed or generation != self._generation:
            return
        if not self.online:
            self.view.schedule(KEEPALIVE_MS, lambda: self._keepalive(generation))
            return
        if self._heard:
            self._heard, self._pinged = False, False
        elif not self._pinged:
            self._pinged = True
            self.send(Message("PING", ("localchat",)))
        else:
            seconds = 2 * KEEPALIVE_MS // 1000
            self.show(self._failed(f"No reply from {self.address} for {seconds} s"))
            return
        self.view.schedule(KEEPALIVE_MS, lambda: self._keepalive(generation))

    def _opened(self) -> list[LogEntry]:
        assert self.session is not None and self.connection is not None
        if self.params.password:
            self.connection.send(Message("PASS", (self.params.password,)))
        for message in self.session.start():
            self.connection.send(message)
        self.view.set_status("connecting", f"Registering as {self.session.nick}")
        return []

    def _failed(self, reason: str, logged: str = "") -> list[LogEntry]:
        """The connection failed or dropped: ask again before the first welcome (or after we
        refused the server), else retry. logged: the log line, when not reason on one line."""
        self._drop_connection()
        if self._refusal:
            self._ever_registered = False  # what comes next is a new start, not a reconnect
        if not self._ever_registered:
            self.view.set_status("disconnected", reason.splitlines()[0] if reason else "")
            self.view.schedule(0, lambda: self._ask_again(reason))
            return [self.entry(logged or one_line(reason), EntryKind.ERROR)]
        return self._lost(ev.ConnectionLost(reason))

    def _ask_again(self, reason: str) -> None:
        if not self._closed:
            self.ask(self.params, reason)

    def _lost(self, event: ev.ConnectionLost) -> list[LogEntry]:
        delay = BACKOFF_SECONDS[min(self._attempt, len(BACKOFF_SECONDS) - 1)]
        self._attempt += 1
        retry = ev.Reconnecting(delay, self._attempt)
        self.view.set_status("disconnected", f"{event.reason}; reconnecting in {delay} s")
        self.view.set_users([])
        self.view.schedule(int(retry.delay * 1000), self._reconnect)
        return [self.entry(f"{event.reason}. Reconnecting in {delay} s "
                           f"(attempt {retry.attempt})", EntryKind.ERROR)]

    def _reconnect(self) -> None:
        if not self._closed:
            self.connect(self.params, fallback_nicks(self.params.nick))

    # --- TLS certificates (trust on first use) and the server password ---

    def _certificate(self, item: CertificateReceived) -> list[LogEntry]:
        """The server showed its certificate: go on when it is the pinned one, refuse a changed
        one, ask the user about a new one (the connection holds until answered)."""
        assert self.connection is not None
        server_id = server_key(item.host, item.port)
        pins = self.store.load().pins
        verdict = check(pins, server_id, item.fingerprint)
        if verdict is Verdict.SAME:
            self.connection.trust_certificate(True)
            return []
        if verdict is Verdict.CHANGED:
            self.connection.trust_certificate(False)
            pinned = pins[server_id]
            return self._refuse(
                certificate_changed(server_id, pinned, item.fingerprint),
                logged=f"Refused to connect: the TLS certificate of {server_id} has CHANGED from "
                       f"the pinned SHA-256 {pinned} to {item.fingerprint}. Only if its owner "
                       f"made a new one, remove the pin with /forget-cert {server_id}")
        connection = self.connection
        self.view.schedule(0, lambda: self._ask_trust(connection, item))
        return [self.entry(f"{server_id} presents a TLS certificate not seen before, "
                           f"SHA-256 fingerprint {item.fingerprint}")]

    def _ask_trust(self, connection: ConnectionLike, item: CertificateReceived) -> None:
        if self._closed or connection is not self.connection:
            return
        server_id = server_key(item.host, item.port)
        trusted = self.view.confirm_certificate(server_id, item.fingerprint)
        if self._closed or connection is not self.connection:
            return
        if not trusted:
            self._refusal = f"You did not trust the certificate of {server_id}; not connected"
            connection.trust_certificate(False)
            return
        entries = [self.entry(f"Trusted the certificate of {server_id} (SHA-256 "
                              f"{item.fingerprint}); it is pinned for later connections")]
        pins = {**self.store.load().pins, server_id: item.fingerprint}
        if not self.store.update(pins=pins):
            entries.append(self.entry(f"Could not save the pinned certificate to "
                                      f"{self.store.path}: you will be asked again next time",
                                      EntryKind.ERROR))
        self.show(entries)
        connection.trust_certificate(True)

    def forget_certificate(self, server_id: str) -> bool:
        """Remove the pin of server_id ('host:port'); False when there was none."""
        pins = dict(self.store.load().pins)
        if pins.pop(server_id, None) is None:
            return False
        if not self.store.update(pins=pins):
            raise ValueError(f"Could not save settings to {self.store.path}")
        return True

    def _closed_reason(self, reason: str) -> str:
        """reason, with a hint when a plain connection was closed before the server said a
        word: a TLS port does that."""
        if self.params.tls or self._lines_heard or self._ever_registered:
            return reason
        return f"{reason} before saying anything; if that is a TLS port, tick Use TLS"

    def _password_refused(self, message: Message) -> bool:
        """True for 464, or an ERROR about the password, before registration."""
        if self._refusal or self.session is None or self.session.registered:
            return False
        return message.command == ERR_PASSWDMISMATCH or (
            message.verb == "ERROR" and "password" in message.param(-1).lower())

    def _refuse(self, reason: str, password_wrong: bool = False,
                logged: str = "") -> list[LogEntry]:
        """We end this connection before registering: the connect dialog comes back with reason
        (the password field emptied when the password was wrong)."""
        self._refusal = reason
        if password_wrong:
            self.params = replace(self.params, password="")
            stored = self.store.load()
            if stored.password and not self.store.update(password=""):
                log.warning("could not remove the wrong saved password from %s", self.store.path)
        return self._failed(reason, logged)

    # --- session outcomes ---

    def apply(self, outcome: Outcome) -> list[LogEntry]:
        """Send what the session wants sent; update the view for its events; return log lines."""
        if self.connection is not None:
            for message in outcome.outgoing:
                self.connection.send(message)
        entries: list[LogEntry] = []
        for event in outcome.events:
            if isinstance(event, ev.MessageReceived):
                entries.append(event.entry)
            else:
                entries.extend(self._on_event(event))
        return entries

    def _on_event(self, event: ev.Event) -> list[LogEntry]:
        if isinstance(event, ev.Registered):
            return self._registered(event)
        if isinstance(event, ev.NickRejected):
            return self._failed(f"Nickname rejected: {event.reason}") if not self._ever_registered \
                else self._nick_lost(event)
        if isinstance(event, (ev.HistoryReceived, ev.HistoryTargetFound, ev.RequestFailed)):
            self._history_event(event)
        elif isinstance(event, ev.ReadMarkerSet):
            self._read_elsewhere(event)
        elif isinstance(event, ev.UserJoined) and event.own:
            self._joined(event.channel)
        elif isinstance(event, ev.UserParted) and event.own:
            self._left(event.channel, closing=not event.kicked_by)
        elif isinstance(event, ev.UsersChanged) and self._is_current(event.channel):
            self.view.set_users(list(event.users))
        elif isinstance(event, ev.NickChanged) and event.own:
            return self._renamed(event.new)
        elif isinstance(event, ev.NickChanged):
            if self.conversations.rename(event.old, event.new) and self._is_current(event.old):
                self.current = event.new
            return self._reclaim(event.old)
        elif isinstance(event, ev.UserQuit):
            return self._reclaim(event.nick)
        return []

    def _reclaim(self, freed: str) -> list[LogEntry]:
        """On a fallback nick (me_) and our own nick was just freed: take it back."""
        assert self.session is not None
        wanted = self.params.nick
        if self.session.key(freed) != self.session.key(wanted) or self.session.is_own(wanted):
            return []
        self.send(self.session.change_nick(wanted))
        return [self.entry(f"{wanted} is free again; taking it back")]

    def _renamed(self, nick: str) -> list[LogEntry]:
        """Our nick changed: show it, and use and remember it from now on."""
        self.view.set_identity(nick, self.address)
        self.params = replace(self.params, nick=nick)
        if self.store.update(nick=nick):
            return []
        return [self.entry(f"Could not save settings to {self.store.path}", EntryKind.ERROR)]

    def _nick_lost(self, event: ev.NickRejected) -> list[LogEntry]:
        """Every nick we tried on reconnect is taken: ask the user for another."""
        self._ever_registered = False
        return self._failed(f"Nickname rejected on reconnect: {event.reason}")

    def _registered(self, event: ev.Registered) -> list[LogEntry]:
        assert self.connection is not None and self.session is not None
        again = self._ever_registered
        self._ever_registered, self._attempt = True, 0
        self.view.set_identity(event.nick, self.address)
        self.view.set_status("connected", self.current or "")
        self.conversations.rekey(self._key)
        self._fetching, self._marked = {}, {}
        self._want_targets = True  # once ISUPPORT told the page size: on the first join
        generation = self._generation
        self.view.schedule(CATCH_UP_MS, lambda: self._stop_waiting(generation))
        entries = []
        if not again and not self._remember_params():
            entries.append(self.entry(f"Could not save settings to {self.store.path}",
                                      EntryKind.ERROR))
        for channel in self._wanted:
            self.connection.send(self.session.join(channel))
        self._rejoining = {self.session.key(channel) for channel in self._wanted} \
            if again or len(self.outbox) else set()
        if again:
            rejoin = f"; rejoining {', '.join(self._wanted)}" if self._wanted else ""
            entries.append(self.entry(f"Reconnected to {self.address} as {event.nick}{rejoin}"))
        return entries

    def _remember_params(self) -> bool:
        """Save what worked: host, port, nick, TLS, and the password only when asked to."""
        params = self.params
        return self.store.update(
            host=params.host, port=params.port, nick=params.nick, tls=params.tls,
            remember_password=params.remember_password,
            password=params.password if params.remember_password else "")

    def _is_current(self, channel: str) -> bool:
        return (self.current is not None and self.session is not None
                and self.session.key(channel) == self.session.key(self.current))

    def _wanted_index(self, channel: str) -> int:
        assert self.session is not None
        keys = [self.session.key(name) for name in self._wanted]
        key = self.session.key(channel)
        return keys.index(key) if key in keys else -1

    def _joined(self, channel: str) -> None:
        """We are in channel: fetch what we missed there, and talk there, unless it is a rejoin
        after a reconnect (then the conversation we looked at before stays current)."""
        assert self.session is not None
        if self._wanted_index(channel) < 0:
            self._wanted.append(channel)
        self.conversations.open(channel)
        if self._want_targets:
            self._want_targets = False
            self._fetch_private_history()
        self._fetch_history(channel)
        key = self.session.key(channel)
        if key in self._rejoining and self.current is not None:
            self._rejoining.discard(key)
            if self._is_current(channel):
                self.view.set_users(self.session.users(channel))
            return
        self._rejoining.discard(key)
        self.switch_to(channel)

    def _left(self, channel: str, closing: bool = True) -> None:
        index = self._wanted_index(channel)
        if index >= 0:
            del self._wanted[index]
        current = self._is_current(channel)
        if closing:
            self.conversations.close(channel)
            if self.cache is not None and not self.cache.forget(self._key(channel)):
                self.add([self.entry(self.cache.error, EntryKind.ERROR)])
        if current:
            assert self.session is not None
            remaining = self.session.channels()
            self.switch_to(remaining[-1] if remaining else None)

    def switch_to(self, name: str | None) -> None:
        """Make name (a channel or private chat; None: the server's lines) the conversation the
        view shows and Send talks to: its log with the new-messages marker, its users."""
        found = self.conversations.get(name) if name else None
        if name and found is None:
            found = self.conversations.open(name, private=not self._is_channel_name(name))
        self.refresh()  # lines of the conversation shown so far go there first
        self.current = found.name if found is not None else None
        shown = self._shown()
        self._marker = shown.first_unread
        self.view.show_conversation(shown.entries(), shown.first_unread_index())
        self.conversations.mark_read(shown)
        self._appended, self._redraw = [], False
        self.view.set_users(self._users_of(found))
        if self.online:
            self.view.set_status("connected", self.current or "")
        self.refresh()

    def _users_of(self, conversation: Conversation | None) -> list[UserItem]:
        """Who is in a conversation: a channel's members, or the two people of a private chat."""
        if conversation is None or self.session is None:
            return []
        if conversation.private:
            return sorted([UserItem(self.session.nick), UserItem(conversation.name)],
                          key=lambda user: user.nick.casefold())
        channel = self.session.channel(conversation.name)
        return self.session.users(channel.name) if channel else []

    def _is_channel_name(self, name: str) -> bool:
        return self.session.is_channel(name) if self.session else name[:1] in "#&"

    def _read_elsewhere(self, event: ev.ReadMarkerSet) -> None:
        """MARKREAD from the server (another client of ours read up to a time)."""
        found = self.conversations.get(event.target)
        if found is None:
            return
        if found is self._shown():
            found.read_until = max(found.read_until or event.time, event.time)
        else:
            self.conversations.mark_read(found, event.time)

    # --- history: recent lines on first join, exactly what we missed after a reconnect ---

    def _fetch_history(self, target: str, after: str = "") -> None:
        """CHATHISTORY AFTER what we last saw in target (LATEST when we saw nothing)."""
        session, found = self.session, self.conversations.get(target)
        if session is None or not session.has_history or not session.history_limit:
            return
        if not after and found is not None and found.last_msgid:
            after = f"msgid={found.last_msgid}"
        self._fetching[session.key(target)] = after
        if after:
            self.send(session.history("AFTER", target, after))
        else:
            self.send(session.history("LATEST", target, "*"))

    def _fetch_private_history(self) -> None:
        """After a reconnect: which private conversations had messages since we last saw one."""
        session = self.session
        seen = [c.last_time for c in self.conversations if c.last_time is not None]
        if session is None or not session.has_history or not session.history_limit or not seen:
            return
        self._targets_pending = True
        self._since = max(seen) - timedelta(seconds=1)
        self.send(session.history_targets(self._since, datetime.now() + timedelta(days=1)))

    def _history_event(self, event: ev.HistoryReceived | ev.HistoryTargetFound
                       | ev.RequestFailed) -> None:
        assert self.session is not None
        if isinstance(event, ev.HistoryTargetFound):
            if not self._is_channel_name(event.target):
                found = self.conversations.open(event.target, private=True)
                since = "" if found.last_msgid else f"timestamp={format_time(self._since)}"
                self._fetch_history(event.target, since)
        elif isinstance(event, ev.HistoryReceived) and not event.target:
            self._targets_pending = False
        elif isinstance(event, ev.HistoryReceived):
            key = self.session.key(event.target)
            asked = self._fetching.pop(key, None)
            if asked and event.count >= self.session.history_limit and event.last_msgid:
                self._fetch_history(event.target, f"msgid={event.last_msgid}")
        elif event.command == "CHATHISTORY":
            self._history_failed(event)

    def _history_failed(self, event: ev.RequestFailed) -> None:
        """The server refused a history request: retry by time when it did not know our
        msgid (a server that lost its history), else give up on that target."""
        assert self.session is not None
        keys = [self.session.key(part) for part in event.context]
        stuck = [key for key in self._fetching if key in keys] or list(self._fetching)
        if event.context[:1] == ("TARGETS",) or not stuck:
            self._targets_pending = False
        for key in stuck:
            asked = self._fetching.pop(key)
            found = self.conversations.get(key)
            if asked.startswith("msgid=") and found is not None and found.last_time:
                self._fetch_history(found.name, f"timestamp={format_time(found.last_time)}")

    # --- the outbox: our messages until the server has them ---

    def _caught_up(self) -> bool:
        return (self.online and not self._rejoining and not self._fetching
                and not self._targets_pending)

    def _stop_waiting(self, generation: int) -> None:
        """CATCH_UP_MS after registering: send the outbox even if some rejoin or history
        request never finished, and say so."""
        if self._closed or generation != self._generation or self._caught_up():
            return
        waiting = sorted(self._rejoining | set(self._fetching))
        self._rejoining, self._fetching, self._targets_pending = set(), {}, False
        self.show([self.entry(f"Stopped waiting for {', '.join(waiting) or 'the server'} to "
                              f"catch up; sending what you typed", EntryKind.ERROR)])
        self._flush_outbox()
        self.refresh()

    def _flush_outbox(self) -> None:
        """Once registered, rejoined and caught up with history: send, in order, what was
        typed offline or sent but never confirmed (history showed which ones arrived)."""
        if not len(self.outbox) or not self._caught_up():
            return
        assert self.session is not None
        for item in self.outbox.unsent(self._generation):
            self._transmit(item)

    def _transmit(self, item: Outgoing) -> None:
        assert self.session is not None and self.connection is not None
        text = f"\x01ACTION {item.text}\x01" if item.action else item.text
        self.connection.send(Message("PRIVMSG", (item.target, text)))
        item.sent_on = self._generation
        if not self.session.echoes:
            self.outbox.remove(item)
            self._deliver(item)

    def send_outcome(self, outcome: Outcome) -> None:
        """Send and show what a session builder produced (our own chat lines)."""
        self.show(self.apply(outcome))

    def send(self, message: Message) -> bool:
        """Send one message on the current connection; False with an error line when it is
        longer than an IRC line may be."""
        size = len(message.encode())
        if size > LINE_LIMIT:
            self.show([self.entry(f"Not sent: {message.verb} would be {size} bytes; an IRC line "
                                  f"holds at most {LINE_LIMIT}", EntryKind.ERROR)])
            return False
        if self.connection is not None:
            self.connection.send(message)
        return True

    # --- ViewActions ---

    def on_send(self, text: str) -> None:
        """Send/Enter: a slash command, or text for the current channel."""
        if not text.strip():
            return
        try:
            if text.startswith("/") and not text.startswith("//"):
                handled = commands.run(self, text)
            else:
                handled = self.say(text[1:] if text.startswith("//") else text)
        except MessageError as error:  # a line the wire format refuses: never sent, never fatal
            self.show([self.entry(f"Not sent: {error}", EntryKind.ERROR)])
            handled = False
        if handled and not self._closed:
            self.view.clear_input()

    def say(self, text: str, target: str | None = None, action: bool = False) -> bool:
        """Send text (split to fit) to target or the current channel; False with an error line
        when that cannot be done."""
        target = target or self.current
        if self.session is None or not (self.online or self._ever_registered
                                        or (target and self.cache is not None)):
            self.show([self.entry("Not connected: nothing was sent", EntryKind.ERROR)])
            return False
        if target is None:
            self.show([self.entry("You are in no channel: /join #channel first",
                                  EntryKind.ERROR)])
            return False
        try:
            outcome = (self.session.act if action else self.session.say)(target, text)
        except MessageError as error:
            self.show([self.entry(f"Not sent: {error}", EntryKind.ERROR)])
            return False
        except ValueError as error:
            self.show([self.entry(str(error), EntryKind.ERROR)])
            return False
        self._speak(target, outcome, action)
        return True

    def _speak(self, target: str, outcome: Outcome, action: bool) -> None:
        """Send our lines now (pending until echoed, when the server echoes), or keep them
        pending in the outbox until we are back and caught up."""
        assert self.session is not None
        entries = [event.entry for event in outcome.events if isinstance(event, ev.MessageReceived)]
        live = self.online and not self.outbox.unsent(self._generation)  # none waits ahead
        if live and not self.session.echoes:
            self.send_outcome(outcome)
            return
        shown = []
        for message, entry in zip(outcome.outgoing, entries):
            pending = replace(entry, pending=True)
            text = entry.text
            item = Outgoing(target, text, action, pending)
            self.outbox.add(item)
            shown.append(pending)
            if live:
                self.send(message)
                item.sent_on = self._generation
        self.show(shown)

    def on_switch(self, name: str) -> None:
        """The user picked a conversation in the list: show it and talk there."""
        if name == STATUS or self.conversations.get(name) is not None:
            self.switch_to(None if name == STATUS else name)
        else:
            self.show([self.entry(f"No conversation called {name}", EntryKind.ERROR)])

    def on_users(self) -> None:
        """Users button: show the current channel's users."""
        self.view.show_users(self.current_users())

    def current_users(self) -> list[UserItem]:
        """The current channel's users, sorted for display."""
        return self.session.users(self.current) if self.session and self.current else []

    def on_escape(self) -> None:
        """Escape: ask, then leave."""
        if self.view.confirm_exit():
            self.shut_down()

    def on_close(self) -> None:
        """Window X: ask, then leave."""
        if self.view.confirm_exit():
            self.shut_down()

    def on_theme_changed(self, theme: str) -> None:
        """Remember the theme; say so when it is unknown or cannot be saved."""
        if theme not in THEMES:
            self.show([self.entry(f"Unknown theme {theme!r}", EntryKind.ERROR)])
        elif not self.store.update(theme=theme):
            self.show([self.entry(f"Could not save the theme to {self.store.path}",
                                  EntryKind.ERROR)])


def certificate_changed(server_id: str, pinned: str, presented: str) -> str:
    """The warning for a certificate that is not the pinned one, naming both SHA-256
    fingerprints (each on two lines of its own; the log shows it as one line)."""
    return "\n".join([
        f"The TLS certificate of {server_id} has CHANGED, so LocalChat did not connect.",
        "Pinned:", *_indented(fingerprint_halves(pinned)),
        "Presented now:", *_indented(fingerprint_halves(presented)),
        "Someone may be pretending to be the server. If its owner really made a new "
        f"certificate, remove the pin (run localchat --forget-cert {server_id}, or type "
        f"/forget-cert {server_id} in a chat window) and connect again."])


def _indented(lines: tuple[str, ...]) -> list[str]:
    return [f"    {line}" for line in lines]


def one_line(text: str) -> str:
    """text for one log line: line breaks become spaces."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def _describe(item: object) -> str:
    return f"'{item.format()}'" if isinstance(item, Message) else type(item).__name__


def start_client(view: ChatView, *, params: ConnectParams | None = None,
                 settings_store: SettingsStore | None = None,
                 connection_factory: ConnectionFactory | None = None,
                 clock: Clock | None = None,
                 defaults: ConnectParams | None = None,
                 cache_dir: Path | None = None) -> ClientController:
    """Make the controller, bind it to view, and connect (asking first when params is None,
    with defaults or else the remembered values). cache_dir: where the local log cache lives
    (None: no cache)."""
    controller = ClientController(
        view,
        settings_store=settings_store if settings_store is not None else SettingsStore(),
        connection_factory=connection_factory if connection_factory is not None else Connection,
        clock=clock if clock is not None else datetime.now,
        cache_dir=cache_dir,
    )
    view.bind(controller)
    controller.begin(params, defaults)
    return controller
