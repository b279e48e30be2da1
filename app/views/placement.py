"""The window put back where it was: a remembered geometry fitted to the screen Tk reports now
(app.models.placement) and applied to the toplevel."""

from __future__ import annotations

import logging
import tkinter

from app.models.placement import fit, parse_placement

log = logging.getLogger(__name__)


def place_window(root: tkinter.Tk, geometry: str, minimum: tuple[int, int]) -> None:
    """Give root the size and position in geometry, moved and shrunk onto the screen."""
    placement = parse_placement(geometry)
    if placement is None:
        if geometry:
            log.warning("Ignoring the remembered window placement %r", geometry)
        return
    screen = (root.winfo_screenwidth(), root.winfo_screenheight())
    root.geometry(fit(placement, screen, minimum).geometry())
