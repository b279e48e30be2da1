"""Theme names and nick colours: stable, distinct enough, readable on both backgrounds."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.views.palette import NICK_COLOURS, THEME_NAMES, nick_colour, nick_slot, theme_for

BACKGROUNDS = {"light": "#ffffff", "dark": "#14181e"}  # pydata-light / pydata-dark


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_theme_for_maps_light_and_dark_to_installed_pair() -> None:
    assert theme_for("light") == THEME_NAMES["light"] and theme_for("dark") == THEME_NAMES["dark"]
    with pytest.raises(ValueError, match="unknown theme 'blue'"):
        theme_for("blue")


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_nick_colours_are_readable_on_the_theme_background(mode: str) -> None:
    for colour in NICK_COLOURS[mode]:
        assert contrast(colour, BACKGROUNDS[mode]) >= 4.5, colour


def test_nick_colours_have_one_slot_per_hue_in_both_modes() -> None:
    assert len(NICK_COLOURS["light"]) == len(NICK_COLOURS["dark"])
    assert len(set(NICK_COLOURS["light"])) == len(NICK_COLOURS["light"])


def test_nick_slot_is_casefolded() -> None:
    assert nick_slot("Bob") == nick_slot("bob") == nick_slot("BOB")
    assert nick_slot("Bob[away]") == nick_slot("bob{away}")
    assert nick_colour("Bob", "light") == NICK_COLOURS["light"][nick_slot("bob")]


@pytest.mark.parametrize("seed", ["1", "2"])
def test_nick_slot_is_the_same_in_every_run(seed: str) -> None:
    nicks = ["alice", "bob", "carol", "dave"]
    code = f"from app.views.palette import nick_slot; print([nick_slot(n) for n in {nicks!r}])"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=30, check=True, env=env)
    assert out.stdout.strip() == str([nick_slot(n) for n in nicks])


def test_nick_slot_spreads_nicks_over_the_palette() -> None:
    slots = {nick_slot(f"user{i}") for i in range(200)}
    assert len(slots) == len(NICK_COLOURS["light"])
