"""Accounts on the wire: REGISTER (IRCv3 draft/account-registration, before-connect) and
logging a client in (900 RPL_LOGGEDIN), which SASL (server.commands.sasl) shares.

The password hashing of REGISTER is deferred work (Context.defer): it runs in the reader thread
outside the state lock; the account store is never used under that lock.
"""

from __future__ import annotations

import logging
import sqlite3

from ircproto import numerics as n
from ircproto.message import Message
from server.accounts import AccountExists, AccountStore, account_name_error, password_error
from server.commands.base import Context, Failure, Finish, failing, user_message, with_cap
from server.commands.founders import after_login, forget_founder
from server.monitornotify import extended_watchers
from server.state import fold

log = logging.getLogger(__name__)
REGISTRATION_CAP = "draft/account-registration"


def log_in(ctx: Context, account: str) -> None:
    """The sender is now logged in to account: 900 RPL_LOGGEDIN; once registered, the users
    sharing a channel with it that enabled account-notify see `ACCOUNT <account>`."""
    client = ctx.client
    client.account = account
    ctx.reply(n.RPL_LOGGEDIN, client.prefix, account, f"You are now logged in as {account}")
    if client.registered:
        watchers = with_cap(ctx.state.peers(client), "account-notify")
        watchers = extended_watchers(ctx.state.monitors, client, "account-notify", watchers)
        if watchers:
            ctx.broadcast_sessions(watchers, user_message(client, "ACCOUNT", account))
    after_login(ctx)  # a founder logging in on its channel gets +o there


# REGISTER <account> {<email> | *} <password>
def handle_register(ctx: Context, message: Message) -> None:
    client, config = ctx.client, ctx.state.config
    account, email, password = message.params[:3]
    if account == "*":
        if not client.nick_key:
            raise Failure("NEED_NICK", "*", "Send NICK first: the account is named after it")
        account = client.nick
    if client.account is not None:
        raise Failure("ALREADY_AUTHENTICATED", account,
                      f"You are already logged in as {client.account}")
    if config.registration != "open":
        raise Failure("TEMPORARILY_UNAVAILABLE", account, "Registration is closed on this server")
    if config.password is not None and not ctx.session.password_ok:  # PASS may not be bypassed
        raise Failure("TEMPORARILY_UNAVAILABLE", account, "Send the server password (PASS) first")
    why = account_name_error(account)
    if why:
        raise Failure("BAD_ACCOUNT_NAME", account, f"Invalid account name: {why}")
    if not client.nick_key:
        raise Failure("NEED_NICK", "*", "Send NICK first: the account is named after it")
    if fold(account) != client.nick_key:
        raise Failure("ACCOUNT_NAME_MUST_BE_NICK", account,
                      "The account name must be your current nick")
    if email != "*" and ("@" not in email.strip("@") or any(c.isspace() for c in email)):
        raise Failure("INVALID_EMAIL", account, "That is not an email address")
    why = password_error(password)
    if why:
        raise Failure("WEAK_PASSWORD", account, f"Password too weak: {why}")
    store = ctx.state.accounts
    ctx.defer(lambda: create_account(store, account, password, None if email == "*" else email))


def create_account(store: AccountStore, account: str, password: str, email: str | None
                   ) -> Finish:
    """Deferred work (no lock held): hash and store; the Finish answers under the lock."""
    try:
        created = store.create(account, password, email)
    except AccountExists:
        return failing(Failure("ACCOUNT_EXISTS", account, "That account name is taken"))
    except sqlite3.Error:
        log.exception("cannot store the new account %s", account)
        return failing(Failure("TEMPORARILY_UNAVAILABLE", account,
                               "Accounts cannot be stored right now; try again later"))

    def finish(ctx: Context) -> None:
        reply = Message("REGISTER", ("SUCCESS", created.name, "Account created"), ctx.server_name)
        ctx.send(ctx.client, reply)
        forget_founder(ctx, created.name)  # a deleted account's channels are not handed on
        log_in(ctx, created.name)

    return finish
