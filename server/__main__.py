"""`python -m server`: parse the command line into a ServerConfig and serve until SIGINT/SIGTERM;
SIGHUP reloads the TLS certificate and key."""

from __future__ import annotations

import argparse
import logging
import queue
import signal
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from server import admin
from server.accounts import ACCOUNTS_FILE
from server.accounts import default_path as accounts_path
from server.config import REGISTRATION_MODES, ServerConfig, data_path
from server.privatefiles import ensure_private_dir
from server.tcp import ServerHandle, start_server_thread
from server.tls import TlsSetupError

log = logging.getLogger("server")
HISTORY_FILE = "history.sqlite3"


class UsageError(Exception):
    """A bad option: reported as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    d = ServerConfig()  # the defaults live in one place
    parser = argparse.ArgumentParser(prog="localchat-server", description="LocalChat IRC server")
    parser.add_argument("--host", default=d.host, help="address to listen on (default: all)")
    parser.add_argument("--port", type=int, default=d.port, help=f"TCP port (default: {d.port})")
    parser.add_argument("--name", default=d.name, help="server name shown to clients")
    parser.add_argument("--channel", default=d.channel, help="channel everyone joins ('' for none)")
    parser.add_argument("--motd", metavar="FILE", help="message of the day file (UTF-8)")
    parser.add_argument("--ping-interval", type=float, default=d.ping_interval, metavar="S",
                        help=f"PING clients idle this long (default: {d.ping_interval:g})")
    parser.add_argument("--ping-timeout", type=float, default=d.ping_timeout, metavar="S",
                        help=f"drop them if no answer within (default: {d.ping_timeout:g})")
    parser.add_argument("--registration-timeout", type=float, default=d.registration_timeout,
                        metavar="S", help="drop connections that do not register in time")
    parser.add_argument("--sendq", type=int, default=d.sendq, metavar="BYTES",
                        help=f"unread output before a client is dropped (default: {d.sendq})")
    parser.add_argument("--flood-burst", type=int, default=d.flood_burst, metavar="N",
                        help=f"commands a client may send at once (default: {d.flood_burst})")
    parser.add_argument("--flood-rate", type=float, default=d.flood_rate, metavar="PER_S",
                        help=f"then commands per second; 0 = no flood control "
                             f"(default: {d.flood_rate:g})")
    parser.add_argument("--max-clients", type=int, default=d.max_clients, metavar="N",
                        help=f"connections in all; 0 = no limit (default: {d.max_clients})")
    parser.add_argument("--max-per-ip", type=int, default=d.max_per_ip, metavar="N",
                        help=f"connections per address; 0 = no limit (default: {d.max_per_ip})")
    parser.add_argument("--max-channels", type=int, default=d.max_channels, metavar="N",
                        help=f"channels per client; 0 = no limit (default: {d.max_channels})")
    parser.add_argument("--no-exempt-loopback", dest="exempt_loopback", action="store_false",
                        help="apply flood control and --max-per-ip to 127.0.0.1 and ::1 too")
    parser.add_argument("--tls-port", type=int, metavar="PORT",
                        help="also serve TLS on this port (e.g. 6697)")
    parser.add_argument("--tls-cert", metavar="FILE", help="TLS certificate (PEM); without it "
                        "a self-signed one is made in --data-dir")
    parser.add_argument("--tls-key", metavar="FILE", help="the certificate's private key (PEM)")
    parser.add_argument("--data-dir", metavar="DIR", help="where the server keeps its files "
                        "(default: the user data directory for localchat)")
    parser.add_argument("--db", metavar="PATH", help="message history database (default: "
                        f"{HISTORY_FILE} in --data-dir; ':memory:' keeps no history on disk)")
    parser.add_argument("--history-days", type=float, default=d.history_days, metavar="DAYS",
                        help=f"keep history this long (default: {d.history_days:g})")
    parser.add_argument("--history-max-per-target", type=int, metavar="N",
                        default=d.history_max_per_target, help="keep at most N messages per "
                        f"channel or conversation (default: {d.history_max_per_target})")
    parser.add_argument("--registration", choices=REGISTRATION_MODES, default=d.registration,
                        help="whether clients may create accounts with REGISTER; the accounts "
                        f"live in {ACCOUNTS_FILE} in --data-dir (default: {d.registration})")
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument("--password-file", metavar="FILE",
                        help="server password, first line of FILE (safer than --password)")
    secret.add_argument("--password", help="server password (visible in the process list)")
    parser.add_argument("--advertise-name", default="", metavar="NAME",
                        help="the name clients see when they find the server on the LAN "
                        "(default: 'LocalChat on HOSTNAME')")
    parser.add_argument("--no-advertise", dest="advertise", action="store_false",
                        help="do not announce the server on the LAN (mDNS/DNS-SD, 5353/udp)")
    parser.add_argument("--admin-email", default="", metavar="ADDRESS",
                        help="the contact address ADMIN shows (default: none)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    return parser


def read_motd(path: str | None) -> tuple[str, ...] | None:
    if path is None:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        detail = getattr(error, "strerror", None) or error
        raise UsageError(f"cannot read the MOTD file {path}: {detail}") from error
    return tuple(line.rstrip("\r") for line in text.splitlines())


def read_password(args: argparse.Namespace) -> str | None:
    if args.password_file is None:
        return args.password
    try:
        lines = Path(args.password_file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        detail = getattr(error, "strerror", None) or error
        raise UsageError(f"cannot read the password file {args.password_file}: {detail}") from error
    if not lines or not lines[0].strip():
        raise UsageError(f"the password file {args.password_file} is empty")
    return lines[0].strip()


def default_db(data_dir: str | None) -> str:
    """The history database in the data dir (the user's data directory by default)."""
    return str(data_path(data_dir) / HISTORY_FILE)


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    try:
        return ServerConfig(
            host=args.host, port=args.port, name=args.name, channel=args.channel,
            motd=read_motd(args.motd), ping_interval=args.ping_interval,
            ping_timeout=args.ping_timeout, registration_timeout=args.registration_timeout,
            sendq=args.sendq, verbose=args.verbose,
            flood_burst=args.flood_burst, flood_rate=args.flood_rate,
            max_clients=args.max_clients, max_per_ip=args.max_per_ip,
            max_channels=args.max_channels, exempt_loopback=args.exempt_loopback,
            tls_port=args.tls_port, tls_cert=args.tls_cert, tls_key=args.tls_key,
            data_dir=args.data_dir, password=read_password(args),
            db=args.db or default_db(args.data_dir), history_days=args.history_days,
            history_max_per_target=args.history_max_per_target,
            accounts_db=accounts_path(args.data_dir), registration=args.registration,
            advertise=args.advertise, advertise_name=args.advertise_name,
            admin_email=args.admin_email,
        )
    except ValueError as error:
        raise UsageError(str(error)) from None


class Signals:
    """What the signal handlers asked for, queued for the main loop. SimpleQueue.put is
    reentrant (safe in a handler); Event.set is not (its lock may be held by the main thread)."""

    def __init__(self) -> None:
        self.asked: queue.SimpleQueue[str] = queue.SimpleQueue()

    def install(self) -> None:
        signal.signal(signal.SIGINT, lambda *_: self.asked.put("stop"))
        signal.signal(signal.SIGTERM, lambda *_: self.asked.put("stop"))
        if hasattr(signal, "SIGHUP"):  # not on Windows
            signal.signal(signal.SIGHUP, lambda *_: self.asked.put("reload"))


def serve_until_stopped(handle: ServerHandle, signals: Signals) -> None:
    """The main thread's loop: reload the certificate on SIGHUP, return on SIGINT/SIGTERM."""
    while signals.asked.get() != "stop":
        log.info("SIGHUP: reloading the TLS certificate and key")
        try:
            handle.reload_certificate()
        except Exception:  # a bug: logged, the server keeps serving
            log.exception("bug while reloading the TLS certificate")


def serve(config: ServerConfig) -> None:
    """Run the server until SIGINT or SIGTERM (SIGHUP reloads the TLS certificate), then shut
    it down cleanly."""
    signals = Signals()
    try:
        ensure_private_dir(config.data_path)
    except OSError as error:
        detail = error.strerror or error
        raise UsageError(f"cannot make the data directory {config.data_path} private: {detail}"
                         ) from error
    try:
        handle = start_server_thread(config, record_errors=False)
    except sqlite3.Error as error:
        raise UsageError(f"cannot open the history database {config.db} or the account "
                         f"store {config.accounts_db}: {error}") from error
    except TlsSetupError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        detail = error.strerror or error
        raise UsageError(f"cannot listen on {config.host}:{config.port}: {detail}") from error
    signals.install()
    host, port = handle.server_address
    log.info("listening on %s:%d", host, port)
    if handle.tls_address is not None:
        log.info("listening for TLS on %s:%d", *handle.tls_address)
    serve_until_stopped(handle, signals)
    log.info("shutting down")
    handle.stop(raise_errors=False)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["accounts"]:  # the operator's account commands (server.admin)
        return admin.main(argv[1:])
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        serve(config_from_args(args))
    except UsageError as error:
        print(f"localchat-server: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
