"""What the server advertises in RPL_ISUPPORT (005) and RPL_MYINFO (004): the limits and mode
letters the command modules enforce, defined once here."""

from __future__ import annotations

from ircproto.names import CHANNELLEN, CHANTYPES, NICKLEN
from server.chanmodes import LIST_MODES
from server.commands.base import BOT_MODE
from server.config import ServerConfig
from server.elist import ELIST
from server.masks import EXTBAN_PREFIX, EXTBAN_TYPES
from server.monitor import MONITOR_LIMIT
from server.state import CASEMAPPING, MEMBER_PREFIXES

USERLEN = 18
REALNAMELEN = 200
TOPICLEN = 390
AWAYLEN = 200
KICKLEN = 255
MAXTARGETS = 4
MODES_PER_LINE = 4  # mode changes with a parameter in one MODE
KEYLEN = 32
MAXLIST = 100  # masks in a channel's +b, +e and +I lists together
CHATHISTORY_MAX = 100  # most messages one CHATHISTORY reply holds
USER_MODES = "Bio"
GRANTED_USER_MODES = "o"  # user modes only the server sets (OPER); MODE may only unset them
CHANNEL_FLAGS = "imnst"  # channel modes without an argument (CHANMODES type D)
KEY_MODE = "k"  # CHANMODES type B: a parameter to set and to unset
LIMIT_MODE = "l"  # CHANMODES type C: a parameter to set only
MEMBER_MODES = "".join(MEMBER_PREFIXES)  # "ov": channel modes that take a nick (PREFIX)
STATUSMSG = "".join(MEMBER_PREFIXES.values())  # "@+": PRIVMSG @#chan reaches its ops only
TARGMAX = {"KICK": 4, "NOTICE": MAXTARGETS, "PRIVMSG": MAXTARGETS, "TAGMSG": MAXTARGETS,
           "WHOIS": 4}


def isupport_tokens(config: ServerConfig) -> list[str]:
    """The RPL_ISUPPORT tokens this server advertises."""
    prefix = f"({MEMBER_MODES}){''.join(MEMBER_PREFIXES.values())}"
    return [
        f"NETWORK={config.network}", f"CASEMAPPING={CASEMAPPING}", f"CHANTYPES={CHANTYPES}",
        f"PREFIX={prefix}", *mode_tokens(), f"NICKLEN={NICKLEN}",
        f"CHANNELLEN={CHANNELLEN}", f"TOPICLEN={TOPICLEN}", f"AWAYLEN={AWAYLEN}",
        f"KICKLEN={KICKLEN}", f"MODES={MODES_PER_LINE}", f"MAXTARGETS={MAXTARGETS}",
        f"USERLEN={USERLEN}", "UTF8ONLY", f"CHANLIMIT={CHANTYPES}:{config.max_channels or ''}",
        f"CHATHISTORY={CHATHISTORY_MAX}", "MSGREFTYPES=msgid,timestamp", "WHOX",
        f"ELIST={ELIST}", f"MONITOR={MONITOR_LIMIT}",
    ]


def mode_tokens() -> list[str]:
    """The tokens about modes and what hangs on them: CHANMODES and its lists, keys, bots,
    STATUSMSG and TARGMAX."""
    return [
        f"CHANMODES={LIST_MODES},{KEY_MODE},{LIMIT_MODE},{CHANNEL_FLAGS}", "EXCEPTS=e",
        "INVEX=I", f"MAXLIST={LIST_MODES}:{MAXLIST}", f"EXTBAN={EXTBAN_PREFIX},{EXTBAN_TYPES}",
        f"KEYLEN={KEYLEN}", f"BOT={BOT_MODE}", f"STATUSMSG={STATUSMSG}",
        "TARGMAX=" + ",".join(f"{verb}:{most}" for verb, most in TARGMAX.items()),
    ]


def myinfo_modes() -> tuple[str, str, str]:
    """RPL_MYINFO's user modes, channel modes and channel modes with a parameter."""
    with_parameter = LIST_MODES + KEY_MODE + LIMIT_MODE + MEMBER_MODES
    return USER_MODES, "".join(sorted(CHANNEL_FLAGS + with_parameter)), with_parameter
