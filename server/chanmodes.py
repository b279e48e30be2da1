"""What a channel's modes with parameters hold, beside Channel.modes (the flags): the key, the
client limit, the ban/exception/invite-exception lists and the pending invites. In memory only,
like the rest of a channel: it goes when the channel empties, and with a restart."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from server.masks import Masked, Subject, any_matcher, key_of, subject_of

LIST_MODES = "beI"  # CHANMODES type A: ban, ban exception (EXCEPTS), invite exception (INVEX)


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One mask of a list, who set it (nick!user@host) and when (Unix seconds)."""

    mask: str
    set_by: str
    set_at: int


@dataclass(eq=False)
class ChannelSettings:
    """The join key (+k, '' for none), the limit (+l, 0 for none), the +b/+e/+I lists (keyed by
    the casefolded mask, in the order they were set) and the clients invited (by Client.id;
    an invite lets its invitee join once)."""

    join_key: str = ""
    limit: int = 0
    lists: dict[str, dict[str, ListEntry]] = field(
        default_factory=lambda: {letter: {} for letter in LIST_MODES}
    )
    invited: set[int] = field(default_factory=set)
    _matchers: dict[str, Callable[[Subject], bool]] = field(default_factory=dict, repr=False)

    def entries(self, letter: str) -> list[ListEntry]:
        return list(self.lists[letter].values())

    def add(self, letter: str, entry: ListEntry) -> bool:
        """Add entry to list letter; False when its mask is there already."""
        found = self.lists[letter]
        if key_of(entry.mask) in found:
            return False
        found[key_of(entry.mask)] = entry
        self._matchers.pop(letter, None)
        return True

    def remove(self, letter: str, mask: str) -> ListEntry | None:
        """Take mask off list letter; the entry removed, or None if it was not there."""
        self._matchers.pop(letter, None)
        return self.lists[letter].pop(key_of(mask), None)

    def listed(self, letter: str, client: Masked | Subject) -> bool:
        """Whether client matches a mask of list letter."""
        entries = self.lists[letter]
        if not entries:
            return False
        test = self._matchers.get(letter)
        if test is None:  # made once per change of the list
            test = self._matchers[letter] = any_matcher(tuple(e.mask for e in entries.values()))
        return test(client if isinstance(client, Subject) else subject_of(client))

    def banned(self, client: Masked) -> bool:
        """Whether a ban matches client and no exception does."""
        if not self.lists["b"]:
            return False
        who = subject_of(client)
        return self.listed("b", who) and not self.listed("e", who)
