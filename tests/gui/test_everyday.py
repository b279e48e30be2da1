"""The everyday chat features in the real window against a real server: 'bob is typing…' under
the log (and our own typing reaching bob), bob dimmed as away in the user pane, and joins and
parts folded into one compact line; screenshots in light and dark under tests/screenshots/."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.models.settings import SettingsStore
from app.views.palette import muted_colour
from server.tcp import ServerHandle
from tests.app.views.realview import close_real_view, make_real_view
from tests.gui.driver import screenshot
from tests.gui.live import Chat, close_chat, open_chat, wait_until
from tests.gui.test_screenshots import check_shot
from tests.interop.rawclient import RawClient

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]


def tagged_peer(server: ServerHandle, nick: str) -> RawClient:
    """A raw client in #lobby that negotiated message-tags (it may send and get +typing)."""
    peer = RawClient(server.server_address)
    peer.send("CAP REQ :message-tags")
    peer.send(f"NICK {nick}")
    peer.send("USER tester 0 * :LocalChat tester")
    peer.expect("CAP", lambda m: m.param(1) == "ACK")
    peer.send("CAP END")
    peer.expect("001")
    peer.join("#lobby")
    return peer


@pytest.fixture(params=["light", "dark"])
def compact_chat(request: pytest.FixtureRequest, server: ServerHandle,
                 tmp_path: Path) -> Iterator[Chat]:
    SettingsStore(tmp_path / "config").update(compact_joins=True)
    chat = open_chat(server, tmp_path, theme=request.param)
    chat.view.input.focus_force()
    yield chat
    close_chat(chat)


def test_gui_typing_away_and_compact_join_lines(compact_chat: Chat, server: ServerHandle,
                                               peer_factory: Callable[[str], RawClient]) -> None:
    chat, view = compact_chat, compact_chat.view
    bob = tagged_peer(server, "bob")
    try:
        carol, dave = peer_factory("carol"), peer_factory("dave")
        chat.wait_for_user("dave")
        carol.send("PRIVMSG #lobby :morning! anyone for coffee?")
        chat.wait_for_log("anyone for coffee")
        erin = peer_factory("erin")
        chat.wait_for_user("erin")
        dave.send("PART #lobby")
        chat.wait_for_log("\u2190 dave left")
        erin.send("PART #lobby :meeting")
        chat.wait_for_log("\u2190 dave, erin left")
        compact = [line for line in view.log_lines if "\u2192" in line or "\u2190" in line]
        assert len(compact) == 2 and compact[-1].endswith(
            "\u2192 erin joined \u00b7 \u2190 dave, erin left"), compact

        bob.send("AWAY :lunch")
        wait_until(view, lambda: "bob  (away)" in view.user_lines, "bob shown away")
        row = view.user_lines.index("bob  (away)")
        assert view.user_pane.colour_of(row) == muted_colour(view.theme)

        bob.send("@+typing=active TAGMSG #lobby")
        wait_until(view, lambda: view.typing_text == "bob is typing\u2026", "bob typing")
        view.input.insert(0, "see you at noon")
        typing = bob.expect("TAGMSG", lambda m: m.source is not None
                            and m.source.startswith("alice!"))
        assert typing.tags.get("+typing") == "active" and typing.param(0) == "#lobby"
        view.root.update()
        check_shot(screenshot(view.root, f"everyday-{view.theme}"), view.root)

        bob.send("@+typing=done TAGMSG #lobby")
        wait_until(view, lambda: view.typing_text == "", "bob's typing to end")
    finally:
        bob.close()


@pytest.mark.parametrize("name", ["full", "compact"])
def test_gui_typing_line_shows_and_hides(name: str) -> None:
    view = make_real_view(name, "light")
    try:
        view.show_typing("bob and carol are typing\u2026")
        view.root.update()
        assert view.typing_text == "bob and carol are typing\u2026"
        assert view.typing_line.label.winfo_ismapped()
        view.show_typing("")
        assert view.typing_text == ""
    finally:
        close_real_view(view)
