"""`python -m app`: the LocalChat desktop client. The one place where the settings, the view
and the controller are wired together."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Sequence

from app.controllers.client import start_client
from app.models.applog import set_up_logging
from app.models.cache import data_dir
from app.models.discovery import Discovery, interfaces_from
from app.models.loginname import default_nick
from app.models.notifier import DesktopNotifications
from app.models.settings import THEMES, ConnectParams, PinRemoval, Settings, SettingsStore
from app.models.systemtheme import system_theme
from app.models.trust import parse_server_key
from app.views import DEFAULT_VIEW, NoDisplayError, UnknownViewError, make_view, view_names
from ircproto.version import localchat_version

log = logging.getLogger("app")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; exits 2 with a clear message when it is wrong."""
    parser = argparse.ArgumentParser(
        prog="localchat", description="LocalChat: chat with the people on your local network.",
        epilog="With --host, --port and --nick all given, LocalChat connects straight away; "
               "otherwise it asks, filled in with what was given or remembered. Over TLS the "
               "first connection to a server asks whether to trust its certificate and pins "
               "its fingerprint; a changed certificate is refused until --forget-cert.")
    parser.add_argument("--host", help="the chat server's name or address")
    parser.add_argument("--port", type=int, help="the chat server's port (13333)")
    parser.add_argument("--nick", help="your nickname")
    parser.add_argument("--tls", action=argparse.BooleanOptionalAction, default=None,
                        help="connect over TLS (default: as last time for the same server)")
    parser.add_argument("--forget-cert", metavar="HOST:PORT",
                        help="forget the pinned TLS certificate of HOST:PORT, then exit")
    parser.add_argument("--view", metavar="NAME",
                        help=f"the window layout: {', '.join(view_names())} "
                             f"(default {DEFAULT_VIEW})")
    parser.add_argument("--theme", choices=THEMES,
                        help="light or dark (default: as last picked, else the system's)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    parser.add_argument("--version", action="version", version=f"%(prog)s {localchat_version()}")
    args = parser.parse_args(argv)
    if args.port is not None and not 0 < args.port < 65536:
        parser.error(f"argument --port: must be from 1 to 65535, not {args.port}")
    if args.view is not None and args.view not in view_names():
        parser.error(str(UnknownViewError(args.view)))
    if args.forget_cert is not None and not parse_server_key(args.forget_cert):
        parser.error(f"argument --forget-cert: expected HOST:PORT, not {args.forget_cert!r}")
    return args


def display_problem() -> str:
    """Why no window can be opened here ('' when a display is available, as far as we know)."""
    if sys.platform in ("win32", "darwin"):
        return ""
    if not os.environ.get("DISPLAY"):
        return "LocalChat needs a graphical display (DISPLAY is not set)"
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the client; the exit status (0 after a normal exit, 2 for a usage or display error)."""
    args = parse_args(argv)
    set_up_logging(args.verbose)  # app.models.applog: a rotating file and stderr
    if args.forget_cert is not None:
        return forget_certificate(SettingsStore(), parse_server_key(args.forget_cert))
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    status = run_client(args)
    gc.collect()  # free the closed window's Tk objects here, on the Tk thread, not on another
    return status


def forget_certificate(store: SettingsStore, key: str) -> int:
    """--forget-cert: remove the pin of the server under key; 0 when done, 1 otherwise."""
    removal = store.forget_pin(key)
    if removal is PinRemoval.NOT_PINNED:
        print(f"No certificate is pinned for {key} (in {store.path})", file=sys.stderr)
        return 1
    if removal is PinRemoval.NOT_SAVED:
        print(f"Could not save {store.path}", file=sys.stderr)
        return 1
    print(f"Forgot the pinned certificate of {key}; the next TLS connection asks again")
    return 0


def connect_defaults(args: argparse.Namespace, remembered: Settings) -> ConnectParams:
    """What the command line gave, the rest as remembered (the nick at first: the login name);
    the remembered TLS choice and password only for the remembered server."""
    host = args.host or remembered.host
    port = args.port or remembered.port
    same = (host, port) == (remembered.host, remembered.port)
    saved = remembered.connect_params
    tls = args.tls if args.tls is not None else (saved.tls if same else False)
    return ConnectParams(host, port, args.nick or saved.nick or default_nick(), tls,
                         saved.password if same else "", saved.remember_password)


def remember_placement(store: SettingsStore, view_name: str, placement: str) -> None:
    """Keep where the window of view_name was when it closed ('' : it never showed)."""
    if not placement:
        return
    windows = {**store.load(credentials=False).windows, view_name: placement}
    if not store.update(windows=windows):
        log.warning("Could not save the window's placement to %s", store.path)


def run_client(args: argparse.Namespace) -> int:
    """Open the window, connect (asking where when the command line did not say), run until
    the window closes."""
    store = SettingsStore()
    remembered = store.load()
    view_name = args.view or (remembered.view if remembered.view in view_names() else DEFAULT_VIEW)
    try:
        view = make_view(view_name, args.theme or remembered.theme or system_theme())
    except NoDisplayError as error:
        print(error, file=sys.stderr)
        return 2
    if hasattr(view, "place"):
        view.place(remembered.windows.get(view_name, ""))  # where it was, on today's screen
    interfaces = interfaces_from(os.environ)
    discovery = Discovery(interfaces) if interfaces is not None else None
    if hasattr(view, "discovery"):
        view.discovery = discovery  # the connect dialog lists the servers it finds
    defaults = connect_defaults(args, remembered)
    direct = bool(args.host and args.port and args.nick)
    controller = start_client(view, params=defaults if direct else None, defaults=defaults,
                              settings_store=store, cache_dir=data_dir(),
                              notifier=DesktopNotifications().start())
    try:
        view.run()
    finally:
        controller.shut_down()
        remember_placement(store, view_name, getattr(view, "placement", ""))
        controller.wait_closed()  # the Tk loop has ended: let the QUIT go out
        if discovery is not None:
            discovery.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
