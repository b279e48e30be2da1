"""LocalChat's IRC server: `python -m server`."""
