"""The answers to /mode and /invite, replayed through dispatch(): a channel's modes and its ban,
exception and invite-exception lists, and invites, read as lines in that channel's
conversation."""

from app.models import events as ev
from tests.app.models.handlers.test_table import make_state, replay


def lines(events: list[ev.Event]) -> list[tuple[str, str]]:
    return [(e.entry.target, e.entry.text) for e in events if isinstance(e, ev.MessageReceived)]


def test_modereplies_modes_and_lists_read_as_lines_in_the_channel():
    state = make_state()
    replay(state, ":me!u@h JOIN #den")
    events, _ = replay(
        state, ":srv 324 me #den +ntkl sesame 10", ":srv 329 me #den 1764633600",
        ":srv 367 me #den bob!*@* op!o@h 1764633600", ":srv 367 me #den $a:carol",
        ":srv 368 me #den :End of channel ban list",
        ":srv 348 me #den carol!*@* op!o@h 1764633600",
        ":srv 349 me #den :End of channel exception list",
        ":srv 346 me #den *!*@lan op!o@h 1764633600",
        ":srv 347 me #den :End of Channel Invite Exception List")
    assert lines(events) == [
        ("#den", "Modes of #den: +ntkl sesame 10"),
        ("#den", "Banned in #den: bob!*@* (set by op, 2025-12-02 00:00 UTC)"),
        ("#den", "Banned in #den: $a:carol"),
        ("#den", "End of the ban list of #den"),
        ("#den", "Ban exception in #den: carol!*@* (set by op, 2025-12-02 00:00 UTC)"),
        ("#den", "End of the ban exception list of #den"),
        ("#den", "Invite exception in #den: *!*@lan (set by op, 2025-12-02 00:00 UTC)"),
        ("#den", "End of the invite exception list of #den"),
    ]


def test_modereplies_of_a_channel_we_are_not_in_go_to_the_servers_log():
    events, _ = replay(make_state(), ":srv 324 me #else +nt")
    assert lines(events) == [("", "Modes of #else: +nt")]


def test_modereplies_invites_we_sent_got_and_saw():
    state = make_state()
    replay(state, ":me!u@h JOIN #den")
    events, _ = replay(state, ":srv 341 me bob #den", ":op!o@h INVITE me #vip",
                       ":op!o@h INVITE carol #den")
    assert lines(events) == [("#den", "You invited bob to #den"), ("", "op invites you to #vip"),
                             ("#den", "op invited carol to #den")]
