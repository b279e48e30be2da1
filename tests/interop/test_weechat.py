"""weechat-headless, driven through its fifo plugin, and a raw test client talk through a server.

Checks both directions: the test client receives WeeChat's PRIVMSGs; WeeChat's logger holds ours.
And WeeChat logs in to our server with SASL EXTERNAL and a TLS client certificate.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.config import ServerConfig
from server.tcp import start_server_thread
from server.tls import CERT_NAME, fingerprint
from tests.interop.ngircd import die_with_parent
from tests.interop.programs import (
    POLL_INTERVAL,
    require_program,
    require_weechat_plugins,
    wait_for_text,
)
from tests.interop.rawclient import RawClient, from_nick
from tests.server.clientcerts import make_client_cert

pytestmark = pytest.mark.interop

CHANNEL = "#interop"
WEECHAT_NICK = "weenick"
TESTER_NICK = "tester"
START_DEADLINE = 15.0
STOP_DEADLINE = 5.0
PLUGINS = ("irc", "logger", "fifo")


class Weechat:
    """A weechat-headless process with its own --dir, commanded through its fifo."""

    def __init__(self, program: str, home: Path, port: int, options: str = "-notls") -> None:
        self.home = home
        self.log_dir = home / "chatlogs"
        startup = "; ".join(
            [
                "/set logger.file.flush_delay 0",
                f"/set logger.file.path {self.log_dir}",
                f"/server add local 127.0.0.1/{port} {options} -nicks={WEECHAT_NICK}"
                f" -username=weeuser -autojoin={CHANNEL}",
                "/connect local",
            ]
        )
        home.mkdir(parents=True)
        with (home.parent / "weechat-stdout.txt").open("wb") as out:
            self.process = subprocess.Popen(
                [program, "--dir", str(home), "--plugins", ",".join(PLUGINS), "-r", startup],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
                start_new_session=True,  # its own process group: WeeChat forks helpers
            )
        self.fifo = home / f"weechat_fifo_{self.process.pid}"

    def command(self, buffer: str, text: str) -> None:
        """Send text (a command or a message) to a WeeChat buffer through the fifo."""
        deadline = time.monotonic() + START_DEADLINE
        while not self.fifo.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"WeeChat fifo {self.fifo} did not appear")
            time.sleep(POLL_INTERVAL)
        fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.write(fd, f"{buffer} *{text}\n".encode())
        finally:
            os.close(fd)

    def stop(self) -> None:
        """Quit WeeChat (killing it if it does not), then any helper it forked."""
        if self.process.poll() is None:
            try:
                self.command("core.weechat", "/quit")
                self.process.wait(STOP_DEADLINE)
            except (OSError, AssertionError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(STOP_DEADLINE)
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def tls_prefix(program: str) -> str:
    """What WeeChat calls its TLS server options: ssl*, renamed tls* in WeeChat 4.0."""
    version = subprocess.run([program, "--version"], capture_output=True, text=True,
                             timeout=STOP_DEADLINE, check=True).stdout.strip()
    return "tls" if int(version.split(".")[0]) >= 4 else "ssl"


@pytest.fixture
def weechat_factory(tmp_path: Path) -> Iterator[list[Weechat]]:
    started: list[Weechat] = []
    yield started
    for client in started:
        client.stop()


def test_weechat_exchanges_messages_both_ways(
    irc_server: tuple[str, int], weechat_factory: list[Weechat], tmp_path: Path
) -> None:
    program = require_program("weechat-headless")
    require_weechat_plugins(*PLUGINS)
    with RawClient(irc_server) as tester:
        tester.register(TESTER_NICK)
        tester.join(CHANNEL)
        weechat = Weechat(program, tmp_path / "weechat", irc_server[1])
        weechat_factory.append(weechat)
        tester.expect("JOIN", lambda m: from_nick(m, WEECHAT_NICK) and m.param(0) == CHANNEL)
        # Speak once WeeChat shows its join, as a person would (and see test_ordering.py).
        channel_log = weechat.log_dir / f"irc.local.{CHANNEL}.weechatlog"
        wait_for_text(channel_log, f"\t{WEECHAT_NICK} (")

        tester.send(f"PRIVMSG {CHANNEL} :hello weechat, from the tester")
        log = wait_for_text(channel_log, "hello weechat, from the tester")
        assert re.search(rf"\t[@+%]?{TESTER_NICK}\thello weechat, from the tester", log), log

        weechat.command("irc.server.local", f"/msg {TESTER_NICK} hello tester, from weechat")
        reply = tester.expect("PRIVMSG", lambda m: m.param(0) == TESTER_NICK)
        assert from_nick(reply, WEECHAT_NICK)
        assert reply.param(1) == "hello tester, from weechat"

        weechat.command(f"irc.local.{CHANNEL}", "and hello channel")
        said = tester.expect("PRIVMSG", lambda m: m.param(0).lower() == CHANNEL)
        assert said.param(1) == "and hello channel"

        weechat.command("irc.server.local", "/quit interop done")
        quit_message = tester.expect("QUIT", lambda m: from_nick(m, WEECHAT_NICK))
        assert "interop done" in quit_message.param(0)


def test_weechat_logs_in_with_sasl_external_and_its_client_certificate(
    weechat_factory: list[Weechat], tmp_path: Path
) -> None:
    """WeeChat on the TLS port, the server's certificate pinned by fingerprint, its own
    self-signed certificate registered to the account: SASL EXTERNAL logs it in."""
    program = require_program("weechat-headless")
    require_weechat_plugins(*PLUGINS)
    data = tmp_path / "server"
    mine = make_client_cert(tmp_path / "client", WEECHAT_NICK)
    both = tmp_path / "client" / "weechat.pem"  # WeeChat reads the key and the certificate
    both.write_bytes(mine.key.read_bytes() + mine.cert.read_bytes())
    settings = ServerConfig(host="127.0.0.1", port=0, tls_port=0, data_dir=str(data))
    with start_server_thread(settings) as server:
        assert server.tls_address is not None
        server.state.accounts.create(WEECHAT_NICK, "correct horse")
        server.state.accounts.add_certfp(WEECHAT_NICK, mine.fingerprint)
        pinned = fingerprint(data / CERT_NAME).replace(":", "").lower()
        tls = tls_prefix(program)
        options = (f"-{tls} -{tls}_fingerprint={pinned} -{tls}_cert={both} "
                   "-sasl_mechanism=external")
        weechat = Weechat(program, tmp_path / "weechat", server.tls_address[1], options)
        weechat_factory.append(weechat)
        deadline = time.monotonic() + START_DEADLINE
        account = None
        while account is None and time.monotonic() < deadline:
            with server.state.lock:
                client = server.state.find_user(WEECHAT_NICK)
                account = client.account if client is not None else None
                certfp = client.certfp if client is not None else None
            time.sleep(POLL_INTERVAL)
        logs = sorted((tmp_path / "weechat" / "chatlogs").glob("*.weechatlog"))
        assert account == WEECHAT_NICK, "\n".join(p.read_text() for p in logs)
        assert certfp == mine.fingerprint
