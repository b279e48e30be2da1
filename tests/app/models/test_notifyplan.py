"""The notification planner: which lines notify (private messages, mentions; never your own,
never history, never while you look at that conversation, never under do-not-disturb), in which
mode, and what the notification says."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from app.models.log import EntryKind, LogEntry
from app.models.notifyplan import (
    BODY_LIMIT,
    QUIET_SECONDS,
    Alert,
    NotifyMode,
    Situation,
    default_mode,
    plan,
)

T0 = datetime(2026, 12, 1, 21, 0, 0)
AWAY = Situation(focused=False, shown_key="#lobby")
LOOKING = Situation(focused=True, shown_key="#lobby")
ELSEWHERE = Situation(focused=True, shown_key="#dev")

PRIVATE = LogEntry(T0, "bob", "bob", "are you there?", private=True, msgid="m1")
CHANNEL = LogEntry(T0, "bob", "#lobby", "me: lunch?", msgid="m2")


def private(entry: LogEntry = PRIVATE, situation: Situation = AWAY,
            mode: NotifyMode = NotifyMode.ALL, last: datetime | None = None) -> Alert | None:
    return plan(entry, conversation="bob", key="bob", mention=False, mode=mode,
                situation=situation, last_alert=last)


def channel(entry: LogEntry = CHANNEL, situation: Situation = AWAY, mention: bool = True,
            mode: NotifyMode = NotifyMode.MENTIONS) -> Alert | None:
    return plan(entry, conversation="#lobby", key="#lobby", mention=mention, mode=mode,
                situation=situation)


def test_plan_private_message_notifies_with_sender_and_text() -> None:
    assert private() == Alert("bob", "bob", "are you there?")


def test_plan_mention_in_a_channel_names_the_channel() -> None:
    assert channel() == Alert("#lobby", "bob in #lobby", "me: lunch?")


def test_plan_channel_line_without_mention_does_not_notify_in_mentions_mode() -> None:
    assert channel(mention=False) is None


def test_plan_all_mode_notifies_for_any_channel_line() -> None:
    assert channel(mention=False, mode=NotifyMode.ALL) is not None


def test_plan_never_mode_silences_mentions_and_private_messages() -> None:
    assert channel(mode=NotifyMode.NEVER) is None
    assert private(mode=NotifyMode.NEVER) is None


def test_plan_private_chat_in_mentions_mode_needs_a_mention() -> None:
    assert private(mode=NotifyMode.MENTIONS) is None


def test_plan_defaults_all_for_private_chats_and_mentions_for_channels() -> None:
    assert default_mode(True) is NotifyMode.ALL
    assert default_mode(False) is NotifyMode.MENTIONS


def test_plan_never_for_replayed_history() -> None:
    assert private(replace(PRIVATE, replayed=True)) is None
    assert channel(replace(CHANNEL, replayed=True)) is None


def test_plan_never_for_our_own_lines() -> None:
    assert private(replace(PRIVATE, own=True)) is None
    assert channel(replace(CHANNEL, own=True, sender="me")) is None
    assert private(replace(PRIVATE, own=True, pending=True)) is None


@pytest.mark.parametrize("kind", [EntryKind.NOTICE, EntryKind.SYSTEM, EntryKind.ERROR])
def test_plan_notices_and_local_lines_do_not_notify(kind: EntryKind) -> None:
    assert private(replace(PRIVATE, kind=kind)) is None


def test_plan_not_while_the_user_looks_at_that_conversation() -> None:
    assert channel(situation=LOOKING) is None


def test_plan_when_focused_on_another_conversation() -> None:
    assert channel(situation=ELSEWHERE) is not None
    assert private(situation=LOOKING) is not None  # the private chat is not the one shown


def test_plan_when_the_window_is_not_focused_even_on_that_conversation() -> None:
    assert channel(situation=AWAY) is not None


def test_plan_do_not_disturb_silences_everything() -> None:
    quiet = replace(AWAY, dnd=True)
    assert channel(situation=quiet) is None
    assert private(situation=quiet) is None


def test_plan_a_conversation_that_just_notified_stays_quiet_for_a_while() -> None:
    assert private(last=T0 - timedelta(seconds=QUIET_SECONDS / 2)) is None
    assert private(last=T0 - timedelta(seconds=QUIET_SECONDS)) is not None
    assert private(last=T0 + timedelta(seconds=60)) is not None  # a clock set back


def test_plan_action_reads_as_an_action() -> None:
    alert = private(replace(PRIVATE, kind=EntryKind.ACTION, text="waves"))
    assert alert is not None and alert.body == "* bob waves"


def test_plan_body_drops_formatting_and_line_noise_and_is_cut() -> None:
    alert = private(replace(PRIVATE, text="\x02bold\x02   and \x0304red\x03 " + "x" * 500))
    assert alert is not None
    assert alert.body.startswith("bold and red xxx")
    assert len(alert.body) == BODY_LIMIT and alert.body.endswith("\u2026")
