"""The IRC operator: OPER and KILL. An oper also KICKs and sets channel modes anywhere
(base.may_moderate), shows 313 in WHOIS, and drops the privilege with `MODE <nick> -o`.

OPER names an account with the oper flag (`python -m server accounts set-oper`) and gives its
password. The password is verified and the flag read in deferred work (ctx.defer), outside the
state lock, so a flag the CLI sets or clears while the server runs counts at the next OPER; an
oper keeps the privilege until it leaves or de-opers. A wrong password and an account without
the flag get the same 464, so OPER does not tell which accounts are operators.

KILL, as Modern IRC describes it: the victim gets `KILL <nick> :<comment>` from the oper, then
`ERROR :Closing Link: <server> (Killed (<oper> (<comment>)))`; its channels see it QUIT with
`Killed (<oper> (<comment>))`.
"""

from __future__ import annotations

import logging
import sqlite3

from ircproto import numerics as n
from ircproto.message import Message
from server.accounts import AccountStore
from server.commands.base import (
    Context,
    Finish,
    ReplyError,
    is_operator,
    no_privileges,
    no_such_nick,
    remove_client,
    user_message,
)
from server.commands.isupport import KICKLEN
from server.privileges import PrivilegeStore

log = logging.getLogger(__name__)


# OPER <name> <password>
def handle_oper(ctx: Context, message: Message) -> None:
    name, password = message.params[:2]
    accounts, privileges = ctx.state.accounts, ctx.state.privileges
    ctx.defer(lambda: check_oper(accounts, privileges, name, password))


def check_oper(accounts: AccountStore, privileges: PrivilegeStore, name: str, password: str
               ) -> Finish:
    """Deferred work (no lock held): the password (argon2) and the flag; the Finish answers."""
    try:
        account = accounts.verify(name, password)
        oper = account is not None and privileges.is_oper(account)
    except sqlite3.Error:
        log.exception("cannot read the account store for OPER")
        account, oper = None, False
    if account is None or not oper:
        return lambda ctx: refuse_oper(ctx, name)
    return lambda ctx: become_oper(ctx, account.name)


def refuse_oper(ctx: Context, name: str) -> None:
    log.warning("%s failed to OPER as %s", ctx.client.prefix, name)
    raise ReplyError(n.ERR_PASSWDMISMATCH, "Password incorrect")


def become_oper(ctx: Context, account: str) -> None:
    """381 RPL_YOUREOPER, and the user mode +o (a MODE from the server) if it is new."""
    client = ctx.client
    log.info("%s is now an operator (account %s)", client.prefix, account)
    ctx.reply(n.RPL_YOUREOPER, "You are now an IRC operator")
    if not is_operator(client):
        client.modes.add("o")  # the identity's: each of its devices is told
        ctx.state.census.moded(client)
        ctx.broadcast_sessions(client.sessions, Message("MODE", (client.nick, "+o"),
                                                        ctx.server_name))


# KILL <nickname> <comment>   (every device of the nick's identity goes)
def handle_kill(ctx: Context, message: Message) -> None:
    killer = ctx.client
    if not is_operator(killer):
        raise no_privileges()
    nick, comment = message.params[0], message.params[1][:KICKLEN]
    victim = ctx.state.find_user(nick)
    if victim is None:
        raise no_such_nick(nick)
    reason = f"Killed ({killer.nick} ({comment}))"
    error = f"Closing Link: {ctx.server_name} ({reason})"
    log.info("%s killed %s: %s", killer.prefix, victim.prefix, comment)
    sessions = victim.sessions  # the identity first, then its devices
    kill = user_message(killer, "KILL", victim.nick, comment)  # as Modern IRC says
    ctx.broadcast_sessions(sessions, kill)
    others = [session for session in reversed(sessions) if session is not ctx.session]
    for session in others:  # devices leave quietly; the last one out QUITs
        remove_client(ctx.state, ctx.out, session, reason)
        ctx.out.abort(session, error)  # its reader then only sends ERROR and closes
    if len(others) < len(sessions):  # the oper killed its own nick
        ctx.close(reason, error)
    else:
        ctx.notice(f"Killed {victim.nick} ({comment})")
