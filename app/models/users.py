"""The user list of a channel: who is here, with their channel prefix, ops first."""

from __future__ import annotations

from dataclasses import dataclass

from ircproto.casemap import DEFAULT_CASEMAPPING, casefold


@dataclass(frozen=True, slots=True)
class UserItem:
    """One user as the user pane shows it: prefix is the highest channel prefix ('@', '+' or '')."""

    nick: str
    prefix: str = ""
    away: bool = False


DEFAULT_PREFIXES = "~&@%+"
"""Channel prefixes, highest first, when the server's ISUPPORT PREFIX says nothing."""


class UserList:
    """Who is in one channel, keyed by casefolded nick. items() is sorted by highest prefix (ops,
    then voiced, then others) and then by nick, case-insensitively."""

    def __init__(self, casemapping: str = DEFAULT_CASEMAPPING, prefixes: str = DEFAULT_PREFIXES):
        self._casemapping = casemapping
        self._prefixes = prefixes
        self._users: dict[str, tuple[str, set[str]]] = {}
        self._away: set[str] = set()
        """The keys of the users marked away (away-notify)."""

    def _key(self, nick: str) -> str:
        return casefold(nick, self._casemapping)

    def __len__(self) -> int:
        return len(self._users)

    def __contains__(self, nick: object) -> bool:
        return isinstance(nick, str) and self._key(nick) in self._users

    def add(self, nick: str, prefixes: str = "") -> None:
        """Add nick (or update its prefixes when already here)."""
        self._users[self._key(nick)] = (nick, {p for p in prefixes if p in self._prefixes})

    def add_entry(self, entry: str) -> None:
        """Add one RPL_NAMREPLY entry such as '@+alice' or 'bob!b@host' (userhost-in-names)."""
        index = 0
        while index < len(entry) and entry[index] in self._prefixes:
            index += 1
        nick = entry[index:].split("!", 1)[0]
        if nick:
            self.add(nick, entry[:index])

    def remove(self, nick: str) -> bool:
        """Remove nick; False when it was not here."""
        self._away.discard(self._key(nick))
        return self._users.pop(self._key(nick), None) is not None

    def rename(self, old: str, new: str) -> bool:
        """Give old's place and prefixes to new; False when old was not here."""
        found = self._users.pop(self._key(old), None)
        if found is None:
            return False
        self._users[self._key(new)] = (new, found[1])
        if self._key(old) in self._away:
            self._away.discard(self._key(old))
            self._away.add(self._key(new))
        return True

    def prefixes_of(self, nick: str) -> set[str]:
        """nick's channel prefixes ('@', '+', ...); empty when nick is not here."""
        found = self._users.get(self._key(nick))
        return set(found[1]) if found else set()

    def set_away(self, nick: str, away: bool) -> bool:
        """Mark nick away or back; True when that changed what the list shows."""
        key = self._key(nick)
        if key not in self._users or (key in self._away) == away:
            return False
        if away:
            self._away.add(key)
        else:
            self._away.discard(key)
        return True

    def set_prefix(self, nick: str, prefix: str, on: bool) -> bool:
        """Give or take one channel prefix ('@', '+', ...); False when nick is not here."""
        found = self._users.get(self._key(nick))
        if found is None:
            return False
        if on:
            found[1].add(prefix)
        else:
            found[1].discard(prefix)
        return True

    def clear(self) -> None:
        """Forget everyone."""
        self._users.clear()
        self._away.clear()

    def nicks(self) -> list[str]:
        """The nicks, in display order."""
        return [item.nick for item in self.items()]

    def items(self) -> list[UserItem]:
        """Everyone as UserItems, ops first, then voiced, then the rest; by nick within each."""
        items = [UserItem(nick, self._highest(modes), key in self._away)
                 for key, (nick, modes) in self._users.items()]
        items.sort(key=lambda item: (self._rank(item.prefix), self._key(item.nick), item.nick))
        return items

    def _highest(self, prefixes: set[str]) -> str:
        return next((p for p in self._prefixes if p in prefixes), "")

    def _rank(self, prefix: str) -> int:
        return self._prefixes.index(prefix) if prefix else len(self._prefixes)
