"""Tk objects must be freed on the thread that made them: automatic garbage collection stays off
while a test runs (server and reader threads would otherwise collect a closed window's cycles,
and a Tk finaliser on another thread stalls or aborts), and the test's garbage is collected on
the main thread afterwards. Conftests of folders whose tests open windows import the fixture."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def collect_tk_garbage_on_main_thread() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()
