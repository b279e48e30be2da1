"""Handlers for who is where: JOIN, PART, KICK, QUIT, NICK, MODE, TOPIC, INVITE, and the topic
(331/332) and NAMES (353/366) replies; each keeps the roster and reports what changed."""

from __future__ import annotations

from app.models import events as ev
from app.models.channelkeys import key_change
from app.models.outcome import Outcome
from app.models.roster import Channel
from app.models.sessionstate import SessionState, nick_of
from ircproto.message import Message


def _users_changed(found: Channel) -> ev.UsersChanged:
    return ev.UsersChanged(found.name, tuple(found.users.items()))


def _said(reason: str) -> str:
    return f" ({reason})" if reason else ""


# JOIN <channel>
def handle_join(state: SessionState, message: Message, out: Outcome) -> None:
    nick, name = nick_of(message.source), message.param(0)
    if state.is_own(nick):
        state.roster.enter(name)
        out.emit(ev.UserJoined(name, nick, own=True), state.log.system(f"You joined {name}", name))
        key = state.join_keys.pop(state.features.key(name), "")
        if key:
            out.emit(ev.ChannelKeyChanged(name, key))
        return
    found = state.roster.get(name)
    if found:
        found.users.add(nick)
        out.emit(_users_changed(found))
    out.emit(ev.UserJoined(name, nick),
             state.log.presence(f"{nick} joined {name}", name, nick, "join"))


# PART <channel> [:<reason>]
def handle_part(state: SessionState, message: Message, out: Outcome) -> None:
    nick, name, reason = nick_of(message.source), message.param(0), message.param(1)
    _leave(state, out, name, nick, reason, kicked_by="")
    if state.is_own(nick):
        out.emit(state.log.system(f"You left {name}{_said(reason)}", name))
    else:
        out.emit(state.log.presence(f"{nick} left {name}{_said(reason)}", name, nick, "part"))


# KICK <channel> <user> [:<comment>]
def handle_kick(state: SessionState, message: Message, out: Outcome) -> None:
    by, name, nick, reason = (nick_of(message.source), message.param(0), message.param(1),
                              message.param(2))
    who = "You were" if state.is_own(nick) else f"{nick} was"
    _leave(state, out, name, nick, reason, kicked_by=by)
    out.emit(state.log.system(f"{who} kicked from {name} by {by}{_said(reason)}", name))


def _leave(state: SessionState, out: Outcome, name: str, nick: str, reason: str,
           kicked_by: str) -> None:
    own = state.is_own(nick)
    found = state.roster.get(name)
    if own:
        state.roster.leave(name)
    elif found and found.users.remove(nick):
        out.emit(_users_changed(found))
    out.emit(ev.UserParted(found.name if found else name, nick, reason, own, kicked_by))


# QUIT [:<reason>]
def handle_quit(state: SessionState, message: Message, out: Outcome) -> None:
    nick, reason = nick_of(message.source), message.param(0)
    left = []
    for found in state.roster:
        if found.users.remove(nick):
            left.append(found.name)
            out.emit(_users_changed(found))
    out.emit(ev.UserQuit(nick, reason, tuple(left)),
             state.log.presence(f"{nick} quit{_said(reason)}", left[0] if len(left) == 1 else "",
                                nick, "quit"))


# NICK <nickname>
def handle_nick(state: SessionState, message: Message, out: Outcome) -> None:
    old, new = nick_of(message.source), message.param(0)
    own = state.is_own(old)
    if own:
        state.nick = new
    for found in state.roster:
        if found.users.rename(old, new):
            out.emit(_users_changed(found))
    out.emit(ev.NickChanged(old, new, own),
             state.log.system(f"You are now known as {new}" if own
                              else f"{old} is now known as {new}"))


# TOPIC <channel> :<topic>
def handle_topic(state: SessionState, message: Message, out: Outcome) -> None:
    setter, name, topic = nick_of(message.source), message.param(0), message.param(1)
    found = state.roster.get(name)
    if found:
        found.topic = topic
    text = (f"{setter} changed the topic of {name} to: {topic}" if topic
            else f"{setter} cleared the topic of {name}")
    out.emit(ev.TopicChanged(name, topic, setter), state.log.system(text, name))


# MODE <target> [<modestring> [<mode arguments>...]]
def handle_mode(state: SessionState, message: Message, out: Outcome) -> None:
    setter, target = nick_of(message.source), message.param(0)
    change = " ".join(message.params[1:])
    found = state.roster.get(target)
    if found and state.roster.apply_modes(found, message.param(1), list(message.params[2:])):
        out.emit(_users_changed(found))
    key = key_change(state.features, message.param(1), list(message.params[2:])) \
        if found else None
    if found and key is not None:
        out.emit(ev.ChannelKeyChanged(found.name, key))
    where = f" on {target}" if state.features.is_channel(target) else f" for {target}"
    out.emit(state.log.system(f"{setter} sets mode {change}{where}", target if found else ""))


# INVITE <nick> <channel>
def handle_invite(state: SessionState, message: Message, out: Outcome) -> None:
    by, nick, channel = nick_of(message.source), message.param(0), message.param(1)
    if state.is_own(nick):
        out.emit(state.log.system(f"{by} invites you to {channel}"))
    else:  # invite-notify: someone else was invited to a channel we are in
        out.emit(state.log.system(f"{by} invited {nick} to {channel}", channel))


# 341 <client> <nick> <channel>
def handle_341(state: SessionState, message: Message, out: Outcome) -> None:
    nick, channel = message.param(1), message.param(2)
    out.emit(state.log.system(f"You invited {nick} to {channel}", channel))


# 332 <client> <channel> :<topic>
def handle_332(state: SessionState, message: Message, out: Outcome) -> None:
    name, topic = message.param(1), message.param(2)
    found = state.roster.get(name)
    if found:
        found.topic = topic
    out.emit(ev.TopicChanged(name, topic), state.log.system(f"Topic of {name}: {topic}", name))


# 331 <client> <channel> :No topic is set
def handle_331(state: SessionState, message: Message, out: Outcome) -> None:
    out.emit(state.log.system(f"{message.param(1)} has no topic", message.param(1)))


# 353 <client> <symbol> <channel> :[prefix]<nick>{ [prefix]<nick>}
def handle_353(state: SessionState, message: Message, out: Outcome) -> None:
    state.roster.add_names(message.param(2), message.param(3))


# 366 <client> <channel> :End of /NAMES list
def handle_366(state: SessionState, message: Message, out: Outcome) -> None:
    name = message.param(1)
    users = state.roster.end_names(name)
    found = state.roster.get(name)
    if found is None:
        listed = ", ".join(users.nicks()) or "nobody"
        out.emit(state.log.system(f"Users in {name}: {listed}", name))
        return
    out.emit(ev.UsersChanged(found.name, tuple(users.items())))
    key = state.features.key(found.name)
    if "away-notify" in state.caps.granted and key not in state.who_pending:
        state.who_pending.add(key)  # NAMES does not say who is away; WHO's flags do
        out.send("WHO", found.name)
