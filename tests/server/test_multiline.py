"""draft/multiline on the server's sans-I/O core: a batch relayed as a batch (one msgid, on the
BATCH open) to clients with the capability and as plain lines to the others, the echo and its
label, ONE message in history replayed either way, and every refusal (FAIL BATCH ...)."""

from __future__ import annotations

import pytest

from ircproto.message import Message
from server.multiline import CAP_VALUE, MAX_BYTES, MAX_LINES
from server.state import Client
from tests.server.fakes import Harness
from tests.server.test_caps import joined
from tests.server.test_chathistory import StepClock

ML_CAPS = ("batch", "draft/multiline", "message-tags", "server-time", "echo-message",
           "labeled-response", "draft/chathistory", "account-tag")
PLAIN_CAPS = ("batch", "message-tags", "server-time", "draft/chathistory")


def setup() -> tuple[Harness, Client, Client, Client]:
    """alice and bob (with draft/multiline) and carol (without), logged in, in #lobby."""
    h = Harness()
    h.state.history.clock = StepClock()
    alice, bob, carol = (h.log_in("alice", *ML_CAPS), h.log_in("bob", *ML_CAPS),
                         h.log_in("carol", *PLAIN_CAPS))
    h.drain()
    return h, alice, bob, carol


def batch(ref: str, target: str, *lines: str, open_tags: str = "") -> list[str]:
    """The lines of a client's multiline batch: each of lines is `[concat|] text`."""
    sent = [f"{open_tags}BATCH +{ref} draft/multiline {target}"]
    for line in lines:
        concat, text = line.startswith("|"), line.removeprefix("|")
        tag = ";draft/multiline-concat" if concat else ""
        sent.append(f"@batch={ref}{tag} PRIVMSG {target} :{text}")
    return [*sent, f"BATCH -{ref}"]


def fails(replies: list[Message]) -> list[tuple[str, ...]]:
    return [m.params[1:-1] for m in replies if m.command == "FAIL" and m.params[0] == "BATCH"]


def test_multiline_cap_advertises_its_limits():
    h = Harness()
    reply = h.send(h.connect(), "CAP LS 302")
    listed = dict(item.partition("=")[::2] for item in reply[0].params[-1].split())
    assert listed["draft/multiline"] == CAP_VALUE == f"max-bytes={MAX_BYTES},max-lines={MAX_LINES}"


def test_multiline_batch_to_cap_clients_lines_to_others_echo_labeled_on_the_open():
    h, alice, bob, carol = setup()
    echo = h.send(alice, *batch("a1", "#lobby", "hello", "", "how is ", "|everyone?",
                                open_tags="@label=L1;+draft/reply=p1 "))
    got = h.peek(bob)
    start, *inner, end = got
    assert start.command == "BATCH" and start.params[1:] == ("draft/multiline", "#lobby")
    assert start.source == alice.prefix and start.tags["msgid"] and start.tags["time"]
    assert start.tags["+draft/reply"] == "p1" and start.tags["account"] == "alice"
    ref = start.params[0][1:]
    assert [(m.command, m.params, m.tags.get("batch"), "draft/multiline-concat" in m.tags)
            for m in inner] == [
        ("PRIVMSG", ("#lobby", "hello"), ref, False), ("PRIVMSG", ("#lobby", ""), ref, False),
        ("PRIVMSG", ("#lobby", "how is "), ref, False),
        ("PRIVMSG", ("#lobby", "everyone?"), ref, True)]
    assert all("msgid" not in m.tags for m in inner) and end.params == (f"-{ref}",)
    plain = h.peek(carol)  # no blank line, the msgid on the first only
    assert [m.params for m in plain] == [("#lobby", "hello"), ("#lobby", "how is "),
                                         ("#lobby", "everyone?")]
    assert plain[0].tags["msgid"] == start.tags["msgid"] and plain[0].tags["+draft/reply"] == "p1"
    assert all("msgid" not in m.tags and "batch" not in m.tags for m in plain[1:])
    assert echo[0].tags["label"] == "L1" and echo[0].tags["msgid"] == start.tags["msgid"]
    assert all("label" not in m.tags for m in echo[1:]) and len(echo) == len(got)
    assert not fails(echo)


def test_multiline_label_on_the_close_and_no_echo_gets_an_ack():
    h = Harness()
    alice = h.log_in("alice", "batch", "draft/multiline", "labeled-response")
    lines = batch("b", "#lobby", "one", "two")
    reply = h.send(alice, *lines[:-1], "@label=L2 " + lines[-1])
    assert [(m.command, m.tags.get("label")) for m in reply] == [("ACK", "L2")]


def test_multiline_is_stored_as_one_message_and_replayed_both_ways():
    h, alice, bob, carol = setup()
    h.send(alice, *batch("c", "#lobby", "line one", "", "to", "|gether"))
    h.drain()
    stored = h.state.history.before("#lobby", (1 << 62, 1 << 62), 10)
    assert [(s.text, s.lines) for s in stored] == [
        ("line one\n\ntogether", [("line one", False), ("", False), ("to", False),
                                   ("gether", True)])]
    replay = h.send(bob, "CHATHISTORY LATEST #lobby * 10")
    outer = replay[0].params[0][1:]
    nested = replay[1]
    assert nested.command == "BATCH" and nested.params[1:] == ("draft/multiline", "#lobby")
    assert nested.tags["batch"] == outer and nested.tags["msgid"] == stored[0].msgid
    assert [m.params[1] for m in replay[2:6]] == ["line one", "", "to", "gether"]
    assert replay[6].params == (f"-{nested.params[0][1:]}",) and replay[6].tags["batch"] == outer
    assert replay[7].params == (f"-{outer}",)
    lines = h.send(carol, "CHATHISTORY LATEST #lobby * 10")[1:-1]
    assert [m.params[1] for m in lines] == ["line one", "to", "gether"]
    assert lines[0].tags["msgid"] == stored[0].msgid and "msgid" not in lines[1].tags


def test_multiline_private_message_to_a_nick():
    h, alice, bob, _carol = setup()
    h.send(alice, *batch("d", "bob", "hi", "there"))
    got = h.peek(bob)
    assert got[0].params[1:] == ("draft/multiline", "bob") and len(got) == 4
    assert [m.params[1] for m in h.send(bob, "CHATHISTORY LATEST alice * 5")[2:4]] == [
        "hi", "there"]


@pytest.mark.parametrize(("lines", "code"), [
    (batch("e", "#lobby", *["x"] * (MAX_LINES + 1)), ("MULTILINE_MAX_LINES", str(MAX_LINES))),
    (batch("e", "#lobby", *["y" * 400] * 11), ("MULTILINE_MAX_BYTES", str(MAX_BYTES))),
    (["BATCH +e draft/multiline #lobby", "@batch=e PRIVMSG #other :hi", "BATCH -e"],
     ("MULTILINE_INVALID_TARGET", "#lobby", "#other")),
    (["BATCH +e draft/multiline #lobby", "@batch=e PRIVMSG #lobby :hi",
      "@batch=e NOTICE #lobby :ho", "BATCH -e"], ("MULTILINE_INVALID",)),
    (batch("e", "#lobby", "hello ", "|", "there"), ("MULTILINE_INVALID",)),
    (batch("e", "#lobby", "", ""), ("MULTILINE_INVALID",)),
    (["BATCH +e draft/multiline #lobby", "BATCH -e"], ("MULTILINE_INVALID",)),
    (["BATCH +e draft/multiline #lobby", "@batch=e BATCH +f draft/multiline #lobby",
      "BATCH -e"], ("MULTILINE_INVALID",)),
    (["BATCH +e draft/multiline #lobby", "BATCH +f draft/multiline #lobby", "BATCH -f"],
     ("MULTILINE_INVALID",)),
    (["BATCH +e other/type #lobby", "@batch=e PRIVMSG #lobby :hi", "BATCH -e"],
     ("MULTILINE_INVALID",)),
    (["@batch=zz PRIVMSG #lobby :hi"], ("MULTILINE_INVALID",)),
    (["BATCH -zz"], ("MULTILINE_INVALID",)),
    (["BATCH e"], ("MULTILINE_INVALID",)),
])
def test_multiline_refusals_fail_once_and_deliver_nothing(lines: list[str], code: tuple[str, ...]):
    h, alice, bob, carol = setup()
    reply = h.send(alice, *lines)
    assert fails(reply) == [code], reply
    assert h.peek(bob) == [] and h.peek(carol) == []
    assert h.state.history.before("#lobby", (1 << 62, 1 << 62), 10) == []


def test_multiline_needs_the_capability():
    h = Harness()
    alice = joined(h, "alice", "batch")
    reply = h.send(alice, *batch("g", "#lobby", "hi"))
    assert fails(reply) == [("MULTILINE_INVALID",)]


def test_multiline_to_nobody_gets_the_numeric():
    h, alice, _bob, _carol = setup()
    reply = h.send(alice, *batch("h", "nobody", "hi"))
    assert [m.command for m in reply] == ["401"]


def test_multiline_batch_left_open_at_quit_is_dropped():
    h, alice, bob, _carol = setup()
    h.send(alice, "BATCH +q draft/multiline #lobby", "@batch=q PRIVMSG #lobby :half")
    assert alice.batch is not None
    h.send(alice, "QUIT :bye")
    assert [m.command for m in h.peek(bob)] == ["QUIT"]
    assert h.state.history.before("#lobby", (1 << 62, 1 << 62), 10) == []



def test_multiline_reaches_the_senders_other_device_its_own_way():
    h = Harness()
    phone = h.log_in("bob", "batch", "draft/multiline")
    laptop = h.log_in("bob", "batch", "draft/multiline", account="bob")
    desk = h.log_in("bob", "message-tags", account="bob")
    assert phone.devices == [laptop, desk]
    h.drain()
    assert h.send(phone, *batch("j", "#lobby", "a", "b")) == []  # no echo-message: no echo
    assert [m.command for m in h.peek(laptop)] == ["BATCH", "PRIVMSG", "PRIVMSG", "BATCH"]
    assert [m.params[1] for m in h.peek(desk)] == ["a", "b"]
    h.send(laptop, *batch("k", "#lobby", "c"))
    assert [m.command for m in h.peek(phone)] == ["BATCH", "PRIVMSG", "BATCH"]


def test_multiline_notice_batch_is_relayed_and_never_answered_with_an_error():
    h, alice, bob, carol = setup()
    lines = ["BATCH +n draft/multiline #lobby", "@batch=n NOTICE #lobby :one",
             "@batch=n NOTICE #lobby :two", "BATCH -n"]
    h.send(alice, *lines)
    assert [m.command for m in h.peek(bob)] == ["BATCH", "NOTICE", "NOTICE", "BATCH"]
    assert [m.params[1] for m in h.peek(carol)] == ["one", "two"]
    to_nobody = [line.replace("#lobby", "nobody") for line in lines]
    assert h.send(alice, *to_nobody) == []


def test_multiline_label_of_the_open_is_answered_by_a_later_fail():
    h, alice, _bob, _carol = setup()
    lines = batch("l", "#lobby", *["x"] * (MAX_LINES + 1), open_tags="@label=L3 ")
    reply = h.send(alice, *lines)
    assert [(m.command, m.tags.get("label")) for m in reply] == [("FAIL", "L3")]
    reply = h.send(alice, *batch("m", "#lobby", "", open_tags="@label=L4 "))
    assert [(m.command, m.tags.get("label")) for m in reply] == [("FAIL", "L4")]


def test_multiline_a_banned_member_is_refused_404_and_a_bots_batch_carries_the_bot_tag():
    h, alice, bob, _carol = setup()
    h.send(alice, "MODE #lobby +b bob")  # alice, the first in #lobby, is its operator
    h.drain()
    replies = h.send(bob, *batch("b1", "#lobby", "let me", "in"))
    assert [m.command for m in replies] == ["404"]
    assert h.peek(alice) == []
    h.send(alice, "MODE alice +B")
    h.drain()
    h.send(alice, *batch("b2", "#lobby", "beep", "boop"))
    start = h.peek(bob)[0]
    assert start.command == "BATCH" and "bot" in start.tags
