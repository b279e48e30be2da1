"""The application's own files shipped in the package: its icon (PNG for Tk, SVG for desktops)."""

from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).resolve().parent
ICON_PNG = ASSETS / "localchat.png"  # 256x256, drawn by scripts/make-icon.py from the SVG's shapes
ICON_SVG = ASSETS / "localchat.svg"
# X11 WM_CLASS of the windows: Tk makes the class of its main window from className in title
# case (Tcl_UtfToTitle), so 'LocalChat' cannot be had; the instance is the desktop file's name
WM_INSTANCE = "localchat"  # passed as className; also the .desktop file's id
WM_CLASS = "Localchat"  # StartupWMClass in contrib/localchat.desktop
