"""The system's light/dark preference, for a user who has not picked a theme: on Linux the
freedesktop portal (org.freedesktop.appearance color-scheme, through gdbus or dbus-send), then
GTK_THEME, then gsettings; on macOS AppleInterfaceStyle; on Windows AppsUseLightTheme. Each
probe is bounded by PROBE_TIMEOUT_S and any failure means 'no answer'; the default is light."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping

PROBE_TIMEOUT_S = 0.5
PORTAL = ("--dest", "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop")

Runner = Callable[[list[str]], "str | None"]
"""Runs a command, returning its standard output, or None when it failed or timed out."""

log = logging.getLogger(__name__)


def run_quietly(command: list[str]) -> str | None:
    """command's output; None when it is missing, fails or takes longer than PROBE_TIMEOUT_S."""
    if shutil.which(command[0]) is None:
        return None
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S,
                              stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        log.info("theme probe %s failed: %s", command[0], error)
        return None
    return done.stdout if done.returncode == 0 else None


def portal_commands() -> list[list[str]]:
    """The two ways to ask the portal's Settings.Read for color-scheme."""
    dest, name, path = PORTAL
    return [
        ["gdbus", "call", "--session", dest, name, "--object-path", path, "--method",
         "org.freedesktop.portal.Settings.Read", "org.freedesktop.appearance", "color-scheme"],
        ["dbus-send", "--session", "--print-reply=literal", f"{dest}={name}", path,
         "org.freedesktop.portal.Settings.Read", "string:org.freedesktop.appearance",
         "string:color-scheme"],
    ]


def from_portal(output: str) -> str:
    """The portal's answer: 1 is dark, 2 is light, 0 (no preference) and anything else ''."""
    found = re.search(r"uint32\s+(\d+)", output)
    return {"1": "dark", "2": "light"}.get(found.group(1), "") if found else ""


def from_gtk_theme(name: str) -> str:
    """'Adwaita:dark' or 'Yaru-dark' is dark; another named theme light; '' when unset."""
    if not name.strip():
        return ""
    return "dark" if re.search(r"[-:_]dark\b", name.lower()) else "light"


def linux_theme(run: Runner, env: Mapping[str, str]) -> str:
    """The Linux desktop's preference, '' when nothing answered."""
    for command in portal_commands():
        output = run(command)
        if output is not None and from_portal(output):
            return from_portal(output)
    if from_gtk_theme(env.get("GTK_THEME", "")):
        return from_gtk_theme(env.get("GTK_THEME", ""))
    scheme = run(["gsettings", "get", "org.gnome.desktop.interface", "color-scheme"])
    if scheme is not None and "dark" in scheme:
        return "dark"
    if scheme is not None and "light" in scheme:
        return "light"
    gtk = run(["gsettings", "get", "org.gnome.desktop.interface", "gtk-theme"])
    return from_gtk_theme(gtk.strip().strip("'")) if gtk is not None else ""


def mac_theme(run: Runner) -> str:
    """macOS: AppleInterfaceStyle is 'Dark' in dark mode and unset in light mode."""
    output = run(["defaults", "read", "-g", "AppleInterfaceStyle"])
    return "dark" if output is not None and "dark" in output.lower() else "light"


def windows_theme() -> str:
    """Windows: the Personalize key's AppsUseLightTheme (0 is dark)."""
    try:
        import winreg  # type: ignore[import-not-found,unused-ignore]

        key = winreg.OpenKey(winreg.HKEY_CURRENT_USER,  # type: ignore[attr-defined,unused-ignore]
                             r"Software\Microsoft\Windows\CurrentVersion\Themes\Personalize")
        value, _ = winreg.QueryValueEx(key, "AppsUseLightTheme")  # type: ignore[attr-defined,unused-ignore]
    except (ImportError, OSError):
        return ""
    return "light" if value else "dark"


def system_theme(platform: str = sys.platform, run: Runner = run_quietly,
                 env: Mapping[str, str] | None = None) -> str:
    """'light' or 'dark' as the system prefers; 'light' when it does not say."""
    if platform == "win32":
        found = windows_theme()
    elif platform == "darwin":
        found = mac_theme(run)
    else:
        found = linux_theme(run, os.environ if env is None else env)
    return found or "light"
