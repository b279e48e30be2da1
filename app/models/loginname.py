"""The nick the connect dialog offers first: the user's login name (getpass.getuser()), made a
valid IRC nick ('Jean Dupont' -> 'Jean_Dupont', '1st' -> '_1st'; '' when nothing usable is
left)."""

from __future__ import annotations

import getpass
import unicodedata
from collections.abc import Callable

from ircproto.names import NICKLEN, nick_error

_ALLOWED_FIRST = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ[]\\`_^{|}")
_ALLOWED = _ALLOWED_FIRST | set("0123456789-")


def nick_from_login(login: str, nicklen: int = NICKLEN) -> str:
    """login as a valid nick: accents dropped, other characters '_', a leading digit or '-'
    prefixed with '_', cut to nicklen; '' when no letter or digit is left."""
    plain = unicodedata.normalize("NFKD", login).encode("ascii", "ignore").decode("ascii")
    nick = "".join(c if c in _ALLOWED else "_" for c in plain.strip()).strip("_")
    if not any(c.isalnum() for c in nick):
        return ""
    if nick[0] not in _ALLOWED_FIRST:
        nick = "_" + nick
    nick = nick[:nicklen]
    return nick if nick_error(nick, nicklen) is None else ""


def default_nick(getuser: Callable[[], str] = getpass.getuser) -> str:
    """The login name as a nick ('' when the login name cannot be read or used)."""
    try:
        return nick_from_login(getuser())
    except (OSError, KeyError, ImportError):  # no login name (no USER/LOGNAME, no passwd entry)
        return ""
