"""Who is who: WHO and WHOIS."""

from __future__ import annotations

from ircproto import numerics as n
from ircproto.message import Message
from ircproto.names import is_channel
from server.commands.base import Context, member_prefixes, no_such_nick
from server.state import Channel, Client


def who_reply(ctx: Context, client: Client, channel: Channel | None) -> None:
    flags = "G" if client.away is not None else "H"
    if channel is not None:
        flags += member_prefixes(ctx.client, channel, client)  # all of them with multi-prefix
    ctx.reply(
        n.RPL_WHOREPLY, channel.name if channel else "*", client.user, client.host,
        ctx.server_name, client.nick, flags, f"0 {client.realname}",
    )


# WHO <mask>
def handle_who(ctx: Context, message: Message) -> None:
    mask = message.param(0, "*")
    if is_channel(mask):
        channel = ctx.state.find_channel(mask)
        member = channel is not None and ctx.client in channel.members
        if channel is not None and (member or not channel.secret):
            for client in list(channel.members):
                if member or "i" not in client.modes:
                    who_reply(ctx, client, channel)
    else:
        target = ctx.state.find_user(mask)
        if target is not None:
            who_reply(ctx, target, None)
    ctx.reply(n.RPL_ENDOFWHO, mask, "End of WHO list")


# WHOIS [<target>] <nick>
def handle_whois(ctx: Context, message: Message) -> None:
    nick = message.params[-1].split(",")[0]
    target = ctx.state.find_user(nick)
    if target is None:
        ctx.reply_error(no_such_nick(nick))
        ctx.reply(n.RPL_ENDOFWHOIS, nick, "End of /WHOIS list")
        return
    ctx.reply(n.RPL_WHOISUSER, target.nick, target.user, target.host, "*", target.realname)
    channels = [
        channel.prefix_of(target) + channel.name
        for channel in target.channels.values()
        if not channel.secret or ctx.client in channel.members
    ]
    if channels:
        ctx.reply(n.RPL_WHOISCHANNELS, target.nick, " ".join(channels))
    ctx.reply(n.RPL_WHOISSERVER, target.nick, ctx.server_name, ctx.state.config.network)
    if target.away is not None:
        ctx.reply(n.RPL_AWAY, target.nick, target.away)
    if target.certfp and (target is ctx.client or "o" in ctx.client.modes):  # self, or an oper
        ctx.reply(n.RPL_WHOISCERTFP, target.nick,
                  f"has client certificate fingerprint {target.certfp}")
    idle = int(ctx.state.clock() - target.last_activity)
    ctx.reply(n.RPL_WHOISIDLE, target.nick, str(idle), "seconds idle")
    ctx.reply(n.RPL_ENDOFWHOIS, target.nick, "End of /WHOIS list")
