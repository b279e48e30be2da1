"""LIST (Modern IRC, with ELIST=CMNTU filters from server.elist): 321, a 322 per channel the
asker may see (secret ones only to their members), 323. A condition that cannot be read gets
400 and ends the list with 323."""

from __future__ import annotations

from ircproto import numerics as n
from ircproto.message import Message
from server.commands.base import Context
from server.elist import ChannelFacts, ElistError, parse_query
from server.state import Channel, fold


def facts(channel: Channel, now: float) -> ChannelFacts:
    topic_minutes = (now - channel.topic_at) / 60 if channel.topic else None
    return ChannelFacts(channel.name, len(channel.members), (now - channel.created_at) / 60,
                        topic_minutes)


# LIST [<channel>{,<channel>} | <elistcond>{,<elistcond>}] [<elistcond>{,<elistcond>}]
def handle_list(ctx: Context, message: Message) -> None:
    try:
        query = parse_query(message.params)
    except ElistError as error:
        ctx.reply(n.ERR_UNKNOWNERROR, "LIST", f"Invalid LIST condition: {error}")
        ctx.reply(n.RPL_LISTEND, "End of /LIST")
        return
    visible = list(ctx.state.visible_channels(ctx.client))
    if query.names:
        named = {fold(name) for name in query.names}
        visible = [channel for channel in visible if channel.key in named]
    now = ctx.state.wall_clock()
    ctx.reply(n.RPL_LISTSTART, "Channel", "Users  Name")
    for channel in visible:
        if query.wants(facts(channel, now)):
            ctx.reply(n.RPL_LIST, channel.name, str(len(channel.members)), channel.topic)
    ctx.reply(n.RPL_LISTEND, "End of /LIST")
