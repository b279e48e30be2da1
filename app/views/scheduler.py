"""Callbacks run later on the Tk thread: the window's `schedule`, with handles that cancel.

Closing the scheduler cancels everything still pending; nothing scheduled afterwards runs.
"""

from __future__ import annotations

import tkinter
from collections.abc import Callable

from app.views.base import Scheduled


class Scheduler:
    """Tk `after` calls a window has pending, so that close() can cancel them all."""

    def __init__(self, root: tkinter.Misc) -> None:
        self.root = root
        self._pending: dict[str, _After] = {}
        self._closed = False

    @property
    def closed(self) -> bool:
        """True once close() has run."""
        return self._closed

    def schedule(self, delay_ms: int, callback: Callable[[], None]) -> Scheduled:
        """Run callback on the Tk thread after delay_ms (0: when idle); nothing once closed or
        once the returned handle is cancelled."""
        handle = _After(self.root, self._pending)
        if self._closed:
            return handle

        def fire() -> None:
            self._pending.pop(handle.after_id, None)
            callback()

        handle.after_id = (self.root.after_idle(fire) if delay_ms <= 0
                           else self.root.after(delay_ms, fire))
        self._pending[handle.after_id] = handle
        return handle

    def close(self) -> None:
        """Cancel every pending callback and refuse new ones."""
        self._closed = True
        for after_id in self._pending:
            self.root.after_cancel(after_id)
        self._pending.clear()  # handles cancelled later find nothing to cancel


class _After:
    """A schedule() handle: its Tk after id, while it is in the scheduler's pending."""

    def __init__(self, root: tkinter.Misc, pending: dict[str, _After]) -> None:
        self.root = root
        self.pending = pending
        self.after_id = ""

    def cancel(self) -> None:
        """Keep the callback from running (no-op once it ran or the window closed)."""
        if self.pending.pop(self.after_id, None) is not None:
            self.root.after_cancel(self.after_id)
