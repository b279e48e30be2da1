"""The channels we are in and who is in each, keyed by casefolded name under the server's
CASEMAPPING; also the NAMES replies still arriving and the channel MODE changes that move
a user's prefix."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.models.features import ServerFeatures
from app.models.users import UserList


@dataclass
class Channel:
    """A channel we are in."""

    name: str
    users: UserList
    topic: str = ""


class ChannelRoster:
    """Our channels in the order we joined them, and the NAMES lists being gathered."""

    def __init__(self, features: ServerFeatures) -> None:
        self._features = features
        self._channels: dict[str, Channel] = {}
        self._names: dict[str, UserList] = {}

    def _new_users(self) -> UserList:
        return UserList(self._features.casemapping, self._features.prefixes)

    def get(self, name: str) -> Channel | None:
        """The channel we are in called name, or None."""
        return self._channels.get(self._features.key(name))

    def __iter__(self) -> Iterator[Channel]:
        return iter(list(self._channels.values()))

    def names(self) -> list[str]:
        """The names of the channels we are in, in the order we joined them."""
        return [channel.name for channel in self._channels.values()]

    def enter(self, name: str) -> Channel:
        """We joined name: the channel, new or the one we were already in."""
        found = self.get(name)
        if found is None:
            found = self._channels[self._features.key(name)] = Channel(name, self._new_users())
        return found

    def leave(self, name: str) -> Channel | None:
        """We left name: the channel we were in, or None."""
        return self._channels.pop(self._features.key(name), None)

    def rekey(self) -> None:
        """Fold the keys again after the server's CASEMAPPING changed."""
        self._channels = {self._features.key(c.name): c for c in self._channels.values()}

    # 353 <client> <symbol> <channel> :[prefix]<nick>{ [prefix]<nick>}
    def add_names(self, channel: str, entries: str) -> None:
        """Gather one RPL_NAMREPLY's '[prefix]nick' entries for channel."""
        pending = self._names.setdefault(self._features.key(channel), self._new_users())
        for entry in entries.split():
            pending.add_entry(entry)

    # 366 <client> <channel> :End of /NAMES list
    def end_names(self, channel: str) -> UserList:
        """The NAMES list gathered for channel, now complete; it replaces the channel's users
        when we are in it."""
        pending = self._names.pop(self._features.key(channel), self._new_users())
        found = self.get(channel)
        if found is not None:
            for user in found.users.items():
                if user.away:
                    pending.set_away(user.nick, True)  # NAMES does not say who is away
            found.users = pending
        return pending

    def apply_modes(self, found: Channel, modestring: str, args: list[str]) -> bool:
        """Apply a channel MODE change to found's users; True when a user's prefix changed."""
        adding, changed = True, False
        list_modes, always, when_set, _ = self._features.chanmodes
        for char in modestring:
            if char in "+-":
                adding = char == "+"
            elif char in self._features.prefix_modes:
                nick = args.pop(0) if args else ""
                prefix = self._features.prefix_for(char)
                changed = found.users.set_prefix(nick, prefix, adding) or changed
            elif args and (char in list_modes or char in always or (adding and char in when_set)):
                args.pop(0)
        return changed
