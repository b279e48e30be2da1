"""labeled-response for messages to oneself and unknown commands, the 417 tag limits, and
draft/no-implicit-names, at the wire (one shared server)."""

from __future__ import annotations

import pytest

from tests.server.ircclient import RawClient

LABELS = "labeled-response batch message-tags"


def next_line(raw: RawClient, text: str) -> None:
    """Nothing else arrives before the PONG to a PING with text (replies keep their order)."""
    raw.send(f"PING :{text}")
    assert raw.expect(command="PONG", skip=False).params[1] == text


def test_label_on_a_privmsg_to_oneself_without_echo_is_an_ack(client):
    alice = client("lba", caps=LABELS)
    alice.send("@label=L1 PRIVMSG lba :note to self")
    delivered = alice.expect(command="PRIVMSG", skip=False)
    assert "label" not in delivered.tags and delivered.params == ("lba", "note to self")
    ack = alice.expect(command="ACK", skip=False)
    assert ack.tags["label"] == "L1"
    next_line(alice, "after")


def test_label_on_a_privmsg_to_oneself_with_echo_goes_on_the_echo(client):
    alice = client("lbb", caps=f"{LABELS} echo-message")
    alice.send("@label=L2 PRIVMSG LBB :twice")
    delivered = alice.expect(command="PRIVMSG", skip=False)
    echo = alice.expect(command="PRIVMSG", skip=False)
    assert "label" not in delivered.tags and echo.tags["label"] == "L2"
    assert delivered.tags["msgid"] == echo.tags["msgid"]
    next_line(alice, "after")


@pytest.mark.parametrize("line", ["NOTICE lbc :quiet", "@+typing=active TAGMSG lbc"])
def test_label_on_a_notice_or_tagmsg_to_oneself(client, line):
    alice = client("lbc", caps=LABELS)
    alice.send(f"@label=L3;{line[1:]}" if line.startswith("@") else f"@label=L3 {line}")
    delivered = alice.expect(skip=False)
    assert delivered.command in ("NOTICE", "TAGMSG") and "label" not in delivered.tags
    assert alice.expect(command="ACK", skip=False).tags["label"] == "L3"


def test_label_on_an_unknown_command_and_on_a_batch_of_replies(client):
    alice = client("lbd", caps=LABELS)
    alice.send("@label=L4 FROBNICATE now")
    unknown = alice.expect(command="421", skip=False)
    assert unknown.tags["label"] == "L4" and unknown.params[1] == "FROBNICATE"
    alice.send("@label=L5 WHOIS lbd")
    start = alice.expect(command="BATCH", skip=False)
    assert start.tags["label"] == "L5" and start.params[1] == "labeled-response"
    replies = alice.collect_until("BATCH")
    assert replies[-2].command == "318"
    assert all(m.tags.get("batch") == start.params[0][1:] for m in replies[:-1])


def test_tag_data_over_4094_bytes_is_417_for_any_command(client):
    alice = client("lbe", caps=LABELS)
    alice.send(f"@+big={'x' * 4089} PING :fits")  # '+big=' and 4089 bytes: 4094 of tag data
    assert alice.expect(command="PONG").params[1] == "fits"
    alice.send(f"@+big={'x' * 4090} WHOIS lbe")  # 4095 bytes of tag data
    assert alice.expect(command="417", skip=False).params[1] == "Input line was too long"
    alice.send(f"@+big={'é' * 2045} PING :x")  # 2050 characters but 4095 bytes
    alice.expect(command="417", skip=False)
    alice.send(f"@+big={'x' * 9000} PING :x")  # over 8191 in all
    alice.expect(command="417", skip=False)
    next_line(alice, "still here")


def test_no_implicit_names_leaves_the_names_out_of_join(client):
    quiet = client("lbf", caps="draft/no-implicit-names")
    quiet.send("JOIN #lbquiet")
    assert quiet.expect(command="JOIN", skip=False).params[0] == "#lbquiet"
    next_line(quiet, "no names")
    quiet.send("NAMES #lbquiet")  # asked for, they come
    assert quiet.expect(command="353").params[-1] == "@lbf"
    loud = client("lbg")
    loud.send("JOIN #lbquiet")
    loud.expect(command="366")
