"""WHOIS (Modern IRC): 311, 319, 312, 313, 301, 330, 335, 671, 276 and 317 about each nick of
the comma list, then 318 with the nick param exactly as given; 401 for nobody, 402 for another
server, 407 for more nicks than TARGMAX allows.

Channels: secret ones only to their members; an invisible user's only where the asker is too.
"""

from __future__ import annotations

from ircproto import numerics as n
from ircproto.message import Message
from ircproto.wildcard import matches
from server.commands.base import (
    Context,
    fit_lines,
    is_operator,
    member_prefixes,
    no_such_nick,
    split_targets,
)
from server.commands.isupport import TARGMAX
from server.state import Client


def server_info(network: str) -> str:
    """What 312 says of this server."""
    return f"LocalChat server of {network}"


def whois_channels(ctx: Context, target: Client) -> list[str]:
    """target's channels as viewer may see them, each with its prefixes."""
    viewer, hidden = ctx.client, "i" in target.modes and target is not ctx.client
    return [
        member_prefixes(ctx.session, channel, target) + channel.name
        for channel in list(target.channels.values())
        if viewer in channel.members or not (channel.secret or hidden)
    ]


def send_whois(ctx: Context, target: Client) -> None:
    nick, state = target.nick, ctx.state
    ctx.reply(n.RPL_WHOISUSER, nick, target.user, target.host, "*", target.realname)
    channels = whois_channels(ctx, target)
    for line in fit_lines(channels) if channels else ():
        ctx.reply(n.RPL_WHOISCHANNELS, nick, line)
    ctx.reply(n.RPL_WHOISSERVER, nick, ctx.server_name, server_info(state.config.network))
    if is_operator(target):
        ctx.reply(n.RPL_WHOISOPERATOR, nick, "is an IRC operator")
    if target.away is not None:
        ctx.reply(n.RPL_AWAY, nick, target.away)
    if target.account is not None:
        ctx.reply(n.RPL_WHOISACCOUNT, nick, target.account, "is logged in as")
    if "B" in target.modes:
        ctx.reply(n.RPL_WHOISBOT, nick, f"is a bot on {state.config.network}")
    if all(session.secure for session in target.sessions):
        ctx.reply(n.RPL_WHOISSECURE, nick, "is using a secure connection (TLS)")
    if target.certfp and (target is ctx.client or is_operator(ctx.client)):  # self, or an oper
        ctx.reply(n.RPL_WHOISCERTFP, nick, f"has client certificate fingerprint {target.certfp}")
    now = state.clock()
    idle = now - max(session.spoke_at for session in target.sessions)
    signon = state.wall_clock() - (now - min(s.connected_at for s in target.sessions))
    ctx.reply(n.RPL_WHOISIDLE, nick, str(int(idle)), str(int(signon)),
              "seconds idle, signon time")


# WHOIS [<target>] <nick>{,<nick>}   (<target>: this server, or the nick again; each nick
# answered in turn, at most TARGMAX WHOIS, then one 318 with the list as given)
def handle_whois(ctx: Context, message: Message) -> None:
    asked = message.params[-1]
    if not asked:
        ctx.reply(n.ERR_NONICKNAMEGIVEN, "No nickname given")
        return
    server = message.params[0] if len(message.params) > 1 else ""
    if server and not matches(server, ctx.server_name) and ctx.state.find_user(server) is None:
        ctx.reply(n.ERR_NOSUCHSERVER, server, "No such server")
        ctx.reply(n.RPL_ENDOFWHOIS, asked, "End of /WHOIS list")
        return
    nicks = split_targets(asked)
    most = TARGMAX["WHOIS"]
    if len(nicks) > most:
        ctx.reply(n.ERR_TOOMANYTARGETS, asked, f"Too many targets (max {most})")
        nicks = []
    for nick in nicks:
        target = ctx.state.find_user(nick)
        if target is None:
            ctx.reply_error(no_such_nick(nick))
        else:
            send_whois(ctx, target)
    ctx.reply(n.RPL_ENDOFWHOIS, asked, "End of /WHOIS list")
