"""`python -m server` on glibc runs without glibc's per-thread malloc caches, as the systemd unit
does: it re-executes itself once with GLIBC_TUNABLES=glibc.malloc.tcache_count=0.

Why: with a thread per client, each reader thread frees memory other threads allocated (lines,
buffers, SQLite's pages) into its own cache (tcache: up to 7 chunks of each size up to 1 KiB),
and 200 such caches fill for many minutes (README, Benchmarks: the soak). The tunable is read
only when a process starts, so the server replaces itself (os.execv: the same pid, so `make run`
and a shell's `kill` still reach it) before it opens anything. No re-exec when the caches are
already set (by the unit, or by hand), when LOCALCHAT_MALLOC_DEFAULTS=1 asks for glibc's
defaults, after one re-exec already (LOCALCHAT_REEXECUTED, in case the loader dropped the
tunable), or off glibc (musl, macOS, Windows: nothing to set).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

log = logging.getLogger(__name__)
TUNABLES = "GLIBC_TUNABLES"
TCACHE_OFF = "glibc.malloc.tcache_count=0"
OPT_OUT = "LOCALCHAT_MALLOC_DEFAULTS"  # =1: keep glibc's defaults (no re-exec)
DONE = "LOCALCHAT_REEXECUTED"  # set in the re-executed process: never a second time
OTHER_PROGRAMS = frozenset({"accounts", "backup"})  # `python -m server accounts ...`: no server


def on_glibc() -> bool:
    """Whether this process runs on glibc (os.confstr names it; elsewhere it is absent)."""
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (ValueError, OSError, AttributeError):  # unknown name; no confstr on Windows
        return False


def tuned_environ(environ: Mapping[str, str], glibc: bool) -> dict[str, str] | None:
    """The environment to re-execute with (the caches off), or None to run as we are."""
    if not glibc or environ.get(OPT_OUT, "") not in ("", "0") or DONE in environ:
        return None
    tunables = environ.get(TUNABLES, "")
    if "glibc.malloc.tcache_count=" in tunables:  # set already, whatever the value
        return None
    tuned = dict(environ)
    tuned[TUNABLES] = f"{tunables}:{TCACHE_OFF}" if tunables else TCACHE_OFF
    tuned[DONE] = "1"
    return tuned


def reexecute_tuned(argv: list[str]) -> None:
    """Replace this process by itself with the caches off, when tuned_environ() says so and
    argv (the command line's arguments) starts a server; returns (and the server runs as it
    is) when it does not re-execute or the exec fails."""
    if argv[:1] and argv[0] in OTHER_PROGRAMS:
        return
    environ = tuned_environ(os.environ, on_glibc())
    if environ is None or not sys.executable or not sys.orig_argv:
        return
    argv = [sys.executable, *sys.orig_argv[1:]]  # (a venv is found from argv[0])
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, argv, environ)
    except OSError as error:
        log.warning("could not restart with glibc's per-thread malloc caches off (%s): "
                    "running with them", error)
