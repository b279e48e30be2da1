"""An idle reader thread holds nothing of the lines it last handled (server.reader,
server.nonblocking.Receiver): while it waits for input, no bytes, no parsed message and no
BlockingIOError are alive; it waits in wait_readable (a poll made for the wait)."""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

from ircproto.message import Message
from tests.server.ircclient import RawClient

DEADLINE = 5.0


def reader_thread(raw: RawClient) -> threading.Thread:
    port = raw.sock.getsockname()[1]
    return next(thread for thread in threading.enumerate()
                if thread.name == f"irc-client-127.0.0.1:{port}")


def waiting_frame(thread: threading.Thread) -> FrameType:
    """The reader's innermost frame once it waits for input again (deadline: DEADLINE)."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        assert thread.ident is not None
        frame = sys._current_frames().get(thread.ident)
        if frame is not None and frame.f_code.co_name == "wait_readable":
            return frame
        time.sleep(0.005)  # polling another thread's state: nothing to wait on
    raise AssertionError(f"{thread.name} never went back to waiting")


def held(frame: FrameType | None) -> list[object]:
    """Every local of the frame and its callers."""
    values: list[object] = []
    while frame is not None:
        values.extend(frame.f_locals.values())
        frame = frame.f_back
    return values


def is_line_data(value: object) -> bool:
    if isinstance(value, bytes | bytearray):
        return len(value) > 0
    if isinstance(value, list):
        return any(isinstance(item, Message) for item in value)
    return isinstance(value, Message | BaseException)


def test_reader_idle_holds_no_lines_and_no_exception(client: Callable[..., RawClient]):
    raw = client("idler")
    raw.send("PING :" + "x" * 300)
    raw.expect(command="PONG")
    frame = waiting_frame(reader_thread(raw))
    assert [value for value in held(frame) if is_line_data(value)] == []
    gc.collect()
    assert not [obj for obj in gc.get_objects() if isinstance(obj, BlockingIOError)]
