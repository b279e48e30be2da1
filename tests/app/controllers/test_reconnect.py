"""Controller tests for reconnecting: backoff through view.schedule, fallback nicks, rejoining."""

from app.controllers.link import BACKOFF_SECONDS
from app.models.events import ConnectFailed
from app.models.log import EntryKind
from app.models.settings import ConnectParams


def test_connection_loss_reconnects_after_one_second(rig):
    rig.online()
    rig.conn.drop("127.0.0.1:13333 closed the connection")
    rig.view.pump()
    assert rig.view.status[0] == "disconnected"
    assert rig.view.users == []
    lost = rig.view.entries[-1]
    assert lost.kind is EntryKind.ERROR
    assert lost.text == "127.0.0.1:13333 closed the connection. Reconnecting in 1 s (attempt 1)"
    assert len(rig.factory.made) == 1
    rig.view.pump(900)
    assert len(rig.factory.made) == 1
    rig.view.pump(100)
    assert len(rig.factory.made) == 2 and rig.conn.started


def test_reconnect_reregisters_with_fallback_nick_and_rejoins(rig):
    controller = rig.online(":me!u@h JOIN #dev", ":srv 366 me #dev :End")
    rig.conn.drop()
    rig.view.pump(1050)
    rig.conn.open()
    rig.conn.feed(":srv 433 * me :Nickname is already in use")
    rig.view.pump()
    assert rig.conn.sent_lines()[-1] == "NICK me_"
    rig.conn.feed(":srv 001 me_ :Welcome back")
    rig.view.pump()
    assert rig.conn.sent_lines()[-2:] == ["JOIN #lobby", "JOIN #dev"]
    assert "Reconnected to 127.0.0.1:13333 as me_; rejoining #lobby, #dev" in rig.view.texts()
    assert rig.view.identity == ("me_", "127.0.0.1:13333")
    assert rig.view.called("ask_connection") == []
    assert rig.store.load().nick == "me"  # the fallback nick is not remembered
    assert controller.params.nick == "me"


def test_reconnect_backoff_doubles_to_thirty_seconds_and_resets(rig):
    rig.online()
    rig.conn.drop()
    delays = []
    for _ in range(7):
        rig.view.pump(0)
        made = len(rig.factory.made)
        waited = 0
        while len(rig.factory.made) == made and waited < 60_000:
            rig.view.pump(500)
            waited += 500
        delays.append(waited // 1000)
        rig.conn.events.put(ConnectFailed("Connection refused by 127.0.0.1:13333"))
    assert delays == [1, 2, 4, 8, 16, 30, 30]
    assert BACKOFF_SECONDS[-1] == 30
    rig.view.pump(31_000)
    rig.conn.open()
    rig.conn.feed(":srv 001 me :Welcome")
    rig.conn.drop()
    rig.view.pump()
    assert "Reconnecting in 1 s" in rig.view.entries[-1].text


def test_kicked_channel_is_not_rejoined(rig):
    rig.online(":alice!a@h KICK #lobby me :behave")
    rig.conn.drop()
    rig.view.pump(1050)
    rig.conn.open()
    rig.conn.feed(":srv 001 me :Welcome")
    rig.view.pump()
    assert not any(line.startswith("JOIN") for line in rig.conn.sent_lines())


def test_all_fallback_nicks_taken_on_reconnect_asks_user(rig):
    rig.online()
    rig.conn.drop()
    rig.view.pump(1050)
    rig.conn.open()
    rig.conn.feed(":srv 433 * me :in use", ":srv 433 * me_ :in use", ":srv 433 * me__ :in use")
    rig.view.connect_answers.append(ConnectParams("127.0.0.1", 13333, "other"))
    rig.view.pump()
    [(shown, error)] = rig.view.called("ask_connection")
    assert shown.nick == "me" and "me__" in error
    assert rig.conn.port == 13333 and len(rig.factory.made) == 3


def test_no_reconnect_after_quit(rig):
    controller = rig.online()
    rig.view.exit_answers.append(True)
    controller.on_escape()
    rig.view.pump(60_000)
    assert len(rig.factory.made) == 1


def test_reconnect_keeps_the_channel_you_were_talking_in(rig):
    controller = rig.online(":me!u@h JOIN #dev", ":srv 366 me #dev :End",
                            ":srv 353 me = #lobby :me bob", ":srv 366 me #lobby :End")
    controller.on_send("/join #lobby")
    assert controller.current == "#lobby"
    rig.conn.drop()
    rig.view.pump(1050)
    rig.conn.open()
    rig.conn.feed(":srv 001 me :Welcome", ":me!u@h JOIN #lobby", ":me!u@h JOIN #dev",
                  ":srv 353 me = #lobby :me carol", ":srv 366 me #lobby :End")
    rig.view.pump()
    assert controller.current == "#lobby"
    assert [u.nick for u in rig.view.users] == ["carol", "me"]
    controller.on_send("back")
    assert rig.conn.sent_lines()[-1] == "PRIVMSG #lobby back"


def test_fallback_nick_takes_own_nick_back_when_freed(rig):
    controller = rig.online()
    rig.conn.drop()
    rig.view.pump(1050)
    rig.conn.open()
    rig.conn.feed(":srv 433 * me :in use", ":srv 001 me_ :Welcome", ":me_!u@h JOIN #lobby",
                  ":srv 353 me_ = #lobby :me_ me", ":srv 366 me_ #lobby :End")
    rig.view.pump()
    rig.conn.sent.clear()
    rig.conn.feed(":bob!b@h QUIT :bye")  # someone else: nothing to do
    rig.view.pump()
    assert rig.conn.sent == []
    rig.conn.feed(":me!u@old QUIT :Ping timeout")  # our ghost left
    rig.view.pump()
    assert rig.conn.sent_lines() == ["NICK me"]
    rig.conn.feed(":me_!u@h NICK me")
    rig.view.pump()
    assert rig.view.identity == ("me", "127.0.0.1:13333") and controller.params.nick == "me"


def _reconnect(rig):
    rig.conn.drop()
    rig.view.pump(1050)
    rig.conn.open()
    rig.conn.feed(":srv 001 me :Welcome back")
    rig.view.pump()
    return [line for line in rig.conn.sent_lines() if line.startswith("JOIN")]


def test_a_channel_joined_with_a_key_is_rejoined_with_it(rig):
    controller = rig.online()
    controller.on_send("/join #ops door42")
    rig.conn.feed(":me!u@h JOIN #ops", ":srv 366 me #ops :End")
    rig.view.pump()
    assert _reconnect(rig)[-2:] == ["JOIN #lobby", "JOIN #ops door42"]


def test_a_key_changed_while_we_are_in_is_the_one_given_again(rig):
    controller = rig.online()
    controller.on_send("/join #ops door42")
    rig.conn.feed(":me!u@h JOIN #ops", ":srv 366 me #ops :End",
                  ":alice!a@h MODE #ops +ok bob window7")
    rig.view.pump()
    assert _reconnect(rig)[-1] == "JOIN #ops window7"


def test_a_key_removed_or_a_channel_left_is_not_given_again(rig):
    controller = rig.online(":me!u@h JOIN #dev", ":srv 366 me #dev :End",
                            ":srv 324 me #dev +kt secret")
    controller.on_send("/join #ops door42")
    rig.conn.feed(":me!u@h JOIN #ops", ":srv 366 me #ops :End",
                  ":alice!a@h MODE #dev -k *", ":me!u@h PART #ops")
    rig.view.pump()
    joins = _reconnect(rig)
    assert joins[-2:] == ["JOIN #lobby", "JOIN #dev"]
    controller.on_send("/join #ops")
    assert rig.conn.sent_lines()[-1] == "JOIN #ops"


def test_a_key_the_server_refused_is_not_kept(rig):
    controller = rig.online()
    controller.on_send("/join #ops wrong")
    rig.conn.feed(":srv 475 me #ops :Cannot join channel (+k)")
    controller.on_send("/join #ops")
    rig.conn.feed(":me!u@h JOIN #ops", ":srv 366 me #ops :End")
    rig.view.pump()
    assert _reconnect(rig)[-1] == "JOIN #ops"


def test_a_key_shown_by_the_channels_modes_is_given_again(rig):
    rig.online(":me!u@h JOIN #dev", ":srv 366 me #dev :End", ":srv 324 me #dev +kt secret",
               ":srv 324 me #elsewhere +k notours")
    assert _reconnect(rig)[-2:] == ["JOIN #lobby", "JOIN #dev secret"]
