"""Controllers: bind the view's actions (Send, Enter, Users, Escape, X) to model calls."""

from app.controllers.client import ClientController, start_client

__all__ = ["ClientController", "start_client"]
