"""Who LUSERS counts, kept as it changes (every registration sends LUSERS, so no count walks
every client): the registered users (identities; a person's other devices are not users), the
invisible (+i) ones and the operators (+o). Pure, under the state lock."""

from __future__ import annotations

from typing import Protocol


class Counted(Protocol):
    """What the census reads of a client: its user modes."""

    modes: set[str]


class Census:
    """The sets LUSERS counts: registering adds a user (server.commands.welcome), leaving
    (State.remove_client, server.devices.promote) takes it out, every change of a user's modes
    calls moded()."""

    __slots__ = ("invisible", "opers", "users")

    def __init__(self) -> None:
        self.users: set[Counted] = set()
        self.invisible: set[Counted] = set()
        self.opers: set[Counted] = set()

    def registered(self, user: Counted) -> None:
        self.users.add(user)
        self.moded(user)

    def moded(self, user: Counted) -> None:
        """user's modes changed (or it just registered): +i and +o are counted again."""
        if user not in self.users:
            return
        for letter, holders in (("i", self.invisible), ("o", self.opers)):
            if letter in user.modes:
                holders.add(user)
            else:
                holders.discard(user)

    def left(self, user: Counted) -> None:
        for counted in (self.users, self.invisible, self.opers):
            counted.discard(user)

    def replaced(self, old: Counted, new: Counted) -> None:
        """new (a promoted device, server.devices) is the user old was."""
        if old in self.users:
            self.left(old)
            self.registered(new)
