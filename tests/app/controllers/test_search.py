"""Searching all conversations through the controller (fakes): the cache at once, SEARCH where
the server offers soju.im/search, the two merged; a picked result opens its conversation at the
message, fetched with CHATHISTORY AROUND when it is not held."""

from __future__ import annotations

from datetime import datetime

from app.models.cachesearch import Hit
from tests.app.controllers.test_conversations import (
    JOIN,
    cached_rig,
    history,
    msg,
)

T = datetime(2026, 3, 4, 5, 6, 7)
CAPS = ("message-tags server-time echo-message batch draft/chathistory soju.im/search")
REGISTER = (f":srv CAP * LS :{CAPS}", f":srv CAP me ACK :{CAPS}", ":srv 001 me :Welcome",
            ":srv 005 me CHATHISTORY=3 MSGREFTYPES=msgid,timestamp :are supported")


def online(rig, caps_register=REGISTER, *extra: str):
    controller = rig.start()
    rig.conn.open()
    rig.conn.feed(*caps_register, *JOIN)
    rig.view.pump()
    rig.conn.feed(*history("#lobby"), ":srv BATCH +t draft/chathistory-targets",
                  ":srv BATCH -t", *extra)
    rig.view.pump()
    assert controller.caught_up
    rig.conn.sent.clear()
    return controller


def test_search_cache_then_server_merged(rig, tmp_path):
    controller = online(cached_rig(rig, tmp_path), REGISTER, msg("c1", 1, "deploy today"))
    controller.on_search("deploy")
    assert rig.conn.sent_lines() == ["SEARCH text=deploy;limit=100"]
    hits, note = rig.view.search_results, rig.view.search_note
    assert [h.text for h in hits] == ["deploy today"] and "searching the server" in note
    rig.conn.feed(":srv BATCH +s soju.im/search", msg("c1", 1, "deploy today", batch="s"),
                  msg("p1", 9, "deploy secretly", sender="carol", target="me", batch="s"),
                  ":srv BATCH -s")
    rig.view.pump()
    hits = rig.view.search_results
    assert [(h.conversation, h.text) for h in hits] == [
        ("carol", "deploy secretly"), ("#lobby", "deploy today")]
    assert rig.view.search_note == "2 results, in this device's cache and on the server"
    assert "deploy secretly" not in rig.view.texts()  # a result is not a new message
    assert controller.conversations.get("carol") is None


def test_search_without_the_cap_is_the_cache_only(rig, tmp_path):
    plain = tuple(line.replace(" soju.im/search", "") for line in REGISTER)
    controller = online(cached_rig(rig, tmp_path), plain, msg("c1", 1, "deploy today"))
    controller.on_search("deploy")
    assert rig.conn.sent_lines() == []
    assert rig.view.search_note.startswith("1 result, in this device's cache")


def test_search_too_many_words_is_said(rig, tmp_path):
    controller = online(cached_rig(rig, tmp_path))
    controller.on_search(" ".join(["w"] * 17))
    assert rig.view.search_results == [] and "16 words" in rig.view.search_note
    assert rig.conn.sent_lines() == []


def test_search_pick_held_reveals_at_once(rig, tmp_path):
    controller = online(cached_rig(rig, tmp_path), REGISTER, msg("c1", 1, "deploy today"))
    controller.on_search("deploy")
    controller.on_search_pick(rig.view.search_results[0])
    assert rig.view.called("reveal_message") == [("c1",)]
    assert rig.view.current == "#lobby"


def test_search_pick_not_held_fetches_around_then_reveals(rig, tmp_path):
    controller = online(cached_rig(rig, tmp_path), REGISTER)
    controller.on_search("door")
    rig.conn.feed(":srv BATCH +s soju.im/search",
                  msg("p1", 5, "the door code", sender="carol", target="me", batch="s"),
                  ":srv BATCH -s")
    rig.view.pump()
    rig.conn.sent.clear()
    controller.on_search_pick(rig.view.search_results[0])
    assert rig.view.current == "carol"
    assert rig.conn.sent_lines() == ["CHATHISTORY AROUND carol msgid=p1 3"]
    rig.conn.feed(*history("carol", msg("p0", 4, "hi", sender="carol", target="me", batch="h"),
                           msg("p1", 5, "the door code", sender="carol", target="me", batch="h")))
    rig.view.pump()
    assert rig.view.called("reveal_message")[-1] == ("p1",)
    assert "the door code" in rig.view.texts() and rig.view.current == "carol"


def test_search_pick_while_catching_up_waits(rig, tmp_path):
    controller = cached_rig(rig, tmp_path).start()
    rig.conn.open()
    rig.conn.feed(*REGISTER, *JOIN)  # LATEST #lobby asked, not answered: catching up
    rig.view.pump()
    rig.conn.sent.clear()
    controller.on_search_pick(Hit("carol", T, "carol", "x", "p1", True))
    assert rig.conn.sent_lines() == []
    assert any("Still catching up" in line for line in rig.view.texts())


def test_search_not_asked_without_batch(rig, tmp_path):
    nobatch = tuple(line.replace(" batch", "") for line in REGISTER)
    controller = cached_rig(rig, tmp_path).start()
    rig.conn.open()
    rig.conn.feed(*nobatch, *JOIN)
    rig.view.pump()
    rig.conn.sent.clear()
    controller.on_search("deploy")
    assert not [line for line in rig.conn.sent_lines() if line.startswith("SEARCH")]
    assert "cannot search its history" in rig.view.search_note


def test_search_stopped_early_by_the_server_says_so_in_the_window_not_the_log(rig, tmp_path):
    controller = online(cached_rig(rig, tmp_path))
    controller.on_search("status")
    shown = len(rig.view.texts())
    rig.conn.feed(":srv BATCH +s soju.im/search", msg("c1", 1, "status green", batch="s"),
                  ":srv BATCH -s",
                  ":srv NOTE SEARCH PARTIAL :The search stopped early: these are the newest")
    rig.view.pump()
    assert [h.text for h in rig.view.search_results] == ["status green"]
    assert rig.view.search_note.startswith("1 result, in this device's cache and on the server;")
    assert "older matches may be missing" in rig.view.search_note
    assert len(rig.view.texts()) == shown  # nothing in the log
    rig.conn.feed(":srv WARN REHASH CONFIG_BAD :Config file has an error",
                  ":srv NOTE * OPER_MESSAGE :The server reboots at noon")
    rig.view.pump()
    assert rig.view.texts()[-2:] == ["REHASH: Config file has an error",
                                     "The server reboots at noon"]
