"""Pure tests of the +typing throttle (a fake clock: plain numbers) and of who is typing."""

from app.models.typing import PAUSE_AFTER_S, THROTTLE_S, TypingThrottle
from app.models.typists import ACTIVE_EXPIRY_S, PAUSED_EXPIRY_S, Typists, typing_text


def test_typing_first_key_sends_active_at_once():
    throttle = TypingThrottle()
    assert throttle.typed("#lobby", "h", 0.0) == [("#lobby", "active")]


def test_typing_keys_within_three_seconds_send_nothing_more():
    throttle = TypingThrottle()
    throttle.typed("#lobby", "h", 0.0)
    assert throttle.typed("#lobby", "he", 1.0) == []
    assert throttle.typed("#lobby", "hel", 2.9) == []
    assert throttle.due(2.99) == []


def test_typing_continued_typing_refreshes_active_every_three_seconds():
    throttle = TypingThrottle()
    throttle.typed("#lobby", "h", 0.0)
    throttle.typed("#lobby", "he", 1.0)
    assert throttle.due(THROTTLE_S) == [("#lobby", "active")]
    assert throttle.due(THROTTLE_S + 2.0) == []  # no key since: no refresh


def test_typing_pause_sends_paused_once_after_five_idle_seconds():
    throttle = TypingThrottle()
    throttle.typed("#lobby", "hello", 0.0)
    assert throttle.due(PAUSE_AFTER_S - 0.1) == []
    assert throttle.due(PAUSE_AFTER_S) == [("#lobby", "paused")]
    assert throttle.due(PAUSE_AFTER_S + 10) == []
    assert not throttle.waiting()


def test_typing_clearing_the_input_sends_done_but_not_within_three_seconds():
    throttle = TypingThrottle()
    throttle.typed("#lobby", "h", 0.0)
    assert throttle.typed("#lobby", "", 1.0) == []
    assert throttle.waiting()
    assert throttle.due(2.9) == []
    assert throttle.due(3.0) == [("#lobby", "done")]
    assert not throttle.waiting() and throttle.due(10.0) == []


def test_typing_a_sent_message_ends_typing_without_done():
    throttle = TypingThrottle()
    throttle.typed("#lobby", "hi all", 0.0)
    throttle.sent("#lobby")
    throttle.typed("#lobby", "", 0.1)  # the input is cleared after sending
    assert throttle.due(10.0) == [] and not throttle.waiting()


def test_typing_again_after_a_message_waits_for_the_throttle():
    throttle = TypingThrottle()
    throttle.typed("#lobby", "hi", 0.0)
    throttle.sent("#lobby")
    assert throttle.typed("#lobby", "a", 1.0) == []
    assert throttle.due(3.0) == [("#lobby", "active")]


def test_typing_slash_commands_are_not_typing():
    throttle = TypingThrottle()
    assert throttle.typed("#lobby", "/whois bob", 0.0) == []
    assert throttle.typed("#lobby", "//not a command", 0.5) == [("#lobby", "active")]


def test_typing_a_command_after_text_counts_as_clearing():
    throttle = TypingThrottle()
    throttle.typed("#lobby", "h", 0.0)
    assert throttle.typed("#lobby", "/", 4.0) == [("#lobby", "done")]


def test_typing_targets_are_throttled_apart():
    throttle = TypingThrottle()
    assert throttle.typed("#lobby", "a", 0.0) == [("#lobby", "active")]
    assert throttle.typed("bob", "b", 0.5) == [("bob", "active")]


def test_typing_forget_starts_afresh():
    throttle = TypingThrottle()
    throttle.typed("#lobby", "a", 0.0)
    throttle.forget()
    assert not throttle.waiting()
    assert throttle.typed("#lobby", "ab", 0.5) == [("#lobby", "active")]


def test_typists_active_expires_after_six_seconds():
    typists = Typists()
    typists.notified("#lobby", "bob", "active", 0.0)
    assert [t.nick for t in typists.typing_in("#LOBBY", ACTIVE_EXPIRY_S - 0.1)] == ["bob"]
    assert typists.typing_in("#lobby", ACTIVE_EXPIRY_S) == []
    assert not typists.pending()


def test_typists_paused_expires_after_thirty_seconds():
    typists = Typists()
    typists.notified("#lobby", "bob", "paused", 0.0)
    assert typists.typing_in("#lobby", PAUSED_EXPIRY_S - 1) != []
    assert typists.typing_in("#lobby", PAUSED_EXPIRY_S) == []


def test_typists_done_message_and_unknown_state_end_typing():
    typists = Typists()
    typists.notified("#lobby", "bob", "active", 0.0)
    typists.notified("#lobby", "Bob", "done", 1.0)
    assert typists.typing_in("#lobby", 1.0) == []
    typists.notified("#lobby", "bob", "active", 2.0)
    assert typists.stopped("BOB", "#lobby")
    assert not typists.stopped("bob", "#lobby")
    typists.notified("#lobby", "bob", "active", 3.0)
    typists.notified("#lobby", "bob", "bogus", 3.5)
    assert typists.typing_in("#lobby", 3.5) == []


def test_typists_quit_ends_typing_everywhere_and_rename_follows():
    typists = Typists()
    typists.notified("#lobby", "bob", "active", 0.0)
    typists.notified("#dev", "bob", "active", 0.0)
    typists.renamed("bob", "robert")
    assert [t.nick for t in typists.typing_in("#dev", 1.0)] == ["robert"]
    assert typists.stopped("robert")
    assert typists.typing_in("#lobby", 1.0) == [] and typists.typing_in("#dev", 1.0) == []


def test_typing_text_reads_naturally():
    typists = Typists()
    assert typing_text(typists.typing_in("#lobby", 0.0)) == ""
    typists.notified("#lobby", "bob", "active", 0.0)
    assert typing_text(typists.typing_in("#lobby", 0.0)) == "bob is typing\u2026"
    typists.notified("#lobby", "carol", "active", 0.5)
    assert typing_text(typists.typing_in("#lobby", 1.0)) == "bob and carol are typing\u2026"
    for nick in ("dave", "erin"):
        typists.notified("#lobby", nick, "active", 1.0)
    assert typing_text(typists.typing_in("#lobby", 1.0)) == "several people are typing\u2026"
    alone = Typists()
    alone.notified("bob", "bob", "paused", 0.0)
    assert typing_text(alone.typing_in("bob", 1.0)) == "bob has stopped typing"
