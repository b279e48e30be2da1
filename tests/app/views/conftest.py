"""The view tests open real windows: their garbage is collected on the main thread."""

from tests.tkgarbage import collect_tk_garbage_on_main_thread  # noqa: F401
