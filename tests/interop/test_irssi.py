"""irssi (run in a private tmux) and a raw test client exchange messages through an IRC server.

Checks both directions: the test client receives irssi's PRIVMSG; irssi's autolog holds ours.
And irssi logs in with SASL PLAIN to an account that LocalChat's client registered by itself
(its password set with /passwd).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.models.trust import server_key
from server import config, tcp
from tests.app.loopback.conftest import Clients, pump_until
from tests.interop.programs import POLL_INTERVAL, require_program, wait_for_text
from tests.interop.rawclient import RawClient, from_nick

pytestmark = pytest.mark.interop

CHANNEL = "#interop"
IRSSI_NICK = "irssinick"
TESTER_NICK = "tester"
COMMAND_DEADLINE = 10.0
TYPE_ATTEMPTS = 5
TYPE_DEADLINE = 2.0


class Tmux:
    """A tmux server of our own (its socket in tmp_path) holding one window."""

    def __init__(self, socket_path: Path) -> None:
        self.socket_path = socket_path
        self.env = {k: v for k, v in os.environ.items() if k != "TMUX"}

    def run(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-S", str(self.socket_path), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_DEADLINE,
            check=True,
        )
        return result.stdout

    def start(self, command: list[str]) -> None:
        self.run("new-session", "-d", "-x", "160", "-y", "40", *command)

    def type_line(self, text: str) -> None:
        """Type text into the window until it shows on the input line, then press Enter.

        irssi sometimes drops keys that arrive while it redraws, so typing is checked on screen
        and retried (after clearing the line with Ctrl-U) rather than trusted blindly."""
        for _attempt in range(TYPE_ATTEMPTS):
            self.run("send-keys", "C-u")
            self.run("send-keys", "-l", text)
            if self._wait_for_input_line(text):
                self.run("send-keys", "Enter")
                return
        raise AssertionError(f"{text!r} never showed on the input line:\n{self.screen()}")

    def _wait_for_input_line(self, text: str) -> bool:
        deadline = time.monotonic() + TYPE_DEADLINE
        while time.monotonic() < deadline:
            lines = self.screen().rstrip("\n").splitlines()
            if lines and re.fullmatch(r"\[[^\]]*\] " + re.escape(text), lines[-1].rstrip()):
                return True
            time.sleep(POLL_INTERVAL)
        return False

    def screen(self) -> str:
        return self.run("capture-pane", "-p")

    def kill(self) -> None:
        subprocess.run(
            ["tmux", "-S", str(self.socket_path), "kill-server"],
            env=self.env,
            capture_output=True,
            timeout=COMMAND_DEADLINE,
            check=False,
        )


def write_irssi_config(home: Path, port: int, log_dir: Path) -> None:
    """An irssi config that connects to 127.0.0.1:port, joins CHANNEL and autologs everything."""
    home.mkdir(parents=True)
    (home / "config").write_text(
        f"""servers = (
  {{ address = "127.0.0.1"; port = "{port}"; chatnet = "local"; autoconnect = "yes";
     use_tls = "no"; }}
);
chatnets = {{ local = {{ type = "IRC"; autosendcmd = "/join {CHANNEL}"; }}; }};
settings = {{
  core = {{ real_name = "irssi interop"; user_name = "irssiuser"; nick = "{IRSSI_NICK}"; }};
  "irc/core" = {{ cmd_queue_speed = "0"; }};
  "fe-common/core" = {{ autolog = "yes"; autolog_path = "{log_dir}/$0.log"; }};
}};
""",
        encoding="utf-8",
    )


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    require_program("tmux")
    session = Tmux(tmp_path / "tmux.sock")
    yield session
    session.kill()


def test_irssi_exchanges_messages_both_ways(
    irc_server: tuple[str, int], tmux: Tmux, tmp_path: Path
) -> None:
    irssi = require_program("irssi")
    home, logs = tmp_path / "irssi", tmp_path / "irssi-logs"
    write_irssi_config(home, irc_server[1], logs)
    with RawClient(irc_server) as tester:
        tester.register(TESTER_NICK)
        tester.join(CHANNEL)
        tmux.start([irssi, f"--home={home}"])
        tester.expect("JOIN", lambda m: from_nick(m, IRSSI_NICK) and m.param(0) == CHANNEL)

        # Speak once irssi shows its join, as a person would (and see test_ordering.py).
        wait_for_text(logs / f"{CHANNEL}.log", f"{IRSSI_NICK} [")
        tester.send(f"PRIVMSG {CHANNEL} :hello irssi, from the tester")
        log = wait_for_text(logs / f"{CHANNEL}.log", "hello irssi, from the tester")
        assert re.search(rf"<[ @+%]?{TESTER_NICK}> hello irssi, from the tester", log), log

        tmux.type_line(f"/msg {TESTER_NICK} hello tester, from irssi")
        reply = tester.expect("PRIVMSG", lambda m: m.param(0) == TESTER_NICK)
        assert from_nick(reply, IRSSI_NICK)
        assert reply.param(1) == "hello tester, from irssi"

        tmux.type_line(f"/msg {CHANNEL} and hello channel")
        said = tester.expect("PRIVMSG", lambda m: m.param(0).lower() == CHANNEL)
        assert said.param(1) == "and hello channel"

        tmux.type_line("/quit interop done")
        quit_message = tester.expect("QUIT", lambda m: from_nick(m, IRSSI_NICK))
        assert "interop done" in quit_message.param(0)


def write_irssi_sasl_config(home: Path, port: int, log_dir: Path, nick: str,
                            password: str) -> None:
    """An irssi config that logs in to nick's account with SASL PLAIN and joins CHANNEL."""
    home.mkdir(parents=True)
    (home / "config").write_text(
        f"""servers = (
  {{ address = "127.0.0.1"; port = "{port}"; chatnet = "local"; autoconnect = "yes";
     use_tls = "no"; }}
);
chatnets = {{ local = {{ type = "IRC"; autosendcmd = "/join {CHANNEL}";
  sasl_mechanism = "PLAIN"; sasl_username = "{nick}"; sasl_password = "{password}"; }}; }};
settings = {{
  core = {{ real_name = "irssi interop"; user_name = "irssiuser"; nick = "{nick}"; }};
  "irc/core" = {{ cmd_queue_speed = "0"; }};
  "fe-common/core" = {{ autolog = "yes"; autolog_path = "{log_dir}/$0.log"; }};
}};
""",
        encoding="utf-8",
    )


def test_irssi_logs_in_with_sasl_plain_to_an_account_our_client_registered(
    tmux: Tmux, tmp_path: Path
) -> None:
    irssi = require_program("irssi")
    clients = Clients(tmp_path / "client")
    with tcp.start_server_thread(config.ServerConfig(host="127.0.0.1", port=0)) as server:
        try:
            ours, view = clients.online(server.server_address, "dana")
            ours.on_send("/passwd dana-from-irssi")
            pump_until([view], lambda: clients.store("dana").credentials.get(
                server_key(*server.server_address), "dana") == "dana-from-irssi",
                "the new password to be stored")
            ours.shut_down("over to irssi")
        finally:
            clients.close_all()
        home, logs = tmp_path / "irssi", tmp_path / "irssi-logs"
        write_irssi_sasl_config(home, server.server_address[1], logs, "dana",
                                "dana-from-irssi")
        with RawClient(server.server_address) as tester:
            tester.register(TESTER_NICK)
            tester.join(CHANNEL)
            tmux.start([irssi, f"--home={home}"])
            tester.expect("JOIN", lambda m: from_nick(m, "dana") and m.param(0) == CHANNEL)
            with server.state.lock:
                dana = server.state.find_nick("dana")
                assert dana is not None and dana.account == "dana"
