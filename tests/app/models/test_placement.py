"""The window's placement: Tk geometries read back (and bad ones refused), and a placement fitted to
the screen there is now: shrunk to it, moved onto it, never below the minimum it allows."""

from __future__ import annotations

import pytest

from app.models.placement import Placement, fit, parse_placement

SCREEN = (1920, 1080)


@pytest.mark.parametrize(("text", "expected"), [
    ("1080x640+120+80", Placement(1080, 640, 120, 80)),
    (" 800x600+-8+0 ", Placement(800, 600, -8, 0)),
    ("1x1+0+0", Placement(1, 1, 0, 0)),
])
def test_placement_parses_what_tk_reports(text, expected):
    assert parse_placement(text) == expected
    assert parse_placement(expected.geometry()) == expected


@pytest.mark.parametrize("text", ["", "1080x640", "1080x640-10+0", "0x640+1+1", "axb+1+1",
                                  "1080x640+1+1+1", "99999999x1+0+0", "1080X640+0+0"])
def test_placement_refuses_anything_else(text):
    assert parse_placement(text) is None


def test_placement_on_screen_is_kept():
    kept = Placement(1080, 640, 300, 200)
    assert fit(kept, SCREEN, (760, 420)) == kept


def test_placement_from_an_unplugged_monitor_comes_back_on_screen():
    right_monitor = Placement(1080, 640, 2200, 300)  # was on a second screen to the right
    assert fit(right_monitor, SCREEN) == Placement(1080, 640, 840, 300)
    above_and_left = Placement(1080, 640, -1500, -900)
    assert fit(above_and_left, SCREEN) == Placement(1080, 640, 0, 0)


def test_placement_bigger_than_the_screen_shrinks_to_it():
    assert fit(Placement(2560, 1440, 100, 100), SCREEN) == Placement(1920, 1080, 0, 0)


def test_placement_keeps_the_minimum_size_where_the_screen_allows():
    assert fit(Placement(100, 50, 10, 10), SCREEN, (760, 420)) == Placement(760, 420, 10, 10)
    assert fit(Placement(100, 50, 10, 10), (640, 400), (760, 420)) == Placement(640, 400, 0, 0)
