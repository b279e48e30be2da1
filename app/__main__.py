"""`python -m app`: the LocalChat desktop client. The one place where the settings, the view
and the controller are wired together."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from typing import Sequence

from app.controllers.client import start_client
from app.models.settings import ConnectParams, SettingsStore
from app.views import DEFAULT_VIEW, NoDisplayError, UnknownViewError, make_view, view_names
from app.views.base import THEMES

log = logging.getLogger("app")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; exits 2 with a clear message when it is wrong."""
    parser = argparse.ArgumentParser(
        prog="localchat", description="LocalChat: chat with the people on your local network.",
        epilog="With --host, --port and --nick all given, LocalChat connects straight away; "
               "otherwise it asks, filled in with what was given or remembered.")
    parser.add_argument("--host", help="the chat server's name or address")
    parser.add_argument("--port", type=int, help="the chat server's port (13333)")
    parser.add_argument("--nick", help="your nickname")
    parser.add_argument("--view", metavar="NAME",
                        help=f"the window layout: {', '.join(view_names())} "
                             f"(default {DEFAULT_VIEW})")
    parser.add_argument("--theme", choices=THEMES, help="light or dark (default: as last time)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    args = parser.parse_args(argv)
    if args.port is not None and not 0 < args.port < 65536:
        parser.error(f"argument --port: must be from 1 to 65535, not {args.port}")
    if args.view is not None and args.view not in view_names():
        parser.error(str(UnknownViewError(args.view)))
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
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    status = run_client(args)
    gc.collect()  # free the closed window's Tk objects here, on the Tk thread, not on another
    return status


def run_client(args: argparse.Namespace) -> int:
    """Open the window, connect (asking where when the command line did not say), run until
    the window closes."""
    store = SettingsStore()
    remembered = store.load()
    view_name = args.view or (remembered.view if remembered.view in view_names() else DEFAULT_VIEW)
    try:
        view = make_view(view_name, args.theme or remembered.theme)
    except NoDisplayError as error:
        print(error, file=sys.stderr)
        return 2
    params: ConnectParams | None = None
    if args.host and args.port and args.nick:
        params = ConnectParams(args.host, args.port, args.nick)
    else:
        defaults = remembered.connect_params
        params = view.ask_connection(ConnectParams(args.host or defaults.host,
                                                   args.port or defaults.port,
                                                   args.nick or defaults.nick))
        if params is None:
            view.close()
            return 0
    controller = start_client(view, params=params, settings_store=store)
    try:
        view.run()
    finally:
        controller.shut_down()
    return 0


if __name__ == "__main__":
    sys.exit(main())
