"""Nick ownership: a nick named like an account (names fold as nicks do) may only be held by a
connection logged in to that account. The account store is read in deferred work, never under
the state lock, and afresh every time (the operator's CLI may add accounts while we run); the
Finish decides with the client as it is then."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from ircproto import numerics as n
from ircproto.message import Message
from server.accounts import AccountStore, name_key
from server.commands.base import Context, Finish, nick_came, nick_gone, user_message
from server.devices import rename
from server.state import Client

log = logging.getLogger(__name__)
REGISTERED = "Nickname is registered to an account; log in with SASL to use it"
UNCHECKED = "Cannot check whether that nickname is registered right now; try again later"


@dataclass(frozen=True, slots=True)
class NickOwner:
    """What the account store said of a nick: the account named so (None: not registered), or
    that it could not be read."""

    account: str | None
    failed: bool = False


def is_own_account(client: Client, nick: str) -> bool:
    """Whether nick is the name of the account client is logged in to (no look-up needed)."""
    return client.account is not None and name_key(client.account) == name_key(nick)


def look_up(store: AccountStore, nick: str) -> NickOwner:
    """Deferred work (no lock held): one indexed SELECT by the nick's folded name."""
    try:
        account = store.find(nick)
    except sqlite3.Error:
        log.exception("cannot read the account store to check the nick %s", nick)
        return NickOwner(None, failed=True)
    return NickOwner(account.name if account is not None else None)


def refusal(client: Client, owner: NickOwner) -> str | None:
    """Why client may not hold the nick owner was looked up for, or None when it may."""
    if owner.failed:
        return UNCHECKED
    if owner.account is None or is_own_account(client, owner.account):
        return None
    return REGISTERED


def refuse(ctx: Context, nick: str, reason: str) -> None:
    """433 ERR_NICKNAMEINUSE with reason; `*` for the client's nick before registration (the
    nick it asked for is not its own). A client registering lets go of the nick, so it cannot
    keep the owner out while it waits; it may ask again (after logging in) with CAP END."""
    client = ctx.client
    who = client.nick if client.registered else "*"
    if not client.registered:
        ctx.state.want_nick(client, nick)  # out of State.nicks; asked again, it is looked up
    ctx.send(client, Message(n.ERR_NICKNAMEINUSE, (who, nick, reason), ctx.server_name))


def when_allowed(ctx: Context, nick: str, then: Callable[[Context], None]) -> None:
    """Run then(ctx) once the sender may hold nick: at once when nick is its account's name,
    else after the account store was asked (deferred work; 433 instead when the nick is
    registered to another account, or the store cannot say)."""
    if is_own_account(ctx.client, nick):
        then(ctx)
        return
    store = ctx.state.accounts

    def work() -> Finish:
        owner = look_up(store, nick)

        def finish(ctx: Context) -> None:
            why = refusal(ctx.client, owner)
            if why is not None:
                refuse(ctx, nick, why)
            else:
                then(ctx)

        return finish

    ctx.defer(work)


def may_take_back(client: Client, holder: Client, nick: str) -> bool:
    """Whether client may take nick from holder: nick is the name of client's account and
    holder is someone registered who is not logged in to it (it had the nick before the
    account existed, e.g. one the operator created since)."""
    return (holder.registered and holder.primary is None and is_own_account(client, nick)
            and not is_own_account(holder, nick))


def take_back(ctx: Context, holder: Client, nick: str) -> None:
    """The account's owner takes its nick back: holder becomes Guest<N> (its peers see the
    NICK) and is told why."""
    state = ctx.state
    serial = holder.id
    while state.find_nick(f"Guest{serial}") is not None:
        serial += 1
    guest_nick = f"Guest{serial}"
    change = user_message(holder, "NICK", guest_nick)
    ctx.broadcast([holder, *state.peers(holder)], change)
    nick_gone(state, ctx.out, holder)
    state.set_nick(holder, guest_nick)
    rename(holder)
    nick_came(state, ctx.out, holder)
    why = (f"The nick {nick} is registered to an account whose owner has logged in; "
           f"you are now {guest_nick}")
    ctx.send(holder, Message("NOTICE", (guest_nick, why), ctx.server_name))
    log.info("%s took its nick back; the holder is now %s", nick, guest_nick)
