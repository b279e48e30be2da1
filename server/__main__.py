"""`python -m server`: parse the command line into a ServerConfig and serve until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from server.config import ServerConfig
from server.tcp import start_server_thread

log = logging.getLogger("server")


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
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    return parser


def read_motd(path: str | None) -> tuple[str, ...] | None:
    if path is None:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read the MOTD file {path}: {getattr(error, 'strerror', None) or error}")
    return tuple(line.rstrip("\r") for line in text.splitlines())


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    try:
        return ServerConfig(
            host=args.host, port=args.port, name=args.name, channel=args.channel,
            motd=read_motd(args.motd), ping_interval=args.ping_interval,
            ping_timeout=args.ping_timeout, registration_timeout=args.registration_timeout,
            sendq=args.sendq, verbose=args.verbose,
        )
    except ValueError as error:
        raise UsageError(str(error)) from None


def serve(config: ServerConfig) -> None:
    """Run the server until SIGINT or SIGTERM, then shut it down cleanly."""
    stop = threading.Event()
    try:
        handle = start_server_thread(config, record_errors=False)
    except OSError as error:
        raise UsageError(f"cannot listen on {config.host}:{config.port}: {error.strerror or error}")
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    host, port = handle.server_address
    log.info("listening on %s:%d", host, port)
    while not stop.wait(1.0):
        pass
    log.info("shutting down")
    handle.stop(raise_errors=False)


def main(argv: Sequence[str] | None = None) -> int:
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
