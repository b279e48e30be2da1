"""contrib/: the desktop entry names what the package installs (the `localchat` GUI script, the
icon `make install-desktop` puts in place, the windows' WM class) and the systemd unit is one
systemd-analyze accepts without a warning, unprivileged, restarting on failure."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from app.assets import WM_CLASS

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "contrib" / "localchat-server.service"


def ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read(path, encoding="utf-8")
    return parser


def test_contrib_desktop_entry_names_the_program_icon_and_wm_class():
    entry = ini(ROOT / "contrib" / "localchat.desktop")["Desktop Entry"]
    gui = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["gui-scripts"]
    assert entry["Exec"] in gui and entry["Type"] == "Application"
    assert entry["StartupWMClass"] == WM_CLASS
    assert entry["Terminal"] == "false" and "Chat" in entry["Categories"].split(";")
    assert entry["Icon"] == "localchat"


def test_contrib_make_install_desktop_puts_entry_and_icons_in_the_share_dir(tmp_path: Path):
    done = subprocess.run(["make", "-s", "install-desktop", f"DATA_HOME={tmp_path}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "applications" / "localchat.desktop").read_bytes() == \
        (ROOT / "contrib" / "localchat.desktop").read_bytes()
    for size, suffix in (("scalable", "svg"), ("256x256", "png")):
        assert (tmp_path / "icons" / "hicolor" / size / "apps" / f"localchat.{suffix}").is_file()
    done = subprocess.run(["make", "-s", "uninstall-desktop", f"DATA_HOME={tmp_path}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not (tmp_path / "applications" / "localchat.desktop").exists()


def test_contrib_unit_is_unprivileged_with_a_state_directory_and_restarts():
    service = ini(UNIT)["Service"]
    assert service["User"] == "localchat" and service["NoNewPrivileges"] == "yes"
    assert service["CapabilityBoundingSet"] == "" and service["ProtectSystem"] == "strict"
    assert service["StateDirectory"] == "localchat" and service["Restart"] == "on-failure"
    assert "--data-dir ${STATE_DIRECTORY}" in service["ExecStart"]


def test_contrib_unit_runs_glibc_without_per_thread_malloc_caches():
    """The measured setting behind a flat RSS at a steady load (README, Benchmarks, soak)."""
    assert ini(UNIT)["Service"]["Environment"] == "GLIBC_TUNABLES=glibc.malloc.tcache_count=0"


def test_contrib_unit_passes_systemd_analyze_verify(tmp_path: Path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:  # not a test dependency: removing systemd is not something to ask for
        pytest.skip("systemd-analyze is not installed")
    unit = tmp_path / UNIT.name  # ExecStart pointed at a program that exists here
    unit.write_text(UNIT.read_text().replace("/opt/localchat/bin/localchat-server",
                                             sys.executable), encoding="utf-8")
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True,
                          cwd=tmp_path, env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
                          timeout=60)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr
