"""CommandBuilder tests: the lines we send, checked against the server's features."""

from datetime import datetime

import pytest

from app.models.commandbuilder import ACTION_WRAP, CommandBuilder, ctcp
from app.models.features import ServerFeatures
from app.models.userinput import InvalidInput
from ircproto.message import Message


def builder(*tokens: str) -> CommandBuilder:
    features = ServerFeatures()
    for token in tokens:
        features.apply(token)
    return CommandBuilder(features)


def test_commandbuilder_ctcp_frames_in_x01():
    assert ctcp("VERSION") == "\x01VERSION\x01"
    assert ctcp("ACTION", "waves") == "\x01ACTION waves\x01"
    assert ACTION_WRAP == len("\x01ACTION \x01")


def test_commandbuilder_registration_puts_cap_first():
    cap = [Message("CAP", ("LS", "302"))]
    lines = [m.format() for m in builder().registration("ann", "u", "Ann A", cap)]
    assert lines == ["CAP LS 302", "NICK ann", "USER u 0 * :Ann A"]
    assert builder().registration("ann", "u", "r", [])[0].format() == "NICK ann"


def test_commandbuilder_speech_splits_long_text_and_frames_actions():
    pieces = builder().speech("me", "#lobby", "word " * 200, action=False)
    assert len(pieces) > 1
    assert all(message.param(1) == piece for piece, message in pieces)
    [(piece, message)] = builder().speech("me", "bob", "waves", action=True)
    assert (piece, message.format()) == ("waves", "PRIVMSG bob :\x01ACTION waves\x01")


def test_commandbuilder_refuses_bad_targets_channels_and_nicks():
    with pytest.raises(InvalidInput):
        builder().speech("me", "bad nick", "hi", action=False)
    with pytest.raises(InvalidInput, match="starts with one of &"):
        builder("CHANTYPES=&").join("#lobby")
    with pytest.raises(InvalidInput):
        builder("NICKLEN=3").change_nick("toolong")
    with pytest.raises(InvalidInput, match="Not sent"):
        builder().part("#lobby", "line\nbreak")


def test_commandbuilder_simple_commands():
    build = builder()
    assert build.join("#lobby").format() == "JOIN #lobby"
    assert build.part("#lobby").format() == "PART #lobby"
    assert build.part("#lobby", "bye now").format() == "PART #lobby :bye now"
    assert build.change_nick("ann").format() == "NICK ann"
    assert build.topic("#lobby").format() == "TOPIC #lobby"
    assert build.topic("#lobby", "").format() == "TOPIC #lobby :"
    assert build.quit().format() == "QUIT"
    assert build.quit("later").format() == "QUIT later"


def test_commandbuilder_history_carries_the_servers_limit():
    build = builder("CHATHISTORY=50")
    assert build.history("LATEST", "#lobby", "*").format() == "CHATHISTORY LATEST #lobby * 50"
    moment = datetime(2026, 1, 2, 3, 4, 5)
    targets = build.history_targets(moment, moment).params
    assert targets[0] == "TARGETS" and targets[-1] == "50"
    assert all(param.startswith("timestamp=") for param in targets[1:3])
    assert build.mark_read("#lobby", moment).params[1].startswith("timestamp=")
