"""irssi and WeeChat connect, join and WHOIS through a recording relay (tests/interop/relay.py):
nothing they send on the way meets 421 ERR_UNKNOWNCOMMAND, and each query gets its end reply."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.config import ServerConfig
from server.tcp import start_server_thread
from tests.interop.programs import require_program, require_weechat_plugins
from tests.interop.rawclient import RawClient
from tests.interop.relay import Relay
from tests.interop.test_irssi import CHANNEL, Tmux, write_irssi_config
from tests.interop.test_weechat import PLUGINS, Weechat, tls_prefix

pytestmark = pytest.mark.interop
TESTER = "tester"
ENDS = {"WHOIS": "318", "WHO": "315", "WHOWAS": "369", "USERHOST": "302", "ISON": "303",
        "LIST": "323", "NAMES": "366", "MOTD": "376", "LUSERS": "266"}  # a query's last reply


def joined(relay: Relay) -> bool:
    """The client has the names of CHANNEL (the auto-joined #lobby's come first)."""
    return any(m.command == "366" and m.param(1) == CHANNEL for m in relay.received)


def synced(relay: Relay) -> bool:
    """The client asked who is on CHANNEL (its channel sync, after the join)."""
    return any(m.verb == "WHO" and m.param(0) == CHANNEL for m in relay.sent)


def whois_answered(relay: Relay) -> bool:
    return any(m.command == "318" and m.param(1).lower() == TESTER for m in relay.received)


def check_answers(relay: Relay) -> list[str]:
    """Every command the client sent, after checking none met 421 and each query ended."""
    sent, received = relay.snapshot()
    verbs = [m.verb for m in sent]
    unknown = [m.format() for m in received if m.command == "421"]
    assert unknown == [], f"421 for {unknown}; the client sent {verbs}"
    for verb, end in ENDS.items():
        asked, ended = verbs.count(verb), [m.command for m in received].count(end)
        if verb not in ("MOTD", "LUSERS", "NAMES"):  # those also come unasked
            assert ended >= asked, f"{verb} sent {asked} times, {end} came {ended} times"
    return verbs


def no_delays(program: str) -> str:
    """WeeChat's server options without its anti-flood delays (seconds before 4.0, then ms)."""
    if tls_prefix(program) == "ssl":  # before 4.0
        return "-notls -anti_flood_prio_high=0 -anti_flood_prio_low=0"
    return "-notls -anti_flood=0"


@pytest.fixture
def server_address():
    with start_server_thread(ServerConfig(host="127.0.0.1", port=0)) as server:
        yield server.server_address[:2]


def test_irssi_connect_join_and_whois_meet_no_421(server_address, tmp_path: Path) -> None:
    irssi = require_program("irssi")
    require_program("tmux")
    with RawClient(server_address) as tester, Relay(server_address) as relay:
        tester.register(TESTER)
        tester.join(CHANNEL)
        home = tmp_path / "irssi"
        write_irssi_config(home, relay.address[1], tmp_path / "irssi-logs")
        tmux = Tmux(tmp_path / "tmux.sock")
        try:
            tmux.start([irssi, f"--home={home}"])
            relay.wait_for("irssi's join", joined)
            relay.wait_for("irssi's WHO of the channel", synced)
            tmux.type_line(f"/whois {TESTER}")
            relay.wait_for("the WHOIS answered", whois_answered)
            verbs = check_answers(relay)
        finally:
            tmux.kill()
    assert {"NICK", "USER", "JOIN", "WHOIS"} <= set(verbs)


def test_weechat_connect_join_and_whois_meet_no_421(server_address, tmp_path: Path) -> None:
    program = require_program("weechat-headless")
    require_weechat_plugins(*PLUGINS)
    with RawClient(server_address) as tester, Relay(server_address) as relay:
        tester.register(TESTER)
        tester.join(CHANNEL)
        weechat = Weechat(program, tmp_path / "weechat", relay.address[1], no_delays(program))
        try:
            relay.wait_for("WeeChat's join", joined)
            relay.wait_for("WeeChat's WHO of the channel", synced)
            weechat.command("irc.server.local", f"/whois {TESTER}")
            relay.wait_for("the WHOIS answered", whois_answered)
            verbs = check_answers(relay)
        finally:
            weechat.stop()
    assert {"NICK", "USER", "JOIN", "WHOIS"} <= set(verbs)
