"""LocalChat's desktop client: models (no Tk), ttkbootstrap views, and controllers between them."""
