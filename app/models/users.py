"""The user list of a channel: who is here, with their channel prefix, ops first."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UserItem:
    """One user as the user pane shows it: prefix is the highest channel prefix ('@', '+' or '')."""

    nick: str
    prefix: str = ""
    away: bool = False
