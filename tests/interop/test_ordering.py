"""A client must see its own JOIN before any message to that channel: WeeChat, for one, drops a
channel PRIVMSG that arrives before the JOIN echo. Raced on purpose, many times over.
"""

from __future__ import annotations

import pytest

from tests.interop.rawclient import RawClient, from_nick

pytestmark = pytest.mark.interop

ROUNDS = 60
CHANNEL = "#order"


def test_ordering_join_echo_comes_before_channel_messages(
    irc_server: tuple[str, int],
) -> None:
    early: list[str] = []
    for round_number in range(ROUNDS):
        speaker, joiner = f"sp{round_number}", f"jo{round_number}"
        with RawClient(irc_server) as first, RawClient(irc_server) as second:
            first.register(speaker)
            first.join(CHANNEL)
            second.register(joiner)
            second.send(f"JOIN {CHANNEL}")
            first.expect("JOIN", lambda m, joiner=joiner: from_nick(m, joiner)
                         and m.param(0) == CHANNEL)
            first.send(f"PRIVMSG {CHANNEL} :at once")  # the moment the join is announced
            second.expect("PRIVMSG", lambda m: m.param(0) == CHANNEL)
            lines = [(m.verb, m.param(0)) for m in second.seen]
            if ("JOIN", CHANNEL) not in lines[: lines.index(("PRIVMSG", CHANNEL))]:
                early.append(joiner)
    assert not early, f"PRIVMSG reached {early} before their own JOIN {CHANNEL} ({ROUNDS} rounds)"
