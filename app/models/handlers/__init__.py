"""The session's handlers of incoming lines, grouped by topic; table.py maps each command to one."""
