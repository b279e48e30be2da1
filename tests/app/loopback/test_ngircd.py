"""The real client stack against Debian's ngircd: register (CAP, ISUPPORT), join, talk to a second
client. Skipped when ngircd is missing, unless LOCALCHAT_REQUIRE_INTEROP=1 (make test, CI: then
it fails)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.views.base import MessageActions
from tests.app.loopback.conftest import pump_until
from tests.interop.ngircd import ngircd_available, start_ngircd
from tests.interop.programs import missing

pytestmark = pytest.mark.interop


@pytest.fixture
def ngircd(tmp_path) -> Iterator[tuple[str, int]]:
    if not ngircd_available():
        missing("ngircd is not installed (scripts/system-deps.sh test installs it)")
    with start_ngircd(tmp_path / "ngircd") as irc:
        yield irc.address


def test_ngircd_register_join_and_exchange_messages(ngircd, clients):
    alice, alice_view = clients.online(ngircd, "alice")
    bob, bob_view = clients.online(ngircd, "bob")
    assert alice.session.network or alice.session.server  # ISUPPORT / 001 were read
    assert alice_view.identity == ("alice", f"{ngircd[0]}:{ngircd[1]}")
    views = [alice_view, bob_view]
    pump_until(views, lambda: "bob" in [u.nick for u in alice_view.users], "bob in alice's list")
    assert [u.prefix for u in bob_view.users if u.nick == "alice"] == ["@"]  # channel creator
    bob.on_send("hi from bob")
    pump_until(views, lambda: any(e.sender == "bob" and e.text == "hi from bob"
                                  for e in alice_view.entries), "alice to hear bob")
    alice.on_send("/me waves")
    pump_until(views, lambda: any(e.sender == "alice" and e.text == "waves"
                                  for e in bob_view.entries), "bob to see the action")
    alice.on_send("/topic Interop works")
    pump_until(views, lambda: bob.session.channel("#lobby").topic == "Interop works", "topic")


def test_ngircd_nick_in_use_brings_the_dialog_back(ngircd, clients):
    clients.online(ngircd, "alice")
    _, view = clients.start(ngircd, "alice", answers=(None,))
    pump_until([view], lambda: view.closed, "the dialog to come back")
    [(shown, error)] = view.called("ask_connection")
    assert shown.nick == "alice" and "alice" in error


def test_ngircd_offers_no_reply_react_or_delete_and_a_paste_is_a_message_per_line(ngircd,
                                                                                   clients):
    alice, alice_view = clients.online(ngircd, "alice")
    _bob, bob_view = clients.online(ngircd, "bob")
    views = [alice_view, bob_view]
    pump_until(views, lambda: "bob" in [u.nick for u in alice_view.users], "bob in alice's list")
    assert alice_view.message_actions == MessageActions() and alice.session.multiline is None
    alice.on_send("first line\nsecond line")
    pump_until(views, lambda: [e.text for e in bob_view.entries if e.sender == "alice"] ==
               ["first line", "second line"], "bob to get two messages")
    said = [e for e in bob_view.entries if e.sender == "alice"]
    alice.on_reply(None)
    alice.on_react(said[0], "✔")
    assert alice_view.reply_text == "" and "cannot carry replies" in alice_view.texts()[-2]


def test_ngircd_typed_offline_goes_out_once_and_leaves_the_cache(ngircd, clients):
    """ngircd echoes nothing: a line typed while cut off is kept in the cache, sent once after
    the reconnect and forgotten there as it goes (nothing could ever confirm it)."""
    alice, alice_view = clients.online(ngircd, "alice", cache=True)
    _, bob_view = clients.online(ngircd, "bob")
    views = [alice_view, bob_view]
    clients.cut(alice)
    pump_until([alice_view], lambda: alice_view.status[0] == "disconnected", "the cut")
    alice.on_send("typed while cut off")
    cache = alice.archive.cache
    assert cache is not None and [i.text for i in cache.load_outbox("alice")] == [
        "typed while cut off"]
    pump_until(views, lambda: any(e.sender == "alice" and e.text == "typed while cut off"
                                  for e in bob_view.entries), "bob to get it", deadline=20)
    pump_until(views, lambda: len(alice.sender.outbox) == 0, "alice's outbox to empty")
    assert cache.load_outbox("alice") == []
    alice.on_send("said live")
    pump_until(views, lambda: any(e.text == "said live" for e in bob_view.entries), "live")
    assert [e.text for e in bob_view.entries if e.sender == "alice" and not e.presence] == [
        "typed while cut off", "said live"]
