"""What the user typed that cannot be used: InvalidInput carries the friendly line to show.
Any other exception is a bug, logged with its traceback and shown as an internal error."""

from __future__ import annotations


class InvalidInput(Exception):
    """User input that cannot be sent or used; str(error) is the line to show the user."""
