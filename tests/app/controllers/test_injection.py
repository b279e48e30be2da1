"""Input injection: CR, LF or NUL typed or pasted into the input, or inside any slash command's
argument, never puts a second IRC command on the wire; only the intended lines leave, and a
refusal is a clear local error line."""

import pytest

from app.models.log import EntryKind
from ircproto.framing import LineDecoder
from ircproto.message import Message

PAYLOADS = ("hi\r\nQUIT :x", "#a\nJOIN #b", "x\rPRIVMSG bob :y", "a\0NICK evil", "\r\nQUIT")


def wire(sent: list[Message]) -> list[Message]:
    """What a server would read from the bytes sent, line by line."""
    data = b"".join(message.encode() for message in sent)
    decoded = LineDecoder().feed(data)
    assert all(isinstance(item, Message) for item in decoded), decoded
    return decoded


def errors(rig) -> list[str]:
    return [entry.text for entry in rig.view.entries if entry.kind is EntryKind.ERROR]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_plain_text_sends_only_privmsgs_to_the_channel(rig, payload):
    rig.online()
    rig.controller.on_send(payload)
    lines = wire(rig.conn.sent)
    assert {m.command for m in lines} <= {"PRIVMSG"}
    assert all(m.params[0] == "#lobby" for m in lines)
    typed = payload.replace("\0", "").replace("\r", "\n").split("\n")
    assert [m.params[1] for m in lines] == [part for part in typed if part.strip()]


@pytest.mark.parametrize("command", ["nick", "join", "topic", "part", "quit", "users", "help",
                                     "forget-cert"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_one_line_commands_refuse_line_breaks(rig, command, payload):
    rig.online()
    before = len(rig.view.entries)
    rig.controller.on_send(f"/{command} {payload}")
    assert rig.conn.sent == [] and not rig.view.closed
    assert errors(rig)[-1] == (f"/{command} takes one line: remove the line breaks "
                               f"(nothing was sent)")
    assert len(rig.view.entries) == before + 1
    assert rig.view.called("clear_input") == []  # the typed text stays, to be fixed


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_me_sends_one_action_per_typed_line(rig, payload):
    rig.online()
    rig.controller.on_send(f"/me {payload}")
    lines = wire(rig.conn.sent)
    assert {m.command for m in lines} <= {"PRIVMSG"}
    assert all(m.params[0] == "#lobby" and m.params[1].startswith("\x01ACTION ")
               for m in lines)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_msg_text_stays_private_messages_to_the_target(rig, payload):
    rig.online()
    rig.controller.on_send(f"/msg bob {payload}")
    lines = wire(rig.conn.sent)
    assert lines and {m.command for m in lines} == {"PRIVMSG"}
    assert {m.params[0] for m in lines} == {"bob"}


@pytest.mark.parametrize("target", ["bob\r\nQUIT", "#a\nJOIN", "bob\0x"])
def test_injection_msg_target_with_a_line_break_is_refused(rig, target):
    rig.online()
    rig.controller.on_send(f"/msg {target} hello")
    assert rig.conn.sent == []
    assert errors(rig)[-1] == "A nick or channel cannot hold a line break; nothing was sent"


@pytest.mark.parametrize("text", ["/nick\r\nQUIT :x", "/join\n#b", "/x\0y"])
def test_injection_line_break_in_the_command_name_is_refused(rig, text):
    rig.online()
    rig.controller.on_send(text)
    assert rig.conn.sent == []
    assert errors(rig)[-1] == "A command name cannot hold a line break; nothing was sent"


def test_injection_double_slash_text_is_plain_text(rig):
    rig.online()
    rig.controller.on_send("//etc\r\nQUIT :x")
    assert [(m.command, m.params[1]) for m in wire(rig.conn.sent)] == [
        ("PRIVMSG", "/etc"), ("PRIVMSG", "QUIT :x")]


def test_injection_trailing_newline_of_a_pasted_command_is_harmless(rig):
    rig.online()
    rig.controller.on_send("/nick newme\r\n")
    assert [m.format() for m in wire(rig.conn.sent)] == ["NICK newme"]


def test_injection_a_refused_message_is_an_error_line_not_a_crash(rig, monkeypatch):
    rig.online()

    def bad_speech(target: str, text: str, *more: object):
        return Message("PRIVMSG", (target, "a\r\nQUIT"))  # raises MessageError

    monkeypatch.setattr(rig.controller.session, "speech", bad_speech)
    rig.controller.on_send("hello")
    assert rig.conn.sent == [] and not rig.view.closed
    assert errors(rig)[-1] == "Not sent: param 1 contains CR, LF or NUL"
