"""What the server advertises in RPL_ISUPPORT (005) and RPL_MYINFO (004): the limits and mode
letters the command modules enforce, defined once here."""

from __future__ import annotations

from ircproto.names import CHANNELLEN, CHANTYPES, NICKLEN
from server.config import ServerConfig
from server.elist import ELIST
from server.monitor import MONITOR_LIMIT
from server.state import CASEMAPPING, MEMBER_PREFIXES

USERLEN = 18
REALNAMELEN = 200
TOPICLEN = 390
AWAYLEN = 200
KICKLEN = 255
MAXTARGETS = 4
MODES_PER_LINE = 4
CHATHISTORY_MAX = 100  # most messages one CHATHISTORY reply holds
USER_MODES = "io"
GRANTED_USER_MODES = "o"  # user modes only the server sets (OPER); MODE may only unset them
CHANNEL_FLAGS = "mnst"  # channel modes without an argument (CHANMODES type D)
MEMBER_MODES = "".join(MEMBER_PREFIXES)  # "ov": channel modes that take a nick (PREFIX)


def isupport_tokens(config: ServerConfig) -> list[str]:
    """The RPL_ISUPPORT tokens this server advertises."""
    prefix = f"({MEMBER_MODES}){''.join(MEMBER_PREFIXES.values())}"
    return [
        f"NETWORK={config.network}", f"CASEMAPPING={CASEMAPPING}", f"CHANTYPES={CHANTYPES}",
        f"PREFIX={prefix}", f"CHANMODES=,,,{CHANNEL_FLAGS}", f"NICKLEN={NICKLEN}",
        f"CHANNELLEN={CHANNELLEN}", f"TOPICLEN={TOPICLEN}", f"AWAYLEN={AWAYLEN}",
        f"KICKLEN={KICKLEN}", f"MODES={MODES_PER_LINE}", f"MAXTARGETS={MAXTARGETS}",
        f"USERLEN={USERLEN}", "UTF8ONLY", f"CHANLIMIT={CHANTYPES}:{config.max_channels or ''}",
        f"CHATHISTORY={CHATHISTORY_MAX}", "MSGREFTYPES=msgid,timestamp", "WHOX",
        f"ELIST={ELIST}", f"MONITOR={MONITOR_LIMIT}",
    ]


def myinfo_modes() -> tuple[str, str, str]:
    """RPL_MYINFO's user modes, channel modes and channel modes with a parameter."""
    return USER_MODES, "".join(sorted(CHANNEL_FLAGS + MEMBER_MODES)), MEMBER_MODES
