"""Handler table tests: replay raw lines through dispatch() onto a plain SessionState."""

from datetime import datetime

from app.models import events as ev
from app.models.entries import EntryMaker
from app.models.features import ServerFeatures
from app.models.handlers.table import COMMANDS, NUMERIC, UNKNOWN, command_for, dispatch
from app.models.log import EntryKind
from app.models.roster import ChannelRoster
from app.models.sessionstate import SessionState, nick_of
from ircproto.message import parse

T0 = datetime(2026, 1, 2, 3, 4, 5)


def make_state(nick: str = "me") -> SessionState:
    features = ServerFeatures()
    return SessionState(nick, EntryMaker(lambda: T0), features, ChannelRoster(features))


def replay(state: SessionState, *lines: str) -> tuple[list[ev.Event], list[str]]:
    events: list[ev.Event] = []
    outgoing: list[str] = []
    for line in lines:
        out = dispatch(state, parse(line))
        events.extend(out.events)
        outgoing.extend(message.format() for message in out.outgoing)
    return events, outgoing


def test_table_names_each_handler_after_its_command_or_its_group():
    for verb, command in COMMANDS.items():
        name = command.handler.__name__
        assert name == f"handle_{verb.lower()}" or name in (
            "handle_nick_refused", "handle_sasl_failed", "handle_quietly", "handle_trailing",
            "handle_standard_reply", "handle_join_refused", "handle_list_entry",
            "handle_list_end"), verb


def test_table_gives_other_numerics_and_commands_a_generic_handler():
    assert command_for("PRIVMSG") is COMMANDS["PRIVMSG"]
    assert command_for("372") is NUMERIC and command_for("WALLOPS") is UNKNOWN


def test_table_dispatch_refuses_a_line_short_of_params_once():
    events, _ = replay(make_state(), ":bob!b@h KICK #lobby")
    [event] = events
    assert isinstance(event, ev.MessageReceived) and event.entry.kind is EntryKind.ERROR
    assert event.entry.text.startswith("Ignored a malformed KICK")


def test_table_dispatch_checks_numerics_params_too():
    [event] = replay(make_state(), ":srv 353 me = :alice")[0]
    assert isinstance(event, ev.MessageReceived) and event.entry.kind is EntryKind.ERROR


def test_table_join_then_part_updates_the_plain_state():
    state = make_state()
    events, _ = replay(state, ":me!u@h JOIN #lobby", ":bob!b@h JOIN #lobby")
    assert state.roster.names() == ["#lobby"]
    assert ev.UserJoined("#lobby", "bob") in events
    replay(state, ":me!u@h PART #lobby")
    assert state.roster.names() == []


def test_table_welcome_registers_and_fallback_nick_is_tried_before():
    state = make_state()
    state.fallback_nicks.append("me_")
    _, out = replay(state, ":srv 433 * me :Nickname is already in use")
    assert out == ["NICK me_"] and state.nick == "me_"
    replay(state, ":srv 001 me_ :Welcome")
    assert state.registered and state.server == "srv"


def test_table_421_for_cap_turns_negotiation_off_quietly():
    state = make_state()
    events, _ = replay(state, ":srv 421 * CAP :Unknown command")
    assert events == [] and not state.caps.enabled
    events, _ = replay(state, ":srv 421 me FOO :Unknown command")
    assert [e.entry.kind for e in events if isinstance(e, ev.MessageReceived)] == [
        EntryKind.ERROR]


def test_table_unknown_command_is_shown_as_it_came():
    [event] = replay(make_state(), ":srv WALLOPS :hello all")[0]
    assert isinstance(event, ev.MessageReceived)
    assert event.entry.text == "[:srv WALLOPS :hello all]"


def test_table_local_and_global_users_show_their_text_once():
    events, _ = replay(make_state(), ":srv 265 me 3 7 :Current local users 3, max 7",
                       ":srv 266 me :Current global users 3, max 7")
    assert [e.entry.text for e in events if isinstance(e, ev.MessageReceived)] == [
        "Current local users 3, max 7", "Current global users 3, max 7"]


def test_table_nick_of_reads_the_source():
    assert (nick_of("bob!b@h"), nick_of("irc.local"), nick_of(None)) == ("bob", "irc.local", "")
