"""WeeChat sets channel modes on our server and our client sees the refusals: weechat-headless
(through its fifo) founds a channel, sets +k, and our real client stack (Connection, Session,
controller, FakeView) is told 475 with the server's text; then WeeChat bans it (+b) and the
client is told 474, even with the right key."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from server.config import ServerConfig
from server.tcp import ServerHandle, start_server_thread
from tests.app.loopback.conftest import Clients, pump_until
from tests.fakes import FakeView
from tests.interop.programs import POLL_INTERVAL, require_program, require_weechat_plugins
from tests.interop.test_weechat import CHANNEL, PLUGINS, START_DEADLINE, WEECHAT_NICK, Weechat

pytestmark = pytest.mark.interop

OUR_NICK = "ours"


@pytest.fixture
def server() -> Iterator[ServerHandle]:
    with start_server_thread(ServerConfig(host="127.0.0.1", port=0)) as handle:
        yield handle


@pytest.fixture
def clients(tmp_path: Path) -> Iterator[Clients]:
    made = Clients(tmp_path / "clients")
    yield made
    made.close_all()


def wait_for_state(server: ServerHandle, holds: Callable[[ServerHandle], bool], what: str
                   ) -> None:
    """Poll the server's state (under its lock) until holds, or fail after START_DEADLINE."""
    end = time.monotonic() + START_DEADLINE
    while True:
        with server.state.lock:
            if holds(server):
                return
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(POLL_INTERVAL)


def weechat_is_op(server: ServerHandle) -> bool:
    channel, weechat = server.state.find_channel(CHANNEL), server.state.find_user(WEECHAT_NICK)
    return channel is not None and weechat is not None and channel.is_op(weechat)


def refusal(view: FakeView, numeric_text: str) -> str | None:
    """The error line our client showed with numeric_text, if any."""
    return next((e.text for e in view.entries if numeric_text in e.text), None)


def test_weechat_sets_key_and_ban_and_our_client_sees_the_refusals(
    server: ServerHandle, clients: Clients, tmp_path: Path
) -> None:
    program = require_program("weechat-headless")
    require_weechat_plugins(*PLUGINS)
    weechat = Weechat(program, tmp_path / "weechat", server.server_address[1])
    try:
        wait_for_state(server, weechat_is_op, f"WeeChat to found {CHANNEL}")
        weechat.command("irc.server.local", f"/mode {CHANNEL} +k sesame")
        wait_for_state(server, lambda s: s.state.channels[CHANNEL].settings.join_key == "sesame",
                       "WeeChat's +k")
        ours, view = clients.online(server.server_address[:2], OUR_NICK)
        ours.on_send(f"/join {CHANNEL}")
        pump_until([view], lambda: refusal(view, "(+k)") is not None, "the 475")
        assert refusal(view, "(+k)") == (f"Could not join {CHANNEL}: Cannot join channel (+k) "
                                         f"(it needs a key: /join {CHANNEL} <key>)")
        weechat.command("irc.server.local", f"/mode {CHANNEL} +b {OUR_NICK}!*@*")
        wait_for_state(server, lambda s: bool(s.state.channels[CHANNEL].settings.entries("b")),
                       "WeeChat's +b")
        ours.on_send(f"/join {CHANNEL} sesame")
        pump_until([view], lambda: refusal(view, "(+b)") is not None, "the 474")
        assert refusal(view, "(+b)") == (f"Could not join {CHANNEL}: Cannot join channel (+b) "
                                         "(you are banned from it)")
        assert CHANNEL not in [name for name in ours.reactions.wanted]
    finally:
        weechat.stop()
    assert server.take_errors() == []
