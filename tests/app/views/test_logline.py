"""How log entries read: timestamps, nicks, kinds, private and own lines, formatting codes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.models.log import EntryKind, LogEntry
from app.views.logline import clock, entry_line, entry_runs, insert_args, nick_tag, plain_text

T0 = datetime(2026, 11, 24, 9, 41)


def make(sender: str, text: str, kind: EntryKind = EntryKind.CHAT, target: str = "#lobby",
         **flags: bool) -> LogEntry:
    return LogEntry(T0, sender, target, text, kind, **flags)


def test_entry_line_chat_shows_time_nick_and_text() -> None:
    assert entry_line(make("bob", "hi all")) == "09:41  <bob> hi all"


def test_entry_line_action_reads_as_star_nick() -> None:
    assert entry_line(make("dave", "waves", EntryKind.ACTION)) == "09:41  * dave waves"


def test_entry_line_notice_system_and_error_are_marked() -> None:
    assert entry_line(make("srv", "welcome", EntryKind.NOTICE)) == "09:41  -srv- welcome"
    assert entry_line(make("", "bob left", EntryKind.SYSTEM)) == "09:41  — bob left"
    assert entry_line(make("", "No such nick", EntryKind.ERROR)) == "09:41  ! No such nick"


def test_entry_line_private_messages_name_the_direction() -> None:
    incoming = make("bob", "psst", target="alice", private=True)
    outgoing = make("alice", "ok", target="bob", private=True, own=True)
    assert entry_line(incoming) == "09:41  [private] <bob> psst"
    assert entry_line(outgoing) == "09:41  [to bob] <alice> ok"


def test_entry_runs_tag_the_whole_line_for_own_and_private() -> None:
    runs = entry_runs(make("alice", "ok", target="bob", private=True, own=True))
    assert all({"own", "private"} <= set(tags) for _, tags in runs)
    assert runs[-1][0] == "\n"


def test_entry_runs_style_kinds_apart() -> None:
    def tags_of(entry: LogEntry) -> set[str]:
        return {tag for _, tags in entry_runs(entry) for tag in tags}

    assert "error" in tags_of(make("", "bad", EntryKind.ERROR))
    assert "system" in tags_of(make("", "joined", EntryKind.SYSTEM))
    assert "action" in tags_of(make("dave", "waves", EntryKind.ACTION))
    chat = tags_of(make("bob", "hi"))
    assert {"chat", "nick", nick_tag("bob")} <= chat and "own" not in chat


def test_nick_tag_is_the_same_for_every_spelling() -> None:
    assert nick_tag("Alice[1]") == nick_tag("alice{1}")
    assert {nick_tag(n) for n in ("alice", "bob", "carol", "dave", "erin", "frank")} != {
        nick_tag("alice")}


def test_plain_text_strips_irc_formatting_and_shows_control_characters() -> None:
    assert plain_text("\x02bold\x02 \x0304,12red\x03 \x1ditalic\x0f") == "bold red italic"
    assert plain_text("a\x07b\nc") == "a\ufffdb\ufffdc"
    assert entry_line(make("bob", "two\nlines")).count("\n") == 0


def test_clock_shows_aware_times_in_local_time() -> None:
    aware = datetime(2026, 11, 24, 9, 41, tzinfo=timezone.utc)
    assert clock(aware) == aware.astimezone().strftime("%H:%M")
    assert clock(T0 + timedelta(minutes=5)) == "09:46"


def test_insert_args_pairs_text_with_tags_for_every_entry() -> None:
    args = insert_args([make("bob", "one"), make("carol", "two")])
    texts = args[0::2]
    assert "".join(texts) == "09:41  <bob> one\n09:41  <carol> two\n"
    assert all(isinstance(tags, tuple) for tags in args[1::2])
