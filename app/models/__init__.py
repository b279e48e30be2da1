"""Client models: connection, session, user list, message log, settings. Nothing here imports Tk."""
