"""`python -m server`: parse the command line into a ServerConfig and serve until SIGINT/SIGTERM;
SIGHUP reloads the TLS certificate and key."""

from __future__ import annotations

import sys

from server.mallocenv import reexecute_tuned

if __name__ == "__main__":  # `python -m server`: re-executed (server.mallocenv) before the
    reexecute_tuned(sys.argv[1:])  # imports below, so it costs only the interpreter's start

import argparse
import logging
import queue
import signal
import sqlite3
from collections.abc import Sequence
from typing import Any

from ircproto.version import localchat_version
from server import admin, backup
from server.config import ServerConfig
from server.configfile import ConfigError, Settings, load, render
from server.gcpause import freeze_start_up
from server.listener import use_small_thread_stacks
from server.logsetup import LogFileError, set_up_logging
from server.options import CONFIG_FILE, HISTORY_FILE, OPTIONS, add_options
from server.privatefiles import ensure_private_dir
from server.schemaversion import NewerSchemaError
from server.tcp import ServerHandle, start_server_thread
from server.tls import TlsSetupError

log = logging.getLogger("server")
__all__ = ["HISTORY_FILE", "UsageError", "build_parser", "config_from_args", "main"]


class UsageError(Exception):
    """A bad option: reported as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    """The command line: --config, --print-config, --version and every option of the one
    table (server.options), whose defaults are ServerConfig's."""
    parser = argparse.ArgumentParser(
        prog="localchat-server", description="LocalChat IRC server",
        epilog=f"Every option can also be set in a TOML file (the same names without '--', "
               f"e.g. ping-interval = 30): --config FILE, or {CONFIG_FILE} in the data "
               "directory when it is there. Flags override the file. Also: "
               "'localchat-server accounts ...' (the account store), "
               "'localchat-server backup FILE' (a copy of the databases while it runs).")
    parser.add_argument("--config", metavar="FILE",
                        help=f"read options from this TOML file (default: {CONFIG_FILE} in "
                        "the data directory, if present)")
    parser.add_argument("--print-config", action="store_true",
                        help="print the configuration in effect (passwords masked) and exit")
    parser.add_argument("--version", action="version",
                        version=f"%(prog)s {localchat_version()}")
    add_options(parser)
    return parser


def flags_of(args: argparse.Namespace) -> dict[str, Any]:
    """The options the command line gave (absent ones are not in the namespace)."""
    return {option.key: getattr(args, option.key) for option in OPTIONS
            if hasattr(args, option.key)}


def load_settings(args: argparse.Namespace) -> Settings:
    """Defaults, the config file, the flags; UsageError naming the key when one is wrong."""
    try:
        return load(flags_of(args), getattr(args, "config", None))
    except ConfigError as error:
        raise UsageError(str(error)) from None


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    return load_settings(args).config


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
    use_small_thread_stacks()  # before the first thread (server.listener)
    try:
        handle = start_server_thread(config, record_errors=False)
    except NewerSchemaError as error:
        raise UsageError(str(error)) from None
    except sqlite3.Error as error:
        raise UsageError(f"cannot open the history database {config.db} or the account "
                         f"store {config.accounts_db}: {error}") from error
    except TlsSetupError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        detail = error.strerror or error
        raise UsageError(f"cannot listen on {config.host}:{config.port}: {detail}") from error
    signals.install()
    freeze_start_up()  # full collections then skip the modules (server.gcpause)
    for where in handle.listening():  # one line each (tests read the log line by line)
        log.info("%s (LocalChat %s)", where, localchat_version())
    serve_until_stopped(handle, signals)
    log.info("shutting down")
    handle.stop(raise_errors=False)


def main(argv: Sequence[str] | None = None) -> int:
    """The program; argv None is this process's own command line (then, on glibc, it may
    re-execute itself once with the per-thread malloc caches off: server.mallocenv)."""
    own_command_line = argv is None
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["accounts"]:  # the operator's account commands (server.admin)
        return admin.main(argv[1:])
    if argv[:1] == ["backup"]:  # a consistent copy of the databases (server.backup)
        return backup.main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args)
        if args.print_config:
            print(render(settings), end="")
            return 0
        if own_command_line:  # the console script (localchat-server) imported all of it first
            reexecute_tuned(argv)  # returns only when it does not re-execute
        set_up_logging(settings.config.verbose, settings.log_file)
        serve(settings.config)
    except (UsageError, LogFileError) as error:
        print(f"localchat-server: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
