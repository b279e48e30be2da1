"""What a channel's modes with parameters hold, beside Channel.modes (the flags): the key, the
client limit, the ban/exception/invite-exception lists and the pending invites. In memory only,
like the rest of a channel: it goes when the channel empties, and with a restart."""

from __future__ import annotations

from dataclasses import dataclass, field

from server.masks import Masked, key_of, matches

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

    def entries(self, letter: str) -> list[ListEntry]:
        return list(self.lists[letter].values())

    def add(self, letter: str, entry: ListEntry) -> bool:
        """Add entry to list letter; False when its mask is there already."""
        found = self.lists[letter]
        if key_of(entry.mask) in found:
            return False
        found[key_of(entry.mask)] = entry
        return True

    def remove(self, letter: str, mask: str) -> ListEntry | None:
        """Take mask off list letter; the entry removed, or None if it was not there."""
        return self.lists[letter].pop(key_of(mask), None)

    def listed(self, letter: str, client: Masked) -> bool:
        """Whether client matches a mask of list letter."""
        return any(matches(entry.mask, client) for entry in self.lists[letter].values())

    def banned(self, client: Masked) -> bool:
        """Whether a ban matches client and no exception does."""
        return self.listed("b", client) and not self.listed("e", client)
