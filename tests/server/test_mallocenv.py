"""`python -m server` re-executes itself once on glibc with the per-thread malloc caches off
(server.mallocenv): the decision as a pure function of the environment and the C library, and a
real server process whose environment after the exec has the tunable, with the same pid."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from server.mallocenv import DONE, OPT_OUT, TCACHE_OFF, TUNABLES, on_glibc, tuned_environ
from tests.server.test_main import finish, run_server, wait_for_port


def test_mallocenv_glibc_without_the_tunable_re_executes_with_it():
    tuned = tuned_environ({"PATH": "/bin"}, glibc=True)
    assert tuned == {"PATH": "/bin", TUNABLES: TCACHE_OFF, DONE: "1"}


def test_mallocenv_other_tunables_are_kept():
    tuned = tuned_environ({TUNABLES: "glibc.malloc.arena_max=2"}, glibc=True)
    assert tuned is not None
    assert tuned[TUNABLES] == f"glibc.malloc.arena_max=2:{TCACHE_OFF}"


@pytest.mark.parametrize("environ", [
    {TUNABLES: TCACHE_OFF},  # the systemd unit set it
    {TUNABLES: "glibc.malloc.arena_max=2:glibc.malloc.tcache_count=7"},  # chosen by hand
    {OPT_OUT: "1"},  # glibc's defaults asked for
    {DONE: "1"},  # re-executed once already (the loader may have dropped the tunable)
])
def test_mallocenv_no_re_exec_when_set_refused_or_done(environ):
    assert tuned_environ(environ, glibc=True) is None


def test_mallocenv_opt_out_of_zero_still_re_executes():
    assert tuned_environ({OPT_OUT: "0"}, glibc=True) is not None


def test_mallocenv_nothing_to_do_off_glibc():
    assert tuned_environ({}, glibc=False) is None


def test_mallocenv_knows_its_c_library():
    libc = os.confstr("CS_GNU_LIBC_VERSION") if hasattr(os, "confstr") else None
    assert on_glibc() == bool(libc and libc.startswith("glibc"))


def environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().partition("=")[::2] for item in raw if item)


@pytest.mark.skipif(not on_glibc() or not sys.platform.startswith("linux"),
                    reason="the re-exec happens on glibc; /proc shows a process's environment")
@pytest.mark.parametrize("opt_out", [False, True])
def test_mallocenv_python_m_server_runs_with_the_caches_off_in_the_same_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opt_out: bool):
    monkeypatch.delenv(TUNABLES, raising=False)
    monkeypatch.delenv(DONE, raising=False)
    if opt_out:
        monkeypatch.setenv(OPT_OUT, "1")
    else:
        monkeypatch.delenv(OPT_OUT, raising=False)
    proc = run_server("--port", "0", "--data-dir", str(tmp_path))
    wait_for_port(proc)  # the same Popen pid: os.execve kept it
    environ = environ_of(proc.pid)
    proc.send_signal(signal.SIGTERM)
    code, err = finish(proc, timeout=10)
    assert code == 0, err
    if opt_out:
        assert TUNABLES not in environ and DONE not in environ
    else:
        assert environ[TUNABLES] == TCACHE_OFF and environ[DONE] == "1"
