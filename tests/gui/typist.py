"""A real `python -m app` that a test drives: app.__main__.main with its real window, controller,
connection and cache, plus a poll on the Tk loop that types what stdin says ("type TEXT" into
the input, then Return; "quit" closes the window) and says on stdout what happens ("status S",
"pending N", "online", "kept N" once what was typed is on disk). Run as
`python -m tests.gui.typist APP-ARGS...`."""

from __future__ import annotations

import queue
import sys
import threading
from typing import Any

import app.__main__ as entry
from app.controllers.client import ClientController
from app.views.window import ChatWindow
from tests.gui.driver import press

POLL_MS = 20


class Typist:
    """Reads commands on a thread, runs them on the Tk thread, reports changes."""

    def __init__(self) -> None:
        self.commands: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.view: ChatWindow | None = None
        self.controller: ClientController | None = None
        self._said: dict[str, object] = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in sys.stdin:
            self.commands.put(line.rstrip("\n"))

    def make_view(self, name: str, theme: str) -> ChatWindow:
        view = self.real_make_view(name, theme)
        assert isinstance(view, ChatWindow)
        self.view = view
        return view

    def start_client(self, view: ChatWindow, **options: Any) -> ClientController:
        self.controller = self.real_start_client(view, **options)
        view.schedule(POLL_MS, self.poll)
        return self.controller

    def poll(self) -> None:
        assert self.view is not None and self.controller is not None
        while not self.commands.empty():
            command, _, text = self.commands.get().partition(" ")
            if command == "type":
                self.view.input.delete(0, "end")
                self.view.input.insert(0, text)
                press(self.view.input, "<Return>")
                cache = self.controller.archive.cache
                assert cache is not None and cache.wait(), "the cache did not take it"
                say("kept", len(self.controller.sender.outbox))
                self._said.pop("pending", None)  # said again next, even if the echo came now
            elif command == "quit":
                self.view.close()
                return
        controller = self.controller
        self._report("status", self.view.status)
        self._report("pending", len(controller.sender.outbox))
        self._report("online", controller.online and controller.caught_up
                     and controller.current == "#lobby")
        self.view.schedule(POLL_MS, self.poll)

    def _report(self, what: str, value: object) -> None:
        if self._said.get(what) != value:
            self._said[what] = value
            if value is True:
                say(what)
            elif value is not False:
                say(what, value)


def say(*words: object) -> None:
    print(*words, flush=True)


def main(argv: list[str]) -> int:
    typist = Typist()
    typist.real_make_view = entry.make_view  # type: ignore[attr-defined]
    typist.real_start_client = entry.start_client  # type: ignore[attr-defined]
    entry.make_view = typist.make_view  # type: ignore[assignment]
    entry.start_client = typist.start_client  # type: ignore[assignment]
    return entry.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
