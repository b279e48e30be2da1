"""LocalChat's IRC server: `python -m server`. Start with server/README.md: the modules, each
kind of thread, and the eight locks with the order they are taken in."""
