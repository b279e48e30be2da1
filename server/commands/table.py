"""The command table: every command the server knows, its handler and its preconditions, in one
literal you can read top to bottom (as ergo's irc/commands.go). A command missing here is 421."""

from __future__ import annotations

from dataclasses import dataclass

from server.commands import (
    accounts,
    capabilities,
    certfp,
    channellist,
    channels,
    founders,
    history,
    invite,
    messaging,
    modes,
    monitor,
    multiline,
    oper,
    password,
    redact,
    registration,
    sasl,
    search,
    serverhelp,
    serverinfo,
    userhost,
    who,
    whois,
    whowas,
)
from server.commands.base import Handler


@dataclass(frozen=True)
class Command:
    """A table entry: the handler and what must hold before it runs."""

    handler: Handler
    min_params: int = 0  # fewer params get 461 ERR_NEEDMOREPARAMS
    registered: bool = True  # before registration it gets 451 ERR_NOTREGISTERED
    silent: bool = False  # never answer with an error (NOTICE)


COMMANDS: dict[str, Command] = {
    # registration and upkeep (server.commands.registration, .capabilities)
    "CAP": Command(capabilities.handle_cap, min_params=1, registered=False),
    "PASS": Command(registration.handle_pass, min_params=1, registered=False),
    "NICK": Command(registration.handle_nick, registered=False),
    "USER": Command(registration.handle_user, min_params=4, registered=False),
    "PING": Command(registration.handle_ping, min_params=1, registered=False),
    "PONG": Command(registration.handle_pong, registered=False),
    "QUIT": Command(registration.handle_quit, registered=False),
    # accounts (server.commands.sasl, .accounts, .certfp, .password)
    "AUTHENTICATE": Command(sasl.handle_authenticate, min_params=1, registered=False),
    "REGISTER": Command(accounts.handle_register, min_params=3, registered=False),
    "CERTFP": Command(certfp.handle_certfp, min_params=1),
    "PASSWD": Command(password.handle_passwd, min_params=2),
    # channels (server.commands.channels, .modes, .founders, .invite)
    "JOIN": Command(channels.handle_join, min_params=1),
    "PART": Command(channels.handle_part, min_params=1),
    "TOPIC": Command(channels.handle_topic, min_params=1),
    "NAMES": Command(channels.handle_names),
    "LIST": Command(channellist.handle_list),
    "KICK": Command(channels.handle_kick, min_params=2),
    "MODE": Command(modes.handle_mode, min_params=1),
    "INVITE": Command(invite.handle_invite),  # server.commands.invite
    "FOUNDER": Command(founders.handle_founder, min_params=1),
    # the operator (server.commands.oper)
    "OPER": Command(oper.handle_oper, min_params=2),
    "KILL": Command(oper.handle_kill, min_params=2),
    # talking (server.commands.messaging)
    "PRIVMSG": Command(messaging.handle_privmsg),
    "NOTICE": Command(messaging.handle_notice, silent=True),
    "TAGMSG": Command(messaging.handle_tagmsg),
    "AWAY": Command(messaging.handle_away),
    "SETNAME": Command(messaging.handle_setname, min_params=1),
    "BATCH": Command(multiline.handle_batch, min_params=1),  # draft/multiline (.multiline)
    "REDACT": Command(redact.handle_redact, min_params=2),  # draft/message-redaction (.redact)
    # who is who (server.commands.who, .whois, .whowas, .userhost, .monitor)
    "WHO": Command(who.handle_who),
    "WHOIS": Command(whois.handle_whois, min_params=1),
    "WHOWAS": Command(whowas.handle_whowas, min_params=1),
    "USERHOST": Command(userhost.handle_userhost, min_params=1),
    "ISON": Command(userhost.handle_ison, min_params=1),
    "MONITOR": Command(monitor.handle_monitor, min_params=1),
    # the server itself (server.commands.serverinfo, .serverhelp)
    "MOTD": Command(serverinfo.handle_motd),
    "LUSERS": Command(serverinfo.handle_lusers),
    "TIME": Command(serverinfo.handle_time),
    "VERSION": Command(serverinfo.handle_version),
    "ADMIN": Command(serverinfo.handle_admin),
    "INFO": Command(serverinfo.handle_info),
    "HELP": Command(serverhelp.handle_help),
    # history (server.commands.history, .search)
    "CHATHISTORY": Command(history.handle_chathistory, min_params=1),
    "MARKREAD": Command(history.handle_markread),
    "SEARCH": Command(search.handle_search, min_params=1),  # server.commands.search
}
