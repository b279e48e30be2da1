"""The controller's alerts with a fake notifier: private messages and mentions notify when the
user is not looking, history and our own lines never do; mentions are marked in the log and in
the conversation list; /notify and /dnd are remembered; a click brings the window up there."""

from __future__ import annotations

import pytest

from app.controllers import start_client
from app.models.notifyplan import Alert
from app.models.settings import SettingsStore
from tests.app.controllers.conftest import PARAMS
from tests.app.controllers.test_conversations import JOIN, REGISTER, history, msg
from tests.fakes import FakeNotifier, FakeView


@pytest.fixture
def notifier() -> FakeNotifier:
    return FakeNotifier()


def online(rig, notifier: FakeNotifier, *extra: str, focused: bool = False):
    """Online with every capability in #lobby (shown), the window focused or not."""
    controller = start_client(rig.view, params=PARAMS, settings_store=rig.store,
                              connection_factory=rig.factory, clock=rig.clock,
                              notifier=notifier)
    rig.view.focused = focused
    rig.conn.open()
    rig.conn.feed(*REGISTER, *JOIN)
    rig.view.pump()
    rig.conn.feed(*history("#lobby"), *extra)
    rig.view.pump()
    return controller


def test_alerts_private_message_notifies_when_the_window_is_not_focused(rig, notifier):
    online(rig, notifier, msg("p1", 10, "are you there?", target="me"))
    assert notifier.alerts == [Alert("bob", "bob", "are you there?")]


def test_alerts_mention_notifies_and_other_lines_do_not(rig, notifier):
    online(rig, notifier, msg("c1", 10, "nothing for you"), msg("c2", 11, "ME: lunch?"),
           msg("c3", 20, "memo is out"))
    assert notifier.alerts == [Alert("#lobby", "bob in #lobby", "ME: lunch?")]


def test_alerts_history_and_own_lines_never_notify(rig, notifier):
    online(rig, notifier,
           *history("bob", msg("h1", 3, "old private", target="me", batch="p"), ref="p"),
           *history("#lobby", msg("h2", 4, "old mention of me", batch="q"), ref="q"),
           msg("o1", 12, "talking to me myself", sender="me", target="#lobby"),
           msg("o2", 13, "hello", sender="me", target="bob"))
    assert notifier.alerts == []
    marked = [e.text for e in rig.view.entries if e.mention]
    assert marked == ["old mention of me"]  # history is highlighted, not notified


def test_alerts_not_while_looking_at_that_conversation(rig, notifier):
    online(rig, notifier, msg("c1", 10, "me: here?"), focused=True)
    assert notifier.alerts == []
    rig.conn.feed(msg("p1", 20, "psst", target="me"))
    rig.view.pump()
    assert [a.conversation for a in notifier.alerts] == ["bob"]  # not the one shown


def test_alerts_mention_is_marked_in_the_log_and_the_list(rig, notifier):
    controller = online(rig, notifier, msg("p1", 5, "hi", target="me"), focused=True)
    controller.on_switch("bob")
    rig.conn.feed(msg("c1", 10, "where is me?"), msg("c2", 11, "no idea"))
    rig.view.pump()
    lobby = next(c for c in rig.view.conversations if c.name == "#lobby")
    assert lobby.mentioned and lobby.unread == 2
    controller.on_switch("#lobby")
    assert [e.mention for e in rig.view.entries[-2:]] == [True, False]
    lobby = next(c for c in rig.view.conversations if c.name == "#lobby")
    assert not lobby.mentioned and lobby.unread == 0


def test_alerts_notify_mode_is_set_per_conversation_and_remembered(rig, notifier):
    controller = online(rig, notifier)
    controller.on_send("/notify all")
    rig.conn.feed(msg("c1", 10, "just chatting"))
    rig.view.pump()
    assert [a.body for a in notifier.alerts] == ["just chatting"]
    controller.on_send("/notify never")
    rig.conn.feed(msg("c2", 20, "me: now?"))
    rig.view.pump()
    assert len(notifier.alerts) == 1
    assert SettingsStore(rig.store.directory).load().notify == {"#lobby": "never"}
    controller.on_send("/notify")
    assert rig.view.texts()[-1] == "#lobby notifies for nothing (never)"


def test_alerts_notify_rejects_an_unknown_mode(rig, notifier):
    controller = online(rig, notifier)
    controller.on_send("/notify loud")
    assert rig.view.texts()[-1] == "Usage: /notify [all|mentions|never]"
    assert SettingsStore(rig.store.directory).load().notify == {}


def test_alerts_do_not_disturb_silences_and_is_remembered(rig, notifier):
    controller = online(rig, notifier)
    controller.on_send("/dnd")
    rig.conn.feed(msg("p1", 10, "urgent", target="me"))
    rig.view.pump()
    assert notifier.alerts == []
    assert SettingsStore(rig.store.directory).load().dnd is True
    controller.on_send("/dnd off")
    rig.conn.feed(msg("p2", 20, "still urgent", target="me"))
    rig.view.pump()
    assert [a.body for a in notifier.alerts] == ["still urgent"]


def test_alerts_settings_are_read_back_by_the_next_window(rig, notifier):
    rig.store.update(notify={"#lobby": "all"}, dnd=False)
    online(rig, notifier, msg("c1", 10, "hello all"))
    assert [a.body for a in notifier.alerts] == ["hello all"]


def test_alerts_click_raises_the_window_on_that_conversation(rig, notifier):
    controller = online(rig, notifier, msg("p1", 10, "are you there?", target="me"))
    assert controller.current == "#lobby"
    notifier.clicks.append("bob")
    rig.view.pump(300)
    assert rig.view.called("present") == [()]
    assert controller.current == "bob" and rig.view.current == "bob"


def test_alerts_clicks_stop_being_polled_once_the_window_closes(rig, notifier):
    controller = online(rig, notifier, msg("p1", 10, "are you there?", target="me"))
    controller.shut_down()
    assert notifier.closed and rig.view.pending == 0


def test_alerts_without_a_notifier_still_mark_mentions(rig):
    controller = start_client(FakeView(), params=PARAMS, settings_store=rig.store,
                              connection_factory=rig.factory, clock=rig.clock)
    rig.conn.open()
    rig.conn.feed(*REGISTER, *JOIN, *history("#lobby"), msg("c1", 10, "me?"))
    view = controller.view
    assert isinstance(view, FakeView)
    view.pump()
    assert [(e.text, e.mention) for e in view.entries if e.sender] == [("me?", True)]


def test_alerts_do_not_disturb_from_the_menu_is_shown_and_remembered(rig, notifier):
    controller = online(rig, notifier)
    assert rig.view.dnd is False
    controller.on_do_not_disturb(True)
    assert rig.view.dnd is True and controller.alerts.dnd
    assert rig.view.texts()[-1] == "Do not disturb is on: no desktop notifications"
    assert SettingsStore(rig.store.directory).load().dnd is True
    rig.conn.feed(msg("p1", 10, "urgent", target="me"))
    rig.view.pump()
    assert notifier.alerts == []
    controller.on_send("/dnd")
    assert rig.view.dnd is False


def test_alerts_the_next_window_shows_the_remembered_do_not_disturb(rig, notifier):
    rig.store.update(dnd=True)
    online(rig, notifier)
    assert rig.view.called("set_do_not_disturb")[0] == (True,)


def test_alerts_the_list_says_what_each_conversation_notifies_for(rig, notifier):
    controller = online(rig, notifier, msg("p1", 10, "hi", target="me"))
    modes = {c.name: c.notify for c in rig.view.conversations}
    assert modes == {"(server)": "", "#lobby": "mentions", "bob": "all"}
    controller.on_notify_mode("#lobby", "never")
    modes = {c.name: c.notify for c in rig.view.conversations}
    assert modes == {"(server)": "", "#lobby": "never", "bob": "all"}
    assert rig.view.texts()[-1] == "#lobby notifies for nothing (never)"
    assert SettingsStore(rig.store.directory).load().notify == {"#lobby": "never"}


def test_alerts_menu_with_an_unknown_conversation_or_mode_is_an_error_line(rig, notifier):
    controller = online(rig, notifier)
    controller.on_notify_mode("#nowhere", "all")
    assert rig.view.texts()[-1] == "No conversation called #nowhere"
    controller.on_notify_mode("#lobby", "loud")
    assert rig.view.texts()[-1] == "Unknown notification setting 'loud'"
    assert SettingsStore(rig.store.directory).load().notify == {}


def test_alerts_cached_lines_that_mention_us_are_marked_but_never_notify(rig, notifier, tmp_path):
    first = start_client(rig.view, params=PARAMS, settings_store=rig.store,
                         connection_factory=rig.factory, clock=rig.clock,
                         cache_dir=tmp_path / "data")
    rig.conn.open()
    rig.conn.feed(*REGISTER, *JOIN, *history("#lobby"), msg("c1", 1, "me: from last time"),
                  msg("c2", 2, "nothing"))
    rig.view.pump()
    first.shut_down()
    view = FakeView()
    view.focused = False
    start_client(view, params=PARAMS, settings_store=rig.store, connection_factory=rig.factory,
                 clock=rig.clock, cache_dir=tmp_path / "data", notifier=notifier)
    assert [(e.text, e.mention) for e in view.entries] == [("me: from last time", True),
                                                           ("nothing", False)]
    assert notifier.alerts == []


def test_alerts_notify_needs_a_conversation_and_says_a_private_chats_default(rig, notifier):
    controller = online(rig, notifier, msg("p1", 10, "hi", target="me"))
    controller.switch_to(None)
    controller.on_send("/notify all")
    assert rig.view.texts()[-1].startswith("Open a channel or private chat first")
    controller.on_switch("bob")
    controller.on_send("/notify")
    assert rig.view.texts()[-1] == "bob notifies for all messages"


def test_alerts_an_ignored_nick_never_notifies(rig, notifier):
    controller = online(rig, notifier)
    controller.on_send("/ignore bob")
    rig.conn.feed(msg("p9", 30, "let me in", target="me"), msg("c9", 31, "me: hello?"))
    rig.view.pump()
    assert notifier.alerts == []
