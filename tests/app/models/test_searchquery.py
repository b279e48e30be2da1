"""Search query building on the client (app.models.searchquery): the SEARCH line, the server's
answer as hits, and merging with the cache's hits."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.models.cachesearch import Hit
from app.models.searchquery import merge, search_command, server_hits
from ircproto.message import parse
from ircproto.searchtext import SearchError

T = datetime(2026, 3, 4, 5, 6, 7)


def test_searchquery_command_escapes_values():
    assert search_command("deploy friday").format() == r"SEARCH text=deploy\sfriday;limit=100"
    assert search_command(" a;b\\c ", "#dev", 5).format() == r"SEARCH in=#dev;text=a\:b\\c;limit=5"


def test_searchquery_command_nothing_to_look_for():
    assert search_command("?!") is None
    with pytest.raises(SearchError):
        search_command(" ".join(["w"] * 17))


def test_searchquery_server_hits_conversations():
    lines = [parse(line) for line in (
        "@time=2026-03-04T05:06:07.000Z;msgid=a :bob!b@h PRIVMSG #dev :in the channel",
        "@time=2026-03-04T05:06:08.000Z;msgid=b :bob!b@h PRIVMSG me :to me",
        "@time=2026-03-04T05:06:09.000Z;msgid=c :me!m@h PRIVMSG Carol :from me",
        "@msgid=d :bob!b@h NOTICE #dev :\x01ACTION waves\x01",
        ":srv 400 me :not a message",
    )]
    hits = server_hits(lines, lambda nick: nick == "me", lambda name: name.startswith("#"))
    assert [(h.conversation, h.sender, h.text, h.msgid, h.private) for h in hits] == [
        ("#dev", "bob", "* waves", "d", False), ("Carol", "me", "from me", "c", True),
        ("bob", "bob", "to me", "b", True), ("#dev", "bob", "in the channel", "a", False)]
    assert hits[-1].time.tzinfo is None and hits[-1].time.second == 7


def test_searchquery_merge_once_newest_first():
    cached = [Hit("#Dev", T, "bob", "one", "a", False), Hit("#dev", T.replace(second=8), "x",
                                                             "no id", "", False)]
    server = [Hit("#dev", T, "bob", "one", "a", False),
              Hit("bob", T.replace(second=9), "bob", "newest", "z", True)]
    assert [h.text for h in merge(cached, server)] == ["newest", "no id", "one"]
    same = [Hit("#a", T, "x", "second", "2", False), Hit("#a", T, "x", "first", "1", False)]
    assert [h.text for h in merge(same)] == ["second", "first"]
