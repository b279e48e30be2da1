"""Where the window was, pure: a Tk geometry ('WIDTHxHEIGHT+X+Y') read and written, and fitted
onto the screen there is now, so a window last seen on a monitor since unplugged (or on a bigger
screen) opens whole and visible."""

from __future__ import annotations

import re
from dataclasses import dataclass

_GEOMETRY = re.compile(r"(\d{1,5})x(\d{1,5})\+(-?\d{1,6})\+(-?\d{1,6})")


@dataclass(frozen=True, slots=True)
class Placement:
    """A window's size and the position of its top-left corner on the screen, in pixels."""

    width: int
    height: int
    x: int
    y: int

    def geometry(self) -> str:
        """As Tk's wm geometry takes it."""
        return f"{self.width}x{self.height}+{self.x}+{self.y}"


def parse_placement(text: str) -> Placement | None:
    """The placement in text as Tk reports it ('1080x640+120+80', '800x600+-8+0'); None for
    anything else (a position from the right or bottom edge, a size of 0)."""
    found = _GEOMETRY.fullmatch(text.strip())
    if found is None:
        return None
    width, height, x, y = (int(part) for part in found.groups())
    return Placement(width, height, x, y) if width > 0 and height > 0 else None


def fit(placement: Placement, screen: tuple[int, int],
        minimum: tuple[int, int] = (1, 1)) -> Placement:
    """placement made to fit screen (width, height): no bigger than the screen (nor smaller than
    minimum, where the screen allows), and moved so all of it is on the screen."""
    screen_width, screen_height = max(1, screen[0]), max(1, screen[1])
    width = min(max(placement.width, minimum[0]), screen_width)
    height = min(max(placement.height, minimum[1]), screen_height)
    x = min(max(placement.x, 0), screen_width - width)
    y = min(max(placement.y, 0), screen_height - height)
    return Placement(width, height, x, y)
