"""Controllers: bind the view's actions (Send, Enter, Users, Escape, X) to model calls."""
