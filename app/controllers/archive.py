"""The local log cache as the controller uses it: restore the conversations of host:port/nick on
the first connect, save the server lines filed since the last save, keep each message we type
from the moment it is typed until it is confirmed, forget a closed channel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.controllers.presenter import Presenter
from app.models.cache import CachedConversation, LogCache
from app.models.conversations import Conversation
from app.models.log import EntryKind, LogEntry
from app.models.outbox import Outgoing
from app.models.settings import ConnectParams


class Archive:
    """One account's cache (None until opened, and always None without a cache_dir). Failures
    become error lines in the presenter."""

    def __init__(self, cache_dir: Path | None, presenter: Presenter,
                 mark: Callable[[list[LogEntry], str], list[LogEntry]] = lambda e, nick: e
                 ) -> None:
        self._dir = cache_dir
        self._presenter = presenter
        self._mark = mark
        """Marks the cached lines that mention a nick (the alerts' mark)."""
        self.cache: LogCache | None = None
        self._unsaved: list[tuple[Conversation, LogEntry]] = []
        self._told = False
        """The cache's error was shown."""

    @property
    def opened(self) -> bool:
        """True once a cache is open (then we may talk offline: it is kept for later)."""
        return self.cache is not None

    def open(self, params: ConnectParams) -> list[Outgoing]:
        """On the first connect: put what the cache holds for host:port/nick into the
        conversations; returns the unsent messages kept there (oldest first)."""
        if self._dir is None or self.cache is not None:
            return []
        self.cache = LogCache(self._dir, f"{params.host}:{params.port}/{params.nick}")
        for cached in self.cache.load():
            self._restore(cached, params.nick)
        kept = self.cache.load_outbox(params.nick)
        if self.cache.error:
            self._told = True
            self._presenter.add([self._presenter.entry(self.cache.error, EntryKind.ERROR)])
        return kept

    def _restore(self, cached: CachedConversation, nick: str) -> None:
        """One cached conversation back in the presenter, its mentions of nick marked, its
        replies quoting their parents."""
        conversations = self._presenter.conversations
        found = conversations.open(cached.name, cached.private)
        found.read_until = cached.read_until
        for entry in self._mark(cached.entries, nick):
            if entry.reply_to:  # quoted from its parent, held here or fetched once online
                entry = self._presenter.annotate(found, entry)
            conversations.add(found, entry, viewing=False)
        conversations.mark_read(found, cached.read_until)
        found.last_msgid, found.last_time = cached.last_msgid, cached.last_time

    def filed(self, conversation: Conversation, entry: LogEntry) -> None:
        """entry (a server line) was filed in conversation: save it with the next save()."""
        if self.cache is not None:
            self._unsaved.append((conversation, entry))

    def save(self) -> None:
        """Write the server lines filed since the last save, and where each conversation is."""
        if self.cache is None or not self._unsaved:
            return
        lines, touched = [], {}
        for conversation, entry in self._unsaved:
            key = self._presenter.key(conversation.name)
            lines.append((key, entry))
            touched[key] = CachedConversation(conversation.name, conversation.private,
                                              conversation.last_msgid, conversation.last_time,
                                              conversation.read_until)
        self._unsaved = []
        self.cache.store(lines, list(touched.items()))
        self._tell()

    def _tell(self) -> None:
        """Show the cache's error once (also one its writer thread met since)."""
        if self.cache is not None and not self._told and self.cache.error:
            self._told = True
            self._presenter.error(self.cache.error)

    def redacted(self, conversation: Conversation, msgid: str) -> None:
        """The message msgid of conversation was deleted: it is not saved, and the cache (and
        its search index) forgets it."""
        if self.cache is None:
            return
        self._unsaved = [(found, entry) for found, entry in self._unsaved
                         if entry.msgid != msgid or found is not conversation]
        self.cache.forget_message(self._presenter.key(conversation.name), msgid)
        self._tell()

    def forget(self, name: str) -> None:
        """We closed the conversation name: drop what the cache holds of it."""
        if self.cache is not None:
            self.cache.forget(self._presenter.key(name))
            self._tell()

    def keep(self, item: Outgoing) -> None:
        """item was just typed: kept (also across a crash) until it is confirmed."""
        if self.cache is not None:
            self.cache.keep(item)

    def sending(self, items: list[Outgoing]) -> None:
        """items go out now: history may hold them from now on."""
        if self.cache is not None and items:
            self.cache.mark_sent(items)

    def handed_over(self, items: list[Outgoing]) -> None:
        """items go to a server that confirms nothing: forget them, on disk before they go
        (one short wait for the writer, once per reconnect with lines typed offline)."""
        if self.cache is not None and items:
            for item in items:
                self.cache.drop(item)
            self.cache.wait()

    def delivered(self, item: Outgoing) -> None:
        """item was confirmed: it is no longer kept."""
        if self.cache is not None:
            self.cache.drop(item)

    def close(self) -> str:
        """Save, write what is queued, close; '' or why the cache failed (then the messages
        still unconfirmed may be lost)."""
        if self.cache is None:
            return ""
        self.save()
        finished = self.cache.close()
        return self.cache.error or ("" if finished else f"The local cache {self.cache.path} "
                                    f"was not written in time")

