"""Views: the view protocol (base.py) and the ttkbootstrap windows that implement it."""
