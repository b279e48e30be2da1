"""Channel founders on the wire: the first logged-in joiner of a channel without a founder
founds it (not the server's default channel, which everyone is put in: it belongs to the
server, though an oper may name a founder with FOUNDER); the founder's account gets +o whenever
it joins (a recreated channel too, across restarts); FOUNDER tells or hands over founder status.

Founders live in memory (State.founders, server.founders) under the state lock; every change
is saved by deferred work (ctx.defer) into the privilege store (server.privileges), so no
SQLite I/O happens under the lock. `python -m server accounts delete` removes an account's
founder rows from the store; a server running meanwhile forgets them in memory when an account
of that name logs in (after_login checks memory against the store) or registers, or at its next
start, so a new account of the same name never inherits them.

    FOUNDER <channel>            -> NOTE FOUNDER CHANNEL_FOUNDER <channel> <account> :...
                                    NOTE FOUNDER NO_FOUNDER <channel> :...
    FOUNDER <channel> <account>  -> FOUNDER SUCCESS <channel> <account> :...   (founder, oper)
                                    FAIL FOUNDER <code> <channel> [<account>] :...
with the codes ACCOUNT_REQUIRED, NOT_FOUNDER, NO_SUCH_ACCOUNT, NO_SUCH_CHANNEL, INVALID_PARAMS
and TEMPORARILY_UNAVAILABLE.
"""

from __future__ import annotations

import logging
import sqlite3

from ircproto.message import Message
from ircproto.names import is_valid_channel
from server.accounts import AccountStore, name_key
from server.commands.base import Context, Failure, Finish, defer_also, failing, is_operator
from server.privileges import FounderRecord, PrivilegeStore
from server.state import Channel, Client, fold

log = logging.getLogger(__name__)


def after_join(ctx: Context, channel: Channel, created: bool) -> None:
    """Right after the sender's JOIN went out: it founds a new channel, or, as its founder,
    gets +o (a MODE when others are there to see it; the NAMES that follow show it)."""
    client, founders = ctx.client, ctx.state.founders
    if client.account is None:
        return
    if founders.get(channel.key) is None:
        if created and channel.key != fold(ctx.state.config.channel):
            record = founders.change(channel.key, channel.name, client.account)
            log.info("%s founded %s", client.account, channel.name)
            save_later(ctx, record)
        return
    if founders.is_founder(channel.key, client.account):
        give_op(ctx, channel, client)


def after_login(ctx: Context) -> None:
    """The sender just logged in: first check, in deferred work, that the store still has the
    channels memory says it founded (a CLI delete while the server ran, then an account of the
    same name: it inherits nothing); then +o on those of them it is on."""
    account, founders = ctx.client.account, ctx.state.founders
    if account is None:
        return
    store, seen = ctx.state.privileges, founders.version
    defer_also(ctx, lambda: check_founded(store, account, seen))


def check_founded(store: PrivilegeStore, account: str, seen: int) -> Finish:
    """Deferred work: the channels the store says account founded; the Finish drops the others
    from memory and gives +o where the account is."""
    try:
        stored = store.founded_by(account)
    except sqlite3.Error:
        log.exception("cannot read the founders of %s", account)
        stored = None

    def finish(ctx: Context) -> None:
        founders, client = ctx.state.founders, ctx.client
        if stored is not None and founders.drop_stale(account, stored, seen):
            log.info("%s was deleted meanwhile: its channels have no founder now", account)
        for channel in list(client.channels.values()):
            if founders.is_founder(channel.key, client.account):
                give_op(ctx, channel, client)

    return finish


def give_op(ctx: Context, channel: Channel, client: Client) -> None:
    """+o for client in channel, from the server, unless it has it already."""
    if channel.is_op(client):
        return
    channel.set_member_modes(client, "o" + channel.members[client])
    change = Message("MODE", (channel.name, "+o", client.nick), ctx.server_name)
    ctx.broadcast(list(channel.members), change)


def save_later(ctx: Context, record: FounderRecord) -> None:
    store = ctx.state.privileges
    defer_also(ctx, lambda: save_founder(store, record))


def save_founder(store: PrivilegeStore, record: FounderRecord) -> Finish:
    """Deferred work: store a new founder (memory has it already; a failure is only logged)."""
    try:
        store.save_founder(record)
    except sqlite3.Error:
        log.exception("cannot save %s as the founder of %s", record.account, record.channel)
    return lambda ctx: ctx.state.founders.saved(record)


def forget_founder(ctx: Context, account: str) -> None:
    """A new account of this name: a deleted one's channels (`python -m server accounts
    delete` while the server ran) are not handed to it, in memory and in the store."""
    if ctx.state.founders.forget_account(account):
        store = ctx.state.privileges
        defer_also(ctx, lambda: forget_in_store(store, account))


def forget_in_store(store: PrivilegeStore, account: str) -> Finish:
    """Deferred work: the store forgets what the account founded."""
    try:
        store.forget_account(account)
    except sqlite3.Error:
        log.exception("cannot forget the channels founded by %s", account)
    return lambda ctx: None


# FOUNDER <channel> [<account>]
def handle_founder(ctx: Context, message: Message) -> None:
    name = message.params[0]
    if not is_valid_channel(name):
        raise Failure("INVALID_PARAMS", name, "That is not a channel name")
    key, client = fold(name), ctx.client
    channel, record = ctx.state.find_channel(name), ctx.state.founders.get(key)
    hidden = channel is not None and channel.secret and client not in channel.members
    if (channel is None and record is None) or (hidden and not is_operator(client)):
        raise Failure("NO_SUCH_CHANNEL", name, "No such channel")
    shown = channel.name if channel is not None else record.channel if record else name
    if len(message.params) < 2:
        tell_founder(ctx, shown, record)
        return
    check_may_hand_over(ctx, key, shown)
    version = ctx.state.founders.next_version()
    accounts, privileges, account = ctx.state.accounts, ctx.state.privileges, message.params[1]
    ctx.defer(lambda: hand_over(accounts, privileges, FounderRecord(key, shown, account, version)))


def tell_founder(ctx: Context, channel: str, record: FounderRecord | None) -> None:
    if record is None:
        ctx.standard_reply("NOTE", "FOUNDER", "NO_FOUNDER", channel, f"{channel} has no founder")
    else:
        ctx.standard_reply("NOTE", "FOUNDER", "CHANNEL_FOUNDER", channel, record.account,
                           f"{record.account} is the founder of {channel}")


def check_may_hand_over(ctx: Context, key: str, channel: str) -> None:
    """Only the founder (logged in to its account) or an oper may name a new founder."""
    client = ctx.client
    if is_operator(client):
        return
    if client.account is None:
        raise Failure("ACCOUNT_REQUIRED", channel, "Log in to your account first")
    if not ctx.state.founders.is_founder(key, client.account):
        raise Failure("NOT_FOUNDER", channel, f"You are not the founder of {channel}")


def hand_over(accounts: AccountStore, privileges: PrivilegeStore, wanted: FounderRecord
              ) -> Finish:
    """Deferred work (no lock held): the account must exist; store the change, then the Finish
    applies it in memory (unless a newer change came first) and answers."""
    try:
        account = accounts.find(wanted.account)
        if account is None:
            return failing(Failure("NO_SUCH_ACCOUNT", wanted.channel, wanted.account,
                                   f"There is no account {wanted.account}"))
        record = FounderRecord(wanted.channel_key, wanted.channel, account.name, wanted.version)
        privileges.save_founder(record)
    except sqlite3.Error:
        log.exception("cannot store the founder of %s", wanted.channel)
        return failing(Failure("TEMPORARILY_UNAVAILABLE", wanted.channel,
                               "Founders cannot be stored right now; try again later"))
    return lambda ctx: handed_over(ctx, record)


def handed_over(ctx: Context, record: FounderRecord) -> None:
    """Under the lock again: the new founder's connections in the channel get +o."""
    if ctx.state.founders.apply(record):
        log.info("%s made %s the founder of %s", ctx.client.prefix, record.account,
                 record.channel)
    text = f"{record.account} is now the founder of {record.channel}"
    ctx.send(ctx.client, Message("FOUNDER", ("SUCCESS", record.channel, record.account, text),
                                 ctx.server_name))
    channel = ctx.state.channels.get(record.channel_key)
    if channel is not None and ctx.state.founders.is_founder(channel.key, record.account):
        for member in list(channel.members):
            if member.account is not None and name_key(member.account) == name_key(
                    record.account):
                give_op(ctx, channel, member)
