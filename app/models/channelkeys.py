"""Channel keys (+k) we know, so that a rejoin after a reconnect gives the key again: the key a
MODE line or a 324 reply sets, read from the modestring as the server's CHANMODES parse it."""

from __future__ import annotations

from app.models.features import ServerFeatures


def key_change(features: ServerFeatures, modestring: str, args: list[str]) -> str | None:
    """The channel key a MODE change leaves: the new key for +k, "" for -k, None when the
    change does not touch the key (or the server hid it as '*')."""
    list_modes, always, when_set, _ = features.chanmodes
    adding, found, args = True, None, list(args)
    for char in modestring:
        if char in "+-":
            adding = char == "+"
        elif char == "k":
            arg = args.pop(0) if args and (adding or char in always) else ""
            if not adding:
                found = ""
            elif arg and arg != "*":
                found = arg
        elif char in features.prefix_modes or char in list_modes or char in always \
                or (adding and char in when_set):
            if args:
                args.pop(0)
    return found


class ChannelKeys:
    """The key of each channel we are in or want to rejoin, by folded name."""

    def __init__(self) -> None:
        self._keys: dict[str, str] = {}

    def set(self, folded: str, key: str) -> None:
        """Remember key for the channel ("" forgets it)."""
        if key:
            self._keys[folded] = key
        else:
            self._keys.pop(folded, None)

    def get(self, folded: str) -> str:
        """The channel's key, or "" when it has none we know of."""
        return self._keys.get(folded, "")
