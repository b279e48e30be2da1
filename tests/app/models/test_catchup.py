"""The catch-up planner, pure: server lines replayed through a Session, its history events fed to
CatchUp, and the CHATHISTORY requests it answers with inspected as plain lines. No Tk, no sleeps."""

from __future__ import annotations

from datetime import datetime

from app.models import events as ev
from app.models.catchup import CatchUp
from app.models.conversations import Conversations
from app.models.session import Session
from ircproto.message import parse

CAPS = "message-tags server-time batch draft/chathistory"
REGISTER = (f":srv CAP * LS :{CAPS}", f":srv CAP me ACK :{CAPS}", ":srv 001 me :Welcome",
            ":srv 005 me CHATHISTORY=3 MSGREFTYPES=msgid,timestamp :are supported")
NOW = datetime(2026, 3, 4, 5, 6, 30)


def at(second: int) -> str:
    return f"2026-03-04T05:06:{second:02d}.000Z"


def msg(msgid: str, second: int, text: str, target: str = "#lobby", batch: str = "h") -> str:
    tags = f"time={at(second)};msgid={msgid}" + (f";batch={batch}" if batch else "")
    return f"@{tags} :bob!u@h PRIVMSG {target} :{text}"


def page(target: str, *lines: str, ref: str = "h") -> tuple[str, ...]:
    return (f":srv BATCH +{ref} chathistory {target}", *lines, f":srv BATCH -{ref}")


class Replay:
    """A session, the conversations its lines are filed in, and the planner between them."""

    def __init__(self, *register: str) -> None:
        self.session = Session("me", clock=lambda: NOW)
        self.conversations = Conversations(self.session.key)
        self.planner = CatchUp(self.session, self.conversations, lambda: NOW)
        self.lines(*(register or REGISTER))

    def lines(self, *raw: str) -> list[str]:
        """Feed server lines; returns the requests the planner made for them."""
        requests = []
        for line in raw:
            for event in self.session.feed(parse(line)).events:
                if isinstance(event, ev.MessageReceived) and event.entry.target:
                    found = self.conversations.open(event.entry.target, event.entry.private)
                    self.conversations.add(found, event.entry, viewing=True)
                elif isinstance(event, ev.HistoryReceived | ev.HistoryTargetFound
                                | ev.RequestFailed):
                    requests += [m.format() for m in self.planner.on_event(event)]
        return requests

    def join(self, channel: str = "#lobby") -> tuple[list[str], bool]:
        self.lines(f":me!u@h JOIN {channel}")
        requests, awaited = self.planner.joined(channel)
        return [m.format() for m in requests], awaited


def test_catchup_first_join_with_nothing_seen_asks_targets_and_latest():
    replay = Replay()
    replay.planner.registered(())
    requests, awaited = replay.join()
    assert requests == ["CHATHISTORY TARGETS timestamp=2025-03-04T05:06:30.000Z "
                        "timestamp=2026-03-05T05:06:30.000Z 3",
                        "CHATHISTORY LATEST #lobby * 3"] and not awaited
    assert not replay.planner.done and replay.planner.waiting() == ["#lobby"]
    assert replay.lines(*page("#lobby")) == []
    assert not replay.planner.done  # the TARGETS answer is still awaited
    assert replay.lines(":srv BATCH +t draft/chathistory-targets", ":srv BATCH -t") == []
    assert replay.planner.done


def test_catchup_a_new_device_fetches_the_latest_page_of_each_private_chat():
    replay = Replay()
    replay.planner.registered(["#lobby"])
    replay.join()
    found = replay.lines(":srv BATCH +t draft/chathistory-targets",
                         f"@batch=t :srv CHATHISTORY TARGETS carol {at(9)}",
                         ":srv BATCH -t")
    assert found == ["CHATHISTORY LATEST carol * 3"]
    assert replay.conversations.get("carol").private


def test_catchup_latest_is_one_page_only():
    replay = Replay()
    replay.planner.registered(())
    replay.join()
    assert replay.lines(*page("#lobby", msg("a", 1, "one"), msg("b", 2, "two"),
                              msg("c", 3, "three"))) == []
    assert replay.planner.waiting() == []  # no second page; only the TARGETS answer is awaited


def test_catchup_pages_after_the_last_msgid_until_a_short_page():
    replay = Replay()
    replay.lines(msg("seen", 0, "old", batch=""))
    replay.planner.registered(["#lobby"])
    assert "CHATHISTORY AFTER #lobby msgid=seen 3" in replay.join()[0]
    replay.lines(":srv BATCH +t draft/chathistory-targets", ":srv BATCH -t")
    full = replay.lines(*page("#lobby", msg("a", 1, "one"), msg("b", 2, "two"),
                              msg("c", 3, "three")))
    assert full == ["CHATHISTORY AFTER #lobby msgid=c 3"]
    assert replay.lines(*page("#lobby", msg("d", 4, "four"), ref="g")) == []
    assert replay.planner.done


def test_catchup_rejoin_resumes_after_what_we_hold_and_waits_for_the_join():
    replay = Replay()
    lobby = replay.conversations.open("#lobby")
    replay.lines(msg("seen", 1, "old", batch=""))
    assert lobby.last_msgid == "seen"
    replay.planner.registered(["#lobby"])
    assert replay.planner.waiting() == ["#lobby"] and not replay.planner.done
    requests, awaited = replay.join()
    assert awaited
    assert "CHATHISTORY AFTER #lobby msgid=seen 3" in requests


def test_catchup_asks_no_private_targets_as_a_guest_where_the_server_has_accounts():
    guest = Replay(f":srv CAP * LS :{CAPS} sasl=SCRAM-SHA-256", f":srv CAP me ACK :{CAPS}",
                   *REGISTER[2:])
    guest.lines(msg("p1", 1, "hi", target="me", batch=""))
    guest.planner.registered(["#lobby"])
    requests, _ = guest.join()
    assert requests and not any("TARGETS" in line for line in requests)
    member = Replay(f":srv CAP * LS :{CAPS} sasl=SCRAM-SHA-256", f":srv CAP me ACK :{CAPS}",
                    ":srv 900 me me!u@h me :You are now logged in as me", *REGISTER[2:])
    member.lines(msg("p1", 1, "hi", target="me", batch=""))
    member.planner.registered(["#lobby"])
    assert member.join()[0][0].startswith("CHATHISTORY TARGETS ")


def test_catchup_asks_targets_once_and_fetches_missed_private_chats():
    replay = Replay()
    replay.lines(msg("p1", 1, "hi", target="me", batch=""))
    replay.planner.registered(["#lobby"])
    requests, _ = replay.join()
    assert requests[0].startswith(f"CHATHISTORY TARGETS timestamp={at(0)} ")
    assert replay.join("#dev")[0] == ["CHATHISTORY LATEST #dev * 3"]  # TARGETS only once
    found = replay.lines(":srv BATCH +t draft/chathistory-targets",
                         f"@batch=t :srv CHATHISTORY TARGETS bob {at(9)}",
                         f"@batch=t :srv CHATHISTORY TARGETS carol {at(9)}",
                         f"@batch=t :srv CHATHISTORY TARGETS #lobby {at(9)}",
                         ":srv BATCH -t")
    assert found == ["CHATHISTORY AFTER bob msgid=p1 3",
                     f"CHATHISTORY AFTER carol timestamp={at(0)} 3"]
    assert replay.conversations.get("carol") is not None
    assert replay.conversations.get("carol").private


def test_catchup_unknown_msgid_retries_by_timestamp_then_gives_up():
    replay = Replay()
    replay.lines(msg("c1", 1, "seen", batch=""))
    replay.planner.registered(["#lobby"])
    replay.join()
    replay.lines(":srv BATCH +t draft/chathistory-targets", ":srv BATCH -t")
    retry = replay.lines(":srv FAIL CHATHISTORY MESSAGE_ERROR AFTER #lobby :Unknown msgid c1")
    assert retry == [f"CHATHISTORY AFTER #lobby timestamp={at(1)} 3"]
    assert replay.planner.waiting() == ["#lobby"]
    again = replay.lines(":srv FAIL CHATHISTORY MESSAGE_ERROR AFTER #lobby :Still unknown")
    assert again == [] and replay.planner.done


def test_catchup_failed_targets_request_stops_waiting_for_it():
    replay = Replay()
    replay.lines(msg("p1", 1, "hi", target="me", batch=""))
    replay.planner.registered(())
    replay.join()
    replay.lines(*page("#lobby"))
    assert not replay.planner.done  # the TARGETS answer is still awaited
    replay.lines(":srv FAIL CHATHISTORY INVALID_PARAMS TARGETS :No")
    assert replay.planner.done


def test_catchup_give_up_says_what_it_waited_for_and_is_done():
    replay = Replay()
    replay.planner.registered(["#lobby", "#dev"])
    replay.join()
    assert replay.planner.give_up() == ["#dev", "#lobby"]
    assert replay.planner.done and replay.planner.waiting() == []


def test_catchup_without_chathistory_sends_nothing_and_waits_only_for_rejoins():
    replay = Replay(":srv 001 me :Welcome")
    replay.planner.registered(["#lobby"])
    assert replay.join() == ([], True)
    assert replay.planner.done
