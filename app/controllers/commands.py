"""Slash commands typed into the input: one table of name -> (usage, handler). A handler gets a
CommandContext (what a command may do) and the text after the command, and returns True when the
input may be cleared; wrong input raises InvalidInput. A line break (CR, LF, NUL) is refused
before any handler runs, except in the free text of /me and /msg, where each typed line becomes
its own message. The everyday IRC commands (/whois, /query, /away, /ignore, ...) are in
chatcommands.py; CommandContext and Command in commandtypes.py."""

from __future__ import annotations

from app.controllers.alerts import dnd_line, notify_line
from app.controllers.chatcommands import CHAT_COMMANDS, SHORTCUTS
from app.controllers.commandtypes import Command, CommandContext
from app.controllers.commandtypes import session_of as _session
from app.models.applog import log_path
from app.models.notifyplan import NotifyMode
from app.models.settings import PinRemoval
from app.models.trust import parse_server_key, server_key
from app.models.userinput import InvalidInput
from ircproto.message import has_line_break
from ircproto.version import client_version


def run(context: CommandContext, text: str) -> bool:
    """Run the slash command in text ('/name args'); InvalidInput for wrong input."""
    name, _, raw_args = text[1:].partition(" ")
    raw_args = raw_args.rstrip()  # a pasted line's own line ending is harmless
    args = raw_args.strip()
    if has_line_break(name):
        raise InvalidInput("A command name cannot hold a line break; nothing was sent")
    command = COMMANDS.get(name.lower())
    if command is None:
        raise InvalidInput(f"Unknown command /{name}; /help lists the commands")
    if command.needs_args and not args:
        raise InvalidInput(f"Usage: {command.usage}")
    if not command.multiline and has_line_break(raw_args):
        raise InvalidInput(f"/{name.lower()} takes one line: remove the line breaks "
                           f"(nothing was sent)")
    if command.online and not context.online:
        raise InvalidInput(f"Not connected: /{name.lower()} needs the server")
    return command.handler(context, args)


def _usage(name: str) -> InvalidInput:
    return InvalidInput(f"Usage: {COMMANDS[name].usage}")


# /me <text>
def _me(context: CommandContext, args: str) -> bool:
    return context.say(args, action=True)


# /msg <nick|channel> <text>
def _msg(context: CommandContext, args: str) -> bool:
    target, _, text = args.partition(" ")
    if has_line_break(target):
        raise InvalidInput("A nick or channel cannot hold a line break; nothing was sent")
    if not text.strip():
        raise _usage("msg")
    context.say(text.strip(), target=target)
    if context.session is not None and not context.session.is_channel(target):
        context.switch_to(target)  # a private chat opens and shows
    return True


# /nick <new nick>
def _nick(context: CommandContext, args: str) -> bool:
    if " " in args:
        raise _usage("nick")
    return context.send(_session(context).change_nick(args))


# /join <#channel> [<key>]
def _join(context: CommandContext, args: str) -> bool:
    name, _, key = args.partition(" ")
    if " " in key:
        raise _usage("join")
    session = _session(context)
    found = session.channel(name)
    if found is not None:
        context.switch_to(found.name)
        context.inform(f"Now talking in {found.name}")
        return True
    return context.send(session.join(name, key))


# /part [<#channel>] [<reason>]
def _part(context: CommandContext, args: str) -> bool:
    session = _session(context)
    first, _, rest = args.partition(" ")
    channel, reason = (first, rest.strip()) if session.is_channel(first) \
        else (context.current, args)
    if channel is None:
        raise InvalidInput(f"You are in no channel. Usage: {COMMANDS['part'].usage}")
    if session.channel(channel) is None:
        raise InvalidInput(f"You are not in {channel}")
    return context.send(session.part(channel, reason))


# /topic [<new topic>]
def _topic(context: CommandContext, args: str) -> bool:
    session = _session(context)
    found = session.channel(context.current) if context.current else None
    if found is None:
        raise InvalidInput("You are in no channel: /join #channel first")
    if not args:
        context.inform(f"Topic of {found.name}: {found.topic}" if found.topic
                       else f"{found.name} has no topic")
        return True
    return context.send(session.topic(found.name, args))


# /users
def _users(context: CommandContext, args: str) -> bool:
    context.on_users()
    return True


# /quit [<reason>]
def _quit(context: CommandContext, args: str) -> bool:
    context.shut_down(args)
    return True


# /forget-cert [<host>:<port>]
def _forget_cert(context: CommandContext, args: str) -> bool:
    params = context.params
    key = parse_server_key(args) if args else server_key(params.host, params.port)
    if not key:
        raise _usage("forget-cert")
    removal = context.forget_certificate(key)
    if removal is PinRemoval.NOT_PINNED:
        raise InvalidInput(f"No certificate is pinned for {key}")
    if removal is PinRemoval.NOT_SAVED:
        raise InvalidInput(f"Could not save settings: the pin of {key} is still there")
    context.inform(f"Forgot the pinned certificate of {key}: the next TLS "
                   f"connection to it asks again whether to trust it")
    return True


# /passwd <new password>
def _passwd(context: CommandContext, args: str) -> bool:
    if " " in args:
        raise InvalidInput("A password is one word: no spaces")
    return context.change_password(args)


# /notify [all|mentions|never]
def _notify(context: CommandContext, args: str) -> bool:
    name = context.current
    if name is None:
        raise InvalidInput("Open a channel or private chat first: /notify is set per "
                           "conversation")
    private = context.session is not None and not context.session.is_channel(name)
    if args:
        try:
            mode = NotifyMode(args.lower())
        except ValueError:
            raise _usage("notify") from None
        context.alerts.set_mode(name, mode)
    context.inform(notify_line(name, context.alerts.mode_of(name, private)))
    return True


# /dnd [on|off]
def _dnd(context: CommandContext, args: str) -> bool:
    if args.lower() not in ("", "on", "off"):
        raise _usage("dnd")
    on = not context.alerts.dnd if not args else args.lower() == "on"
    context.alerts.set_dnd(on)
    context.inform(dnd_line(on))
    return True


# /help
def _help(context: CommandContext, args: str) -> bool:
    lines = [f"{command.usage}  {command.summary}" for command in COMMANDS.values()]
    lines.append("//text  send text that starts with '/'")
    keys = [f"{key}  {what}" for key, what in SHORTCUTS]
    context.inform("Commands:", *lines, "Keyboard shortcuts:", *keys,
                   f"{client_version()}; its log: {log_path()}")
    return True


COMMANDS: dict[str, Command] = {
    "me": Command("/me <action>", "describe what you do", _me, needs_args=True, multiline=True,
                  online=False),
    "msg": Command("/msg <nick> <text>", "send a private message", _msg, needs_args=True,
                   multiline=True, online=False),
    "nick": Command("/nick <new nick>", "change your nickname", _nick, needs_args=True),
    "join": Command("/join <#channel> [key]", "join a channel (with its key, if it has one) "
                    "and talk there", _join,
                    needs_args=True),
    "part": Command("/part [#channel] [reason]", "leave a channel (default: this one)", _part),
    "topic": Command("/topic [new topic]", "show or set this channel's topic", _topic),
    "users": Command("/users", "show who is in this channel", _users, online=False),
    "quit": Command("/quit [reason]", "leave the chat and close the window", _quit,
                    online=False),
    "forget-cert": Command("/forget-cert [host:port]",
                           "forget a server's pinned TLS certificate (default: this server)",
                           _forget_cert, online=False),
    "passwd": Command("/passwd <new password>",
                      "set your account's password, to log in from another device", _passwd,
                      needs_args=True),
    "notify": Command("/notify [all|mentions|never]",
                      "what this conversation notifies you for (no argument: say)", _notify,
                      online=False),
    "dnd": Command("/dnd [on|off]", "do not disturb: no desktop notifications (toggles)", _dnd,
                   online=False),
    **CHAT_COMMANDS,
    "help": Command("/help", "list the commands and keyboard shortcuts", _help, online=False),
}
