"""How the log looks: its fonts, and the colour and font of each tag logline.py uses, per theme.

The tags are configured in one fixed order, since Tk ranks tags by when they were first made.
"""

from __future__ import annotations

import tkinter
import tkinter.font as tkfont
from typing import Any

from app.views.palette import NICK_COLOURS, muted_colour

DARK_ERROR = "#ff6b78"
"""Errors and the 'new messages' marker on the dark theme (its danger colour is too dim)."""


class LogStyle:
    """The fonts and tag colours of one log Text."""

    def __init__(self, text: tkinter.Text) -> None:
        self.text = text
        self.fonts = log_fonts(text)

    def apply(self, colours: Any, theme: str) -> None:
        """Colour the Text and its tags for theme ('light' or 'dark') from ttk colours."""
        light = theme == "light"
        self.text.configure(background=colours.inputbg, foreground=colours.inputfg,
                            selectbackground=colours.selectbg, selectforeground=colours.selectfg,
                            inactiveselectbackground=colours.selectbg,
                            highlightbackground=colours.border, highlightcolor=colours.border)
        for slot, colour in enumerate(NICK_COLOURS[theme]):
            self.text.tag_configure(f"nick{slot}", foreground=colour)
        self._configure_kinds(muted_colour(theme), colours.danger if light else DARK_ERROR, light)
        self.text.tag_raise("private", "own")
        self.text.tag_raise("mention", "private")
        self.text.tag_raise("pending")
        self.text.tag_raise("sel")

    def _configure_kinds(self, muted: str, danger: str, light: bool) -> None:
        fonts, tag = self.fonts, self.text.tag_configure
        tag("time", foreground=muted, font=fonts["fixed"])
        tag("nick", font=fonts["bold"])
        tag("punct", foreground=muted)
        tag("system", foreground=muted, font=fonts["italic"])
        tag("error", foreground=danger, font=fonts["bold"])
        tag("notice", foreground=muted)
        tag("action", font=fonts["italic"])
        tag("own", background="#e8f3f5" if light else "#1c2b31")
        tag("private", background="#f4ecfb" if light else "#2a2134")
        tag("mention", background="#fff1bf" if light else "#4a3b12")
        tag("pmlabel", foreground="#8e3ab0" if light else "#d59cf0", font=fonts["bold"])
        tag("pending", foreground=muted, font=fonts["italic"])
        tag("pendingmark", foreground=muted, font=fonts["small"])
        tag("quote", foreground=muted, font=fonts["small"], lmargin1=24)
        tag("cont", lmargin1=48, lmargin2=48)
        tag("deleted", foreground=muted, font=fonts["italic"])
        tag("chips", font=fonts["small"], lmargin1=44, spacing1=3, spacing3=4)
        tag("chip", background="#e3e8ef" if light else "#2f3a46",
            foreground="#26313d" if light else "#dfe7ef")
        tag("marker", foreground=danger, font=fonts["small_bold"], justify="center",
            spacing1=6, spacing3=6)


def log_fonts(widget: tkinter.Misc) -> dict[str, tkfont.Font]:
    """The log's fonts: its text font in bold and italic, and a fixed font for timestamps."""
    base = tkfont.nametofont("TkTextFont", root=widget).actual()
    fixed = tkfont.nametofont("TkFixedFont", root=widget).actual()
    return {
        "bold": tkfont.Font(root=widget, **{**base, "weight": "bold"}),
        "italic": tkfont.Font(root=widget, **{**base, "slant": "italic"}),
        "fixed": tkfont.Font(root=widget, **{**fixed, "size": base["size"]}),
        "small": tkfont.Font(root=widget, **{**base, "size": _smaller(base["size"])}),
        "small_bold": tkfont.Font(root=widget, **{**base, "size": _smaller(base["size"]),
                                                  "weight": "bold"}),
    }


def _smaller(size: int) -> int:
    """One step smaller than a Tk font size (points when positive, pixels when negative)."""
    return size - 1 if size > 0 else size + 1
