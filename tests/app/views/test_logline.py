"""How log entries read: timestamps, nicks, kinds, private and own lines, formatting codes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.models.log import EntryKind, LogEntry
from app.views.logline import (
    MARKER_TEXT,
    PENDING_MARK,
    clock,
    entry_line,
    entry_runs,
    insert_args,
    line_count,
    nick_tag,
    plain_text,
    stamp,
)

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
    assert entry_line(make("bob", "two\rlines")).count("\n") == 0
    assert entry_line(make("bob", "two\nlines")) == "09:41  <bob> two\nlines"  # multiline


def test_clock_shows_aware_times_in_local_time() -> None:
    aware = datetime(2026, 11, 24, 9, 41, tzinfo=UTC)
    assert clock(aware) == aware.astimezone().strftime("%H:%M")
    assert clock(T0 + timedelta(minutes=5)) == "09:46"


def test_insert_args_pairs_text_with_tags_for_every_entry() -> None:
    args = insert_args([make("bob", "one"), make("carol", "two")])
    texts = args[0::2]
    assert "".join(texts) == "09:41  <bob> one\n09:41  <carol> two\n"
    assert all(isinstance(tags, tuple) for tags in args[1::2])


def test_insert_args_puts_the_marker_line_before_the_first_unread() -> None:
    args = insert_args([make("bob", "one"), make("carol", "two")], marker_at=1)
    assert "".join(args[0::2]) == f"09:41  <bob> one\n{MARKER_TEXT}\n09:41  <carol> two\n"
    assert ("marker",) in args[1::2]
    assert insert_args([make("bob", "one")], marker_at=1) == insert_args([make("bob", "one")])


def test_entry_runs_mark_a_pending_message_until_delivered() -> None:
    pending = make("alice", "on my way", own=True, pending=True)
    runs = entry_runs(pending)
    assert entry_line(pending) == "09:41  <alice> on my way" + PENDING_MARK
    assert all("pending" in tags for _, tags in runs)
    assert (PENDING_MARK, ("pendingmark", "own", "pending")) in runs
    delivered = make("alice", "on my way", own=True)
    assert entry_line(delivered) == "09:41  <alice> on my way"
    assert not any("pending" in tags for _, tags in entry_runs(delivered))


def test_stamp_shows_the_day_for_lines_older_than_today() -> None:
    today = date(2026, 11, 24)  # a Tuesday
    assert stamp(datetime(2026, 11, 24, 14, 2), today) == "14:02"
    assert stamp(datetime(2026, 11, 23, 14, 2), today) == "Mon 14:02"
    assert stamp(datetime(2026, 11, 18, 14, 2), today) == "Wed 14:02"
    assert stamp(datetime(2026, 11, 17, 14, 2), today) == "2026-11-17 14:02"
    assert stamp(datetime(2025, 12, 31, 23, 59), today) == "2025-12-31 23:59"


def test_stamp_reads_aware_times_in_local_time() -> None:
    aware = datetime(2026, 11, 20, 9, 41, tzinfo=UTC)
    local = aware.astimezone()
    assert stamp(aware, local.date()) == local.strftime("%H:%M")
    assert stamp(aware, local.date() + timedelta(days=30)) == local.strftime("%Y-%m-%d %H:%M")


def test_entry_line_replayed_from_an_earlier_day_shows_its_day() -> None:
    earlier = datetime.now().replace(hour=8, minute=15) - timedelta(days=2)
    old = LogEntry(earlier, "bob", "#lobby", "from history", replayed=True)
    assert entry_line(old) == f"{earlier.strftime('%a')} 08:15  <bob> from history"
    today = LogEntry(datetime.now().replace(hour=8, minute=15), "bob", "#lobby", "x",
                     replayed=True)
    assert entry_line(today) == "08:15  <bob> x"
    assert entry_line(LogEntry(earlier, "bob", "#lobby", "live")) == "08:15  <bob> live"


def test_entry_line_compact_join_line_reads_by_its_arrows() -> None:
    summary = LogEntry(T0, "", "#lobby", "\u2192 bob joined \u00b7 \u2190 dave left",
                       EntryKind.SYSTEM, presence="summary")
    assert entry_line(summary) == "09:41  \u2192 bob joined \u00b7 \u2190 dave left"
    assert "system" in entry_runs(summary)[1][1]


def test_entry_line_multiline_message_reads_as_several_lines_of_one_message() -> None:
    entry = make("bob", "roses\n\n\x02violets\x02 www.x.org")
    assert entry_line(entry) == "09:41  <bob> roses\n\nviolets www.x.org"
    assert line_count(entry) == 3
    tags = [tags for text, tags in entry_runs(entry) if text == "www.x.org"]
    assert tags and "link" in tags[0] and "cont" in tags[0]


def test_entry_line_reply_quotes_its_parent_on_the_line_above() -> None:
    entry = make("me", "sure", own=True, reply_to="m1", quote="bob: lunch?")
    assert entry_line(entry) == "\u21aa bob: lunch?\n09:41  <me> sure"
    assert line_count(entry) == 2
    assert entry_line(make("me", "ok", reply_to="m1")) == "\u21aa m1\n09:41  <me> ok"


def test_entry_line_reactions_are_chips_under_the_message() -> None:
    entry = make("bob", "ship it", reactions=(("🎉", ("alice", "me")), ("👍", ("carol",))))
    assert entry_line(entry) == "09:41  <bob> ship it\n   🎉 2 alice, me    👍 1 carol   "
    chips = [text for text, tags in entry_runs(entry) if "chip" in tags]
    assert chips == [" 🎉 2 alice, me ", " 👍 1 carol "] and line_count(entry) == 2


def test_entry_line_deleted_message_says_so_without_its_text_or_reactions() -> None:
    entry = make("bob", "", deleted=True)
    assert entry_line(entry) == "09:41  <bob> message deleted"
    assert line_count(entry) == 1


def test_line_count_matches_the_newlines_of_the_runs() -> None:
    for entry in (make("a", "x"), make("a", "x\ny\nz", reply_to="p"),
                  make("a", "x\ny", reactions=(("ok", ("b",)),)), make("a", "", deleted=True)):
        assert "".join(text for text, _ in entry_runs(entry)).count("\n") == line_count(entry)
