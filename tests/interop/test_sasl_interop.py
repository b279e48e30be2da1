"""WeeChat logs in with SASL PLAIN to an account registered on the wire (REGISTER, as our client
does it), and so holds the account's nick and reads its private history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from server.config import ServerConfig
from server.tcp import ServerHandle, start_server_thread
from tests.interop.programs import require_program, require_weechat_plugins, wait_for_text
from tests.interop.rawclient import RawClient, from_nick
from tests.interop.test_weechat import CHANNEL, PLUGINS, WEECHAT_NICK, Weechat, tls_prefix

pytestmark = pytest.mark.interop

PASSWORD = "weechat-sasl-secret-4711"  # no spaces: /server add splits its options on them


@pytest.fixture
def server() -> Iterator[ServerHandle]:
    with start_server_thread(ServerConfig(host="127.0.0.1", port=0)) as handle:
        yield handle


@pytest.fixture
def weechat_factory() -> Iterator[list[Weechat]]:
    started: list[Weechat] = []
    yield started
    for client in started:
        client.stop()


def register_on_the_wire(address: tuple[str, int], nick: str, password: str) -> None:
    """CAP, NICK, then `REGISTER * * <password>` before CAP END, as the LocalChat window does."""
    with RawClient(address) as client:
        client.send("CAP LS 302")
        client.send("CAP REQ :draft/account-registration")
        client.expect("CAP", lambda m: m.param(1) == "ACK")
        client.send(f"NICK {nick}")
        client.send(f"USER {nick} 0 * :{nick}")
        client.send(f"REGISTER * * :{password}")
        client.expect("REGISTER", lambda m: m.param(0) == "SUCCESS")
        client.send("QUIT")


def test_weechat_logs_in_with_sasl_plain(
    server: ServerHandle, weechat_factory: list[Weechat], tmp_path: Path
) -> None:
    program = require_program("weechat-headless")
    require_weechat_plugins(*PLUGINS)
    address = server.server_address[:2]
    register_on_the_wire(address, WEECHAT_NICK, PASSWORD)
    with RawClient(address) as tester:
        tester.register("tester")
        tester.join(CHANNEL)
        login = (f"-no{tls_prefix(program)} -sasl_mechanism=plain"
                 f" -sasl_username={WEECHAT_NICK} -sasl_password={PASSWORD}")
        weechat = Weechat(program, tmp_path / "weechat", address[1], login)
        weechat_factory.append(weechat)
        tester.expect("JOIN", lambda m: from_nick(m, WEECHAT_NICK) and m.param(0) == CHANNEL)
        with server.state.lock:
            held_by = server.state.find_nick(WEECHAT_NICK)
            assert held_by is not None and held_by.account == WEECHAT_NICK
        server_log = weechat.log_dir / "irc.server.local.weechatlog"
        wait_for_text(server_log, "SASL authentication successful")
