"""The one table from an incoming command to its handler and the params it needs, read top to
bottom; dispatch() refuses malformed lines once, so each handler starts from valid input."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.models.handlers import (
    accounts,
    channels,
    edits,
    history,
    messages,
    modereplies,
    numerics,
    presence,
    refusals,
    registration,
)
from app.models.outcome import Outcome
from app.models.sessionstate import SessionState
from ircproto import numerics as num
from ircproto.message import Message

Handler = Callable[[SessionState, Message, Outcome], None]


@dataclass(frozen=True)
class Command:
    """A handler and the fewest params a line needs to reach it."""

    handler: Handler
    min_params: int = 0


COMMANDS: dict[str, Command] = {
    # registration and the link
    "PING": Command(registration.handle_ping),
    "PONG": Command(registration.handle_pong),
    "CAP": Command(registration.handle_cap, 2),
    "ERROR": Command(registration.handle_error),
    num.RPL_WELCOME: Command(registration.handle_001),
    num.RPL_ISUPPORT: Command(registration.handle_005),
    num.ERR_NONICKNAMEGIVEN: Command(registration.handle_nick_refused),
    num.ERR_ERRONEUSNICKNAME: Command(registration.handle_nick_refused),
    num.ERR_NICKNAMEINUSE: Command(registration.handle_nick_refused),
    "436": Command(registration.handle_nick_refused),  # ERR_NICKCOLLISION
    # accounts
    "AUTHENTICATE": Command(accounts.handle_authenticate, 1),
    "REGISTER": Command(accounts.handle_register, 2),
    "PASSWD": Command(accounts.handle_passwd, 1),
    num.RPL_LOGGEDIN: Command(accounts.handle_900),
    num.RPL_LOGGEDOUT: Command(accounts.handle_901),
    num.ERR_NICKLOCKED: Command(accounts.handle_sasl_failed),
    num.RPL_SASLSUCCESS: Command(accounts.handle_903),
    num.ERR_SASLFAIL: Command(accounts.handle_sasl_failed),
    num.ERR_SASLTOOLONG: Command(accounts.handle_sasl_failed),
    num.ERR_SASLABORTED: Command(accounts.handle_sasl_failed),
    num.ERR_SASLALREADY: Command(numerics.handle_quietly),
    num.RPL_SASLMECHS: Command(numerics.handle_quietly),
    # channels and users
    "JOIN": Command(channels.handle_join, 1),
    "PART": Command(channels.handle_part, 1),
    "KICK": Command(channels.handle_kick, 2),
    "QUIT": Command(channels.handle_quit),
    "NICK": Command(channels.handle_nick, 1),
    "TOPIC": Command(channels.handle_topic, 2),
    "MODE": Command(channels.handle_mode, 1),
    "INVITE": Command(channels.handle_invite, 2),
    num.RPL_INVITING: Command(channels.handle_341, 3),
    num.RPL_NOTOPIC: Command(channels.handle_331, 2),
    num.RPL_TOPIC: Command(channels.handle_332, 3),
    num.RPL_NAMREPLY: Command(channels.handle_353, 4),
    num.RPL_ENDOFNAMES: Command(channels.handle_366, 2),
    num.RPL_CHANNELMODEIS: Command(modereplies.handle_324, 3),
    num.RPL_BANLIST: Command(modereplies.handle_list_entry, 3),
    num.RPL_EXCEPTLIST: Command(modereplies.handle_list_entry, 3),
    num.RPL_INVEXLIST: Command(modereplies.handle_list_entry, 3),
    num.RPL_ENDOFBANLIST: Command(modereplies.handle_list_end, 2),
    num.RPL_ENDOFEXCEPTLIST: Command(modereplies.handle_list_end, 2),
    num.RPL_ENDOFINVEXLIST: Command(modereplies.handle_list_end, 2),
    num.ERR_CHANNELISFULL: Command(refusals.handle_join_refused, 3),
    num.ERR_INVITEONLYCHAN: Command(refusals.handle_join_refused, 3),
    num.ERR_BANNEDFROMCHAN: Command(refusals.handle_join_refused, 3),
    num.ERR_BADCHANNELKEY: Command(refusals.handle_join_refused, 3),
    num.ERR_CANNOTSENDTOCHAN: Command(refusals.handle_404, 3),
    # what people say
    "PRIVMSG": Command(messages.handle_privmsg, 2),
    "NOTICE": Command(messages.handle_notice, 2),
    # history, read markers, refusals, presence
    "BATCH": Command(history.handle_batch),
    "CHATHISTORY": Command(history.handle_chathistory),
    "MARKREAD": Command(history.handle_markread),
    "FAIL": Command(accounts.handle_fail),
    "NOTE": Command(history.handle_standard_reply, min_params=3),
    "WARN": Command(history.handle_standard_reply, min_params=3),
    "AWAY": Command(presence.handle_away),
    "TAGMSG": Command(presence.handle_tagmsg, 1),
    "REDACT": Command(edits.handle_redact, 2),
    num.RPL_AWAY: Command(presence.handle_301, 3),
    num.RPL_UNAWAY: Command(presence.handle_305),
    num.RPL_NOWAWAY: Command(presence.handle_306),
    num.RPL_WHOREPLY: Command(presence.handle_352, 8),
    num.RPL_ENDOFWHO: Command(presence.handle_315, 2),
    # replies we show as they are, or not at all
    num.ERR_UNKNOWNCOMMAND: Command(numerics.handle_421),
    num.RPL_MYINFO: Command(numerics.handle_quietly),
    num.RPL_LOCALUSERS: Command(numerics.handle_trailing),
    num.RPL_GLOBALUSERS: Command(numerics.handle_trailing),
    num.RPL_TOPICWHOTIME: Command(numerics.handle_quietly),
    num.RPL_CREATIONTIME: Command(numerics.handle_quietly),
    num.RPL_ENDOFMOTD: Command(numerics.handle_quietly),
    "396": Command(numerics.handle_quietly),  # RPL_VISIBLEHOST
}
REPLAYED = ("PRIVMSG", "NOTICE", "TAGMSG", "REDACT", "BATCH", "CHATHISTORY")
"""What a history batch may carry that we show; with draft/event-playback a server may also
replay JOIN, PART, NICK, MODE...: those are past events, never applied as if they just happened."""
NUMERIC = Command(numerics.handle_numeric)
UNKNOWN = Command(numerics.handle_unknown)


def command_for(verb: str) -> Command:
    """The table's entry for verb; any other numeric or command gets a generic one."""
    return COMMANDS.get(verb) or (NUMERIC if verb.isdigit() else UNKNOWN)


def dispatch(state: SessionState, message: Message) -> Outcome:
    """Apply one message from the server to state; return what happened and what to answer."""
    out = Outcome()
    command = command_for(message.verb)
    if state.batches.collect(message):  # a SEARCH result: the search controller's, not chat
        return out
    if "batch" in message.tags and message.verb not in REPLAYED and \
            state.batches.in_history(message.tags):
        state.batches.count(message.tags)  # an event from the past: counted, not applied
        return out
    if len(message.params) < command.min_params or not all(message.params[:-1]):
        text = f"Ignored a malformed {message.verb} from the server: {message.format()}"
        out.emit(state.log.error(text))
    else:
        command.handler(state, message, out)
    return out
