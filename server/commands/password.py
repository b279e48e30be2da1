"""PASSWD: a logged-in client changes its account's password (LocalChat's own command, in the
shape of IRCv3 standard replies): `PASSWD <current> <new>` -> `PASSWD SUCCESS :Password
changed`, or `FAIL PASSWD ACCOUNT_REQUIRED|INVALID_PASSWORD|WEAK_PASSWORD|TEMPORARILY_UNAVAILABLE`.

Checking the current password and hashing the new one are deferred work (Context.defer), outside
the state lock, as REGISTER's are; the account store is never used under that lock.
"""

from __future__ import annotations

import logging
import sqlite3

from ircproto.message import Message
from server.accounts import AccountStore, password_error
from server.commands.accounts import failing
from server.commands.base import Context, Failure, Finish

log = logging.getLogger(__name__)


# PASSWD <current-password> <new-password>
def handle_passwd(ctx: Context, message: Message) -> None:
    account = ctx.client.account
    if account is None:
        raise Failure("ACCOUNT_REQUIRED", "Log in to an account to change its password")
    current, new = message.params[:2]
    why = password_error(new)
    if why:
        raise Failure("WEAK_PASSWORD", f"Password too weak: {why}")
    store = ctx.state.accounts
    ctx.defer(lambda: change_password(store, account, current, new))


def change_password(store: AccountStore, account: str, current: str, new: str) -> Finish:
    """Deferred work (no lock held): verify current, store new; the Finish answers."""
    try:
        if store.verify(account, current) is None:
            return failing(Failure("INVALID_PASSWORD", "The current password is wrong"))
        if not store.set_password(account, new):
            return failing(Failure("ACCOUNT_REQUIRED", "Your account no longer exists"))
    except sqlite3.Error:
        log.exception("cannot change the password of %s", account)
        return failing(Failure("TEMPORARILY_UNAVAILABLE",
                               "Passwords cannot be changed right now; try again later"))
    log.info("account %s changed its password", account)

    def finish(ctx: Context) -> None:
        ctx.send(ctx.client, Message("PASSWD", ("SUCCESS", "Password changed"), ctx.server_name))

    return finish
