"""Parser and formatter tests, including the irc-parser-tests community vectors."""

import pytest
from parser_tests.data import msg_join, msg_split

from ircproto.message import Message, MessageError, parse


@pytest.mark.parametrize("case", msg_split["tests"], ids=lambda c: c["input"][:40])
def test_parse_matches_msg_split_vector(case):
    message = parse(case["input"])
    atoms = case["atoms"]
    assert dict(message.tags) == atoms.get("tags", {})
    assert message.source == atoms.get("source")
    assert message.command == atoms["verb"]
    assert list(message.params) == atoms.get("params", [])


@pytest.mark.parametrize("case", msg_join["tests"], ids=lambda c: c.get("desc", "")[:40])
def test_format_matches_msg_join_vector(case):
    atoms = case["atoms"]
    message = Message(atoms["verb"], atoms.get("params", []), atoms.get("source"),
                      atoms.get("tags", {}))
    assert message.format() in case["matches"]


@pytest.mark.parametrize("line", ["", "   ", "@a=b", ":src", "@a :src"])
def test_parse_without_command_raises(line):
    with pytest.raises(MessageError):
        parse(line)


@pytest.mark.parametrize("bad", ["a\rb", "a\nb", "a\0b"])
def test_message_rejects_cr_lf_nul_in_any_param(bad):
    with pytest.raises(MessageError):
        Message("PRIVMSG", ("#lobby", bad))
    with pytest.raises(MessageError):
        Message("PRIVMSG", (bad, "text"))


@pytest.mark.parametrize("middle", ["has space", "", ":colon"])
def test_message_rejects_bad_middle_param(middle):
    with pytest.raises(MessageError):
        Message("MODE", (middle, "+o"))


@pytest.mark.parametrize("command", ["", "PRIV MSG", "PRIV\nMSG", "NÏCK"])
def test_message_rejects_bad_command(command):
    with pytest.raises(MessageError):
        Message(command)


def test_message_rejects_source_with_space_and_bad_tag_key():
    with pytest.raises(MessageError):
        Message("PING", ("x",), source="a b")
    with pytest.raises(MessageError):
        Message("PING", ("x",), tags={"a;b": "1"})


def test_message_round_trips_tags_with_every_escape():
    original = Message("PRIVMSG", ("#lobby", "hi there"), "bob!b@h",
                       {"+x": "a;b c\\d\r\n", "k": ""})
    line = original.format()
    assert "\r" not in line and "\n" not in line
    assert parse(line) == original


def test_message_encode_ends_with_crlf_and_is_utf8():
    assert Message("PRIVMSG", ("#lobby", "héllo")).encode() == "PRIVMSG #lobby héllo\r\n".encode()


def test_message_is_frozen_and_tags_read_only():
    message = parse("@a=1 PING x")
    with pytest.raises(AttributeError):
        message.command = "PONG"
    with pytest.raises(TypeError):
        message.tags["a"] = "2"


def test_message_param_and_verb_helpers():
    message = parse(":srv privmsg #lobby :hello world")
    assert message.verb == "PRIVMSG"
    assert message.param(1) == "hello world"
    assert message.param(5, "none") == "none"


def test_unknown_escape_keeps_char_and_trailing_backslash_is_dropped():
    assert parse("@a=x\\y\\ CMD").tags["a"] == "xy"


def test_with_first_param_is_the_message_built_with_that_param():
    template = Message("005", ("*", "NETWORK=x", "are supported"), "srv", {"time": "t"})
    copy = template.with_first_param("alice")
    assert copy == Message("005", ("alice", "NETWORK=x", "are supported"), "srv", {"time": "t"})
    assert copy.encode() == b"@time=t :srv 005 alice NETWORK=x :are supported\r\n"
    assert template.params[0] == "*"  # the template is untouched
    with pytest.raises(AttributeError):
        copy.command = "006"  # still frozen


@pytest.mark.parametrize("first", ["", "has space", ":colon", "a\rb", "a\nb", "a\0b"])
def test_with_first_param_rejects_what_a_middle_param_cannot_be(first):
    with pytest.raises(MessageError):
        Message("001", ("*", "Welcome")).with_first_param(first)


def test_with_first_param_needs_a_param_after_the_first():
    with pytest.raises(MessageError):
        Message("PING", ("token",)).with_first_param("other")
