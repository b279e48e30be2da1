"""A real server on port 0 against bad input, floods, limits and a server password."""

from __future__ import annotations

import logging
import signal
import socket
import time

import pytest

from tests.server.conftest import config
from tests.server.ircclient import RawClient
from tests.server.test_main import finish, run_server, wait_for_port


def alive(client: RawClient, token: str = "alive") -> None:
    """The connection still works: a PING is answered."""
    client.send(f"PING :{token}")
    assert client.expect(command="PONG").params[-1] == token


# --- bad input -----------------------------------------------------------------------------


def test_hardening_invalid_utf8_is_refused_with_fail(connect):
    alice = connect("alice")
    alice.send_raw(b"PRIVMSG #lobby :caf\xe9\r\n")
    fail = alice.expect(command="FAIL")
    assert fail.params[:2] == ("PRIVMSG", "INVALID_UTF8")
    alive(alice)


def test_hardening_nul_byte_gets_400(connect):
    alice = connect("alice")
    alice.send_raw(b"PRIVMSG #lobby :a\x00b\r\n")
    error = alice.expect(command="400")
    assert error.params[1] == "PRIVMSG" and "NUL" in error.params[-1]
    alive(alice)


def test_hardening_blank_lines_are_ignored(connect):
    alice = connect("alice")
    alice.send_raw(b"\r\n\n   \r\n\r\n")
    alice.send("PING :after-blanks")
    assert alice.expect(command=None, skip=False).params[-1] == "after-blanks"  # nothing before


def test_hardening_unknown_command_and_missing_params(connect):
    alice = connect("alice")
    alice.send("FROBNICATE x")
    assert alice.expect(command="421").params[1] == "FROBNICATE"
    alice.send("JOIN")
    assert alice.expect(command="461").params[1] == "JOIN"
    alive(alice)


def test_hardening_too_long_line_gets_417_and_the_connection_goes_on(connect):
    alice = connect("alice")
    alice.send("PRIVMSG #lobby :" + "x" * 600)
    assert alice.expect(command="417").params[-1] == "Input line was too long"
    alive(alice)


def test_hardening_line_that_never_ends_gets_417_then_error_and_close(connect, server):
    alice, bob = connect("alice"), connect("bob")
    chunk = b"x" * 8192
    try:
        for _ in range(12):  # 96 KiB without a newline
            alice.send_raw(chunk)
    except OSError:
        pass  # the server may close while we still send
    seen = alice.expect_closed(timeout=5)
    assert [m.command for m in seen][-2:] == ["417", "ERROR"]
    assert seen[-1].params == ("Input line was too long and never ended",)
    quit_message = bob.expect(command="QUIT", source="alice!alice@127.0.0.1")
    assert quit_message.params == ("Input line was too long and never ended",)


def test_hardening_random_bytes_never_break_the_connection(connect):
    alice = connect("alice")
    alice.send_raw(bytes(range(256)) + b"\r\n" + b"\xff\xfe\x00\x01 :: @@ \r\n" + b"@=;\r\n")
    alive(alice)


def test_hardening_silent_connection_hits_registration_timeout():
    from server.tcp import start_server_thread

    with start_server_thread(config(registration_timeout=0.3)) as handle:
        with RawClient(handle.server_address) as lurker:  # sends nothing at all
            seen = lurker.expect_closed(timeout=5)
            assert seen[-1].format() == "ERROR :Registration timed out"


def test_hardening_client_sockets_use_tcp_keepalive(connect, server):
    connect("alice")
    with server.state.lock:
        (client,) = server.state.clients
    sock = client.outbox.sock
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 60


# --- limits --------------------------------------------------------------------------------


@pytest.mark.parametrize("server_config", [config(max_clients=2)])
def test_hardening_max_clients_refuses_with_server_full(connect, server):
    alice, _bob = connect("alice"), connect("bob")
    with RawClient(server.server_address) as third:
        assert [m.format() for m in third.expect_closed()] == ["ERROR :Server is full"]
    alice.send("QUIT :making room")
    alice.expect_closed()
    deadline = time.monotonic() + 5
    while server.hub.limits.total > 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    connect("carol")  # registers: there is room again


@pytest.mark.parametrize("server_config", [config(max_per_ip=2, exempt_loopback=False)])
def test_hardening_max_per_ip_refuses_a_third_connection(connect, server):
    connect("alice"), connect("bob")
    with RawClient(server.server_address) as third:
        seen = third.expect_closed()
    assert [m.format() for m in seen] == ["ERROR :Too many connections from your address"]


@pytest.mark.parametrize("server_config", [config(max_channels=2)])
def test_hardening_max_channels_gets_405_and_chanlimit_is_advertised(server):
    with RawClient(server.server_address) as alice:
        alice.send("NICK alice")
        alice.send("USER alice 0 * :Alice")
        tokens = [p for m in alice.collect_until("376") if m.command == "005" for p in m.params]
        assert "CHANLIMIT=#&:2" in tokens
        alice.send("JOIN #two")  # with #lobby that makes two
        alice.expect(command="366", params=["alice", "#two"])
        alice.send("JOIN #three")
        error = alice.expect(command="405")
        assert error.params == ("alice", "#three", "You have joined too many channels")
        alice.send("PART #two")
        alice.send("JOIN #three")  # room again
        alice.expect(command="JOIN", params=["#three"])


# --- flood control -------------------------------------------------------------------------

FLOOD = config(flood_burst=5, flood_rate=20.0, exempt_loopback=False)


@pytest.mark.parametrize("server_config", [FLOOD])
def test_hardening_flooder_is_delayed_others_are_not(connect):
    flooder, bob, carol = connect("flooder"), connect("bob"), connect("carol")
    bob.expect(command="JOIN", source="carol!carol@127.0.0.1")
    started = time.monotonic()
    flooder.send_raw(b"".join(b"PRIVMSG #lobby :%d\r\n" % i for i in range(60)))
    carol.send("PING :while-flooding")  # served at once, while the flooder waits its turn
    carol.expect(command="PONG", params=[None, "while-flooding"], timeout=2)
    pong_at = time.monotonic()
    texts = [bob.expect(command="PRIVMSG", timeout=10).params[1] for _ in range(60)]
    done_at = time.monotonic()
    assert texts == [str(i) for i in range(60)]  # nothing lost, in order
    assert done_at - started >= 2.0  # 55 commands past the burst at 20/s take 2.75 s
    assert pong_at < done_at  # carol did not queue behind the flood


@pytest.mark.parametrize("server_config", [FLOOD])
def test_hardening_excess_flood_disconnects_with_error_and_quit(connect):
    flooder, bob = connect("flooder"), connect("bob")
    flooder.expect(command="JOIN", source="bob!bob@127.0.0.1")
    try:
        flooder.send_raw(b"PRIVMSG #lobby :spam\r\n" * 500)
    except OSError:
        pass
    assert flooder.expect_closed(timeout=5)[-1].format() == "ERROR :Excess Flood"
    quit_message = bob.expect(command="QUIT", source="flooder!flooder@127.0.0.1", timeout=5)
    assert quit_message.params == ("Excess Flood",)


def test_hardening_loopback_is_exempt_from_flood_control_by_default(connect):
    alice, bob = connect("alice"), connect("bob")
    alice.send_raw(b"PRIVMSG #lobby :fast\r\n" * 300)
    for _ in range(300):
        bob.expect(command="PRIVMSG", timeout=5)
    alive(alice)


# --- server password -----------------------------------------------------------------------

SECRET = config(password="s3cret pass")


@pytest.mark.parametrize("server_config", [SECRET])
@pytest.mark.parametrize("pass_line", [None, "PASS :wrong", "PASS :s3cret"])
def test_hardening_missing_or_wrong_password_gets_464_and_close(server, pass_line):
    with RawClient(server.server_address) as client:
        if pass_line:
            client.send(pass_line)
        client.send("NICK mallory")
        client.send("USER mallory 0 * :M")
        seen = client.expect_closed()
        assert [m.command for m in seen] == ["464", "ERROR"]
        assert seen[-1].params == ("Password incorrect",)
    with server.state.lock:
        assert server.state.find_nick("mallory") is None


@pytest.mark.parametrize("server_config", [SECRET])
def test_hardening_right_password_registers_and_is_never_logged(server, caplog):
    with caplog.at_level(logging.DEBUG, logger="server"), RawClient(server.server_address) as c:
        c.send("PASS :s3cret pass")
        c.register("alice")
        alive(c)
    assert "s3cret" not in caplog.text
    assert "PASS <redacted>" in caplog.text
    assert "s3cret" not in repr(server.state.config)


# --- shutdown ------------------------------------------------------------------------------


def test_hardening_sigterm_flushes_queued_lines_then_error_and_exits_0():
    proc = run_server("--port", "0")
    port = wait_for_port(proc)
    with RawClient(("127.0.0.1", port)) as alice, \
            RawClient(("127.0.0.1", port), rcvbuf=4096) as slow:
        alice.register("alice")
        slow.register("slow")
        alice.expect(command="JOIN", source="slow!slow@127.0.0.1")
        text = "y" * 300
        for i in range(150):  # ~50 KB towards slow, which reads nothing yet
            alice.send(f"PRIVMSG #lobby :{i} {text}")
        alice.send("PING :queued")
        alice.expect(command="PONG", params=[None, "queued"])  # all 150 are decided by now
        proc.send_signal(signal.SIGTERM)
        seen = slow.expect_closed(timeout=5)
        privmsgs = [m.params[1].split()[0] for m in seen if m.command == "PRIVMSG"]
        assert privmsgs == [str(i) for i in range(150)]
        assert seen[-1].format() == "ERROR :Server shutting down"
        code, err = finish(proc, timeout=5)
    assert code == 0, err
    assert "Traceback" not in err


# --- options -------------------------------------------------------------------------------


def test_hardening_options_reach_the_config(tmp_path):
    from server.__main__ import build_parser, config_from_args

    secret = tmp_path / "password"
    secret.write_text("  hunter2  \nignored\n", encoding="utf-8")
    args = build_parser().parse_args([
        "--flood-burst", "7", "--flood-rate", "0", "--max-clients", "9", "--max-per-ip", "3",
        "--max-channels", "4", "--no-exempt-loopback", "--tls-port", "6697",
        "--data-dir", str(tmp_path), "--password-file", str(secret),
    ])
    settings = config_from_args(args)
    assert (settings.flood_burst, settings.flood_rate, settings.max_clients) == (7, 0.0, 9)
    assert (settings.max_per_ip, settings.max_channels, settings.tls_port) == (3, 4, 6697)
    assert settings.exempt_loopback is False and settings.data_dir == str(tmp_path)
    assert settings.password == "hunter2"
    assert "hunter2" not in repr(settings)


@pytest.mark.parametrize("argv, message", [
    (["--password-file", "/nonexistent/pw"], "cannot read the password file"),
    (["--max-clients", "-1"], "max-clients must not be negative"),
    (["--tls-cert", "cert.pem"], "give both tls-cert and tls-key"),
])
def test_hardening_bad_options_are_clear_errors(argv, message):
    from server.__main__ import UsageError, build_parser, config_from_args

    with pytest.raises(UsageError, match=message):
        config_from_args(build_parser().parse_args(argv))


def test_hardening_empty_password_file_is_refused(tmp_path):
    from server.__main__ import UsageError, build_parser, config_from_args

    empty = tmp_path / "pw"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(UsageError, match="is empty"):
        config_from_args(build_parser().parse_args(["--password-file", str(empty)]))


def test_hardening_shutdown_hooks_run_after_the_clients_are_gone():
    from server.tcp import start_server_thread

    handle = start_server_thread(config())
    seen: list[int] = []

    def flush_history() -> None:
        with handle.state.lock:
            seen.append(len(handle.state.clients))

    def broken() -> None:
        raise RuntimeError("hook bug")

    handle.hub.shutdown_hooks.extend([broken, flush_history])
    with RawClient(handle.server_address) as alice:
        alice.register("alice")
        with pytest.raises(AssertionError, match="hook bug"):
            handle.stop()  # the broken hook is reported, and the next one still runs
        assert alice.expect_closed()[-1].format() == "ERROR :Server shutting down"
    assert seen == [0]
