"""The channel lists: bans (+b), ban exceptions (+e, EXCEPTS) and invite exceptions (+I,
INVEX). `MODE #chan b` lists one (367/368, 348/349, 346/347, each entry with who set it and
when); `MODE #chan +b mask` adds a normalised mask (server.masks), at most MAXLIST in all
(478), and `-b mask` removes it."""

from __future__ import annotations

from ircproto import numerics as n
from server.chanmodes import ListEntry
from server.commands.base import Context, ReplyError, not_on_channel
from server.commands.isupport import MAXLIST
from server.masks import InvalidMask, normalize
from server.state import Channel

# letter -> (its entry numeric, its end numeric, the end's text)
LIST_REPLIES = {
    "b": (n.RPL_BANLIST, n.RPL_ENDOFBANLIST, "End of channel ban list"),
    "e": (n.RPL_EXCEPTLIST, n.RPL_ENDOFEXCEPTLIST, "End of channel exception list"),
    "I": (n.RPL_INVEXLIST, n.RPL_ENDOFINVEXLIST, "End of Channel Invite Exception List"),
}


def send_list(ctx: Context, channel: Channel, letter: str) -> None:
    """One list's entries and its end reply. Anyone may see the lists of a channel that is
    not secret; a secret one's only its members (442 for others)."""
    if channel.secret and ctx.client not in channel.members:
        raise not_on_channel(channel)
    entry_numeric, end_numeric, end_text = LIST_REPLIES[letter]
    for entry in channel.settings.entries(letter):
        ctx.reply(entry_numeric, channel.name, entry.mask, entry.set_by, str(entry.set_at))
    ctx.reply(end_numeric, channel.name, end_text)


def change_list(ctx: Context, channel: Channel, sign: str, letter: str, mask: str) -> str | None:
    """Add (sign '+') or remove a mask; the mask as the change shows it, or None when nothing
    changed. 696 for a mask that cannot be set, 478 when the lists are full."""
    try:
        mask = normalize(mask)
    except InvalidMask as error:
        raise ReplyError(n.ERR_INVALIDMODEPARAM, channel.name, letter, mask, str(error)) from None
    settings = channel.settings
    if sign == "-":
        removed = settings.remove(letter, mask)
        return removed.mask if removed else None
    if sum(len(entries) for entries in settings.lists.values()) >= MAXLIST:
        raise ReplyError(n.ERR_BANLISTFULL, channel.name, letter, "Channel list is full")
    entry = ListEntry(mask, ctx.client.prefix, int(ctx.state.wall_clock()))
    return mask if settings.add(letter, entry) else None
