"""Colours and theme names the views use: the light/dark theme pair and a stable colour per nick.

No Tk here, so the choices can be tested without a display.
"""

from __future__ import annotations

import zlib

from ircproto.casemap import casefold

THEME_NAMES: dict[str, str] = {"light": "pydata-light", "dark": "pydata-dark"}
"""Our theme names ('light', 'dark') -> the ttkbootstrap 2.x theme each one uses."""

# Twelve hues 30 degrees or so apart, each in a darker shade for the light theme (contrast at
# least 5:1 on white) and a lighter one for the dark theme (at least 7:1 on its background), so a
# nick keeps its hue when the theme changes and stays readable on both.
NICK_COLOURS: dict[str, tuple[str, ...]] = {
    "light": (
        "#d61f1f", "#a15c17", "#7d6b12", "#457811", "#127d36", "#127d6b",
        "#167798", "#1f6bd6", "#4c4ce6", "#913fe4", "#c01bc0", "#d21e78",
    ),
    "dark": (
        "#f18383", "#e98f35", "#c1a415", "#66b814", "#15bc4d", "#14b89c",
        "#19afe1", "#71a5ef", "#9a9af4", "#c291f3", "#ef71ef", "#f17eb8",
    ),
}

STATUS_STYLES: dict[str, str] = {
    "connecting": "warning",
    "connected": "success",
    "disconnected": "danger",
}
"""Connection status -> the bootstyle colour its badge uses."""


def theme_for(mode: str) -> str:
    """The ttkbootstrap theme for 'light' or 'dark'; ValueError for anything else."""
    try:
        return THEME_NAMES[mode]
    except KeyError:
        raise ValueError(f"unknown theme {mode!r}; expected one of {', '.join(THEME_NAMES)}") \
            from None


def nick_slot(nick: str) -> int:
    """The palette slot of nick: the same for every spelling of one nick, and across runs."""
    nick_key = casefold(nick)
    return zlib.crc32(nick_key.encode("utf-8")) % len(NICK_COLOURS["light"])


def nick_colour(nick: str, mode: str) -> str:
    """The colour nick is drawn in under the 'light' or 'dark' theme."""
    return NICK_COLOURS[mode][nick_slot(nick)]


MUTED_COLOURS: dict[str, str] = {"light": "#6c757d", "dark": "#9aa4b1"}
"""Secondary text (timestamps, system lines, the server and detail labels) per theme."""


def muted_colour(mode: str) -> str:
    """The colour of secondary text under the 'light' or 'dark' theme."""
    return MUTED_COLOURS[mode]
