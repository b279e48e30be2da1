"""REDACT (draft/message-redaction) on the server's sans-I/O core: who may redact what (own,
channel operator, IRC operator, private copies), what goes from history (the row, its search
entry, the reactions to it), who is told, and each FAIL."""

from __future__ import annotations

from ircproto.message import Message
from server.state import Client
from tests.server.fakes import Harness
from tests.server.test_caps import joined
from tests.server.test_chathistory import StepClock

CAPS = ("batch", "server-time", "message-tags", "echo-message", "draft/chathistory",
        "draft/event-playback", "draft/message-redaction", "soju.im/search")
NO_REDACT = ("batch", "server-time", "message-tags", "draft/chathistory")


def setup() -> tuple[Harness, Client, Client, Client, Client]:
    """op (first in #lobby: its operator), alice and bob with the capability, carol without;
    all logged in."""
    h = Harness()
    h.state.history.clock = StepClock()
    op, alice, bob = (h.log_in(nick, *CAPS) for nick in ("op", "alice", "bob"))
    carol = h.log_in("carol", *NO_REDACT)
    h.drain()
    return h, op, alice, bob, carol


def said(h: Harness, client: Client, target: str, text: str) -> str:
    """client says text to target; its msgid."""
    echo = h.send(client, f"PRIVMSG {target} :{text}")
    h.drain()
    return echo[0].tags["msgid"]


def texts(h: Harness, client: Client, target: str) -> list[str]:
    replay = h.send(client, f"CHATHISTORY LATEST {target} * 50")[1:-1]
    return [m.params[-1] if m.command != "TAGMSG" else "<react>" for m in replay]


def searched(h: Harness, client: Client, words: str) -> list[str]:
    return [m.params[-1] for m in h.send(client, f"SEARCH text={words}")[1:-1]]


def fail(reply: list[Message]) -> tuple[str, ...]:
    assert reply and reply[0].command == "FAIL", reply
    return reply[0].params[:-1]


def test_redact_own_channel_message_goes_from_history_search_and_reactions():
    h, op, alice, bob, carol = setup()
    msgid = said(h, alice, "#lobby", "oops wrong window")
    said(h, bob, "#lobby", "unrelated")
    h.send(bob, f"@+reply={msgid};+draft/react=😂 TAGMSG #lobby")
    h.drain()
    echo = h.send(alice, f"REDACT #lobby {msgid} :typo")
    assert echo[0].command == "REDACT" and echo[0].params == ("#lobby", msgid, "typo")
    assert echo[0].source == alice.prefix and echo[0].tags["msgid"] != msgid
    assert h.peek(bob)[0].params == ("#lobby", msgid, "typo")
    assert h.peek(op)[0].command == "REDACT"
    assert h.peek(carol) == []  # without the capability: nothing
    assert texts(h, bob, "#lobby") == ["unrelated"]
    assert searched(h, bob, "oops") == []
    fts = h.state.history._db.execute(
        "SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'oops'").fetchone()[0]
    assert fts == 0  # the index entry went with the row (by trigger), not just the join
    assert h.state.history.message("#lobby", msgid) is None


def test_redact_needs_echo_message_for_the_sender_to_see_it():
    h = Harness()
    alice = h.log_in("alice", "message-tags", "draft/message-redaction")
    h.send(alice, "PRIVMSG #lobby :hi")
    msgid = h.state.history.before("#lobby", (1 << 62, 1 << 62), 1)[0].msgid
    assert h.send(alice, f"REDACT #lobby {msgid}") == []
    assert h.state.history.message("#lobby", msgid) is None


def test_redact_anothers_message_is_forbidden():
    h, _op, alice, bob, _carol = setup()
    msgid = said(h, alice, "#lobby", "mine")
    assert fail(h.send(bob, f"REDACT #lobby {msgid}")) == (
        "REDACT", "REDACT_FORBIDDEN", "#lobby", msgid)
    assert h.peek(alice) == [] and texts(h, alice, "#lobby") == ["mine"]


def test_redact_channel_operator_and_irc_operator_may_redact_anyones():
    h, op, alice, bob, _carol = setup()
    first, second = said(h, alice, "#lobby", "spam one"), said(h, alice, "#lobby", "spam two")
    h.send(op, f"REDACT #lobby {first} :spam")
    assert h.peek(alice)[0].source == op.prefix
    outsider = joined(h, "oper", "draft/message-redaction", "message-tags", "echo-message")
    h.send(outsider, "PART #lobby")
    outsider.modes.add("o")  # an IRC operator (OPER), not in the channel
    assert h.send(outsider, f"REDACT #lobby {second}")[0].command == "REDACT"
    assert texts(h, bob, "#lobby") == []


def test_redact_private_message_by_its_sender_goes_from_both_copies():
    h, _op, alice, bob, _carol = setup()
    msgid = said(h, alice, "bob", "secret")
    said(h, bob, "alice", "reply")
    h.send(alice, f"REDACT bob {msgid}")
    told = h.peek(bob)
    assert told[0].command == "REDACT" and told[0].params == ("bob", msgid)
    assert texts(h, alice, "bob") == ["reply"] and texts(h, bob, "alice") == ["reply"]
    assert searched(h, bob, "secret") == [] and searched(h, alice, "secret") == []


def test_redact_private_message_by_its_recipient_goes_from_its_own_copy_only():
    h, _op, alice, bob, _carol = setup()
    msgid = said(h, alice, "bob", "keep this")
    echo = h.send(bob, f"REDACT alice {msgid}")
    assert echo[0].command == "REDACT" and h.peek(alice) == []
    assert texts(h, bob, "alice") == [] and texts(h, alice, "bob") == ["keep this"]


def test_redact_a_reaction_by_its_msgid():
    h, _op, alice, bob, _carol = setup()
    parent = said(h, alice, "#lobby", "vote")
    echo = h.send(bob, f"@+reply={parent};+draft/react=👍 TAGMSG #lobby")
    h.send(bob, f"REDACT #lobby {echo[0].tags['msgid']}")
    assert texts(h, alice, "#lobby") == ["vote"]


def test_redact_failures():
    h, _op, alice, bob, _carol = setup()
    msgid = said(h, alice, "#lobby", "hello")
    h.send(bob, "JOIN #other")
    assert fail(h.send(alice, f"REDACT #nowhere {msgid}"))[:3] == (
        "REDACT", "INVALID_TARGET", "#nowhere")
    assert fail(h.send(alice, f"REDACT #other {msgid}"))[:3] == (
        "REDACT", "INVALID_TARGET", "#other")  # not a member: its msgids are not probed
    assert fail(h.send(alice, "REDACT #lobby nosuchid")) == (
        "REDACT", "UNKNOWN_MSGID", "#lobby", "nosuchid")
    assert fail(h.send(alice, f"REDACT bob {msgid}")) == (
        "REDACT", "UNKNOWN_MSGID", "bob", msgid)  # a channel msgid is not in the private copy
    guest = joined(h, "guest", "draft/message-redaction")
    assert fail(h.send(guest, f"REDACT alice {msgid}"))[:3] == (
        "REDACT", "INVALID_TARGET", "alice")
    assert [m.command for m in h.send(alice, "REDACT #lobby")] == ["461"]


def test_redact_guest_may_redact_its_own_channel_message():
    h = Harness()
    joined(h, "first")  # #lobby's operator
    guest = joined(h, "guest", "message-tags", "echo-message", "draft/message-redaction")
    other = joined(h, "other", "message-tags", "draft/message-redaction")
    msgid = h.send(guest, "PRIVMSG #lobby :mine")[0].tags["msgid"]
    assert fail(h.send(other, f"REDACT #lobby {msgid}"))[1] == "REDACT_FORBIDDEN"
    assert h.send(guest, f"REDACT #lobby {msgid}")[0].command == "REDACT"
