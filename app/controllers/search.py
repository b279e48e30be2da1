"""'Search all conversations' as the controller does it: the cache's FTS5 index at once, the
server's history too (SEARCH) where it offers soju.im/search, merged; a picked result opens its
conversation at that message, fetching its context (CHATHISTORY AROUND) when it is not held."""

from __future__ import annotations

from collections.abc import Callable

from app.controllers.archive import Archive
from app.controllers.presenter import Presenter
from app.models import events as ev
from app.models.cachesearch import Hit
from app.models.searchquery import merge, search_command, server_hits
from app.models.session import Session
from app.views.base import ChatView
from ircproto.message import Message
from ircproto.searchtext import SearchError

SEARCH_CAP = "soju.im/search"


class Searcher:
    """One window's searches. session() is the current session when online, else None."""

    def __init__(self, view: ChatView, presenter: Presenter, archive: Archive,
                 session: Callable[[], Session | None], send: Callable[[Message], bool],
                 switch_to: Callable[[str], None], caught_up: Callable[[], bool]) -> None:
        self._view, self._presenter, self._archive = view, presenter, archive
        self._session, self._send, self._switch_to = session, send, switch_to
        self._caught_up = caught_up
        self._cached: list[Hit] = []
        self._shown: tuple[list[Hit], str] = ([], "")
        """What the window shows now: the hits and where they come from."""
        self._asked = 0  # SEARCHes sent and not answered yet
        self._reveal: tuple[str, str] | None = None  # (conversation key, msgid) once fetched

    def search(self, text: str) -> None:
        """Search the cache now and, where the server offers it, its history (answered later)."""
        session = self._session()
        try:
            cache = self._archive.cache
            self._cached = cache.search(text) if cache is not None else []
            request = search_command(text) if session and _can_search(session) else None
        except SearchError as error:
            self._view.show_search_results([], str(error))
            return
        if request is not None and self._send(request):
            self._asked += 1
            self._show(self._cached, "searching the server too…")
        else:
            self._show(self._cached, self._offline_note(session is not None))

    def heard(self, events: list[ev.Event]) -> None:
        """Session events: a SEARCH answer, the history fetched around a picked result."""
        for event in events:
            if isinstance(event, ev.SearchAnswered) and self._asked:
                self._asked -= 1
                self._answered(event)
            elif isinstance(event, ev.RequestFailed) and event.command == "SEARCH" and self._asked:
                self._asked -= 1
                self._show(self._cached, "the server could not search: "
                           + self._offline_note(False))
            elif isinstance(event, ev.RequestNoted) and (event.command, event.code) == (
                    "SEARCH", "PARTIAL"):
                hits, where = self._shown
                self._show(hits, f"{where}; the server stopped early, so older matches may be "
                           "missing: add words or a conversation to narrow it")
            elif isinstance(event, ev.HistoryReceived) and self._reveal is not None:
                self._fetched(event)

    def _answered(self, event: ev.SearchAnswered) -> None:
        session = self._session()
        if session is None:
            return
        found = server_hits(event.messages, session.is_own, session.is_channel)
        where = "in this device's cache and on the server" if self._archive.opened else \
            "on the server"
        self._show(merge(self._cached, found, key=session.key), where)

    def _offline_note(self, online: bool) -> str:
        """Where results come from when the server is not asked."""
        if not self._archive.opened:
            return "no cache on this device" + (
                " and this server cannot search its history" if online else "")
        return "in this device's cache" + (
            " (this server cannot search its history)" if online else "")

    def _show(self, hits: list[Hit], where: str) -> None:
        self._shown = (hits, where)
        count = f"{len(hits)} result{'' if len(hits) == 1 else 's'}"
        self._view.show_search_results(hits, f"{count}, {where}")

    def pick(self, hit: Hit) -> None:
        """Open hit's conversation at its message; fetch the context when we do not hold it."""
        conversations = self._presenter.conversations
        self._switch_to(hit.conversation)
        found = conversations.get(hit.conversation)
        if found is not None and hit.msgid in found.msgids:
            self._view.reveal_message(hit.msgid)
            return
        session = self._session()
        if session is None or not session.has_history or not hit.msgid:
            self._presenter.error("That message is not in this device's cache, and the server "
                                  "cannot be asked for it now")
            return
        if not self._caught_up():  # a FAIL of ours must not look like one of catch-up's
            self._presenter.error("Still catching up with the server: pick that result again "
                                  "in a moment")
            return
        self._reveal = (session.key(hit.conversation), hit.msgid)
        self._send(session.history("AROUND", hit.conversation, f"msgid={hit.msgid}"))

    def _fetched(self, event: ev.HistoryReceived) -> None:
        session = self._session()
        assert self._reveal is not None
        key, msgid = self._reveal
        if session is None or session.key(event.target) != key:
            return
        self._reveal = None
        self._switch_to(event.target)
        if not self._view.reveal_message(msgid):
            self._presenter.error("The server no longer holds that message")


def _can_search(session: Session) -> bool:
    """True when the server searches its history for us, its answer in a batch we can tell
    from live chat (without batch its results would arrive as if just said)."""
    return SEARCH_CAP in session.caps and "batch" in session.caps
