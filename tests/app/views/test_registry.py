"""The view registry: names, lazy Tk import, clear errors for unknown names."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.views import DEFAULT_VIEW, UnknownViewError, describe, view_factory, view_names


def test_registry_names_full_first_and_compact() -> None:
    assert view_names() == ("full", "compact")
    assert DEFAULT_VIEW == "full"
    assert all(describe(name) for name in view_names())


def test_registry_unknown_name_lists_the_names() -> None:
    with pytest.raises(UnknownViewError, match="unknown view 'tiny'; choose one of: full, compact"):
        view_factory("tiny")


def test_registry_import_does_not_load_tk() -> None:
    code = ("import sys, app.views, app.views.base, app.views.logline, app.views.palette;"
            "app.views.view_factory('compact');"
            "print('tkinter' in sys.modules, 'ttkbootstrap' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=30, check=True)
    assert out.stdout.split() == ["False", "False"]
