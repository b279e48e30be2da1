"""Slash commands typed into the input: one table of name -> (usage, handler). A handler gets the
controller and the text after the command, and returns True when the input may be cleared.
A line break (CR, LF, NUL) is refused before any handler runs, except in the free text of /me
and /msg, where each typed line becomes its own message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.models.log import EntryKind
from app.models.trust import parse_server_key, server_key
from ircproto.message import MessageError

if TYPE_CHECKING:
    from app.controllers.client import ClientController


@dataclass(frozen=True, slots=True)
class Command:
    """One slash command: how to use it, what it does, whether it needs the server."""

    usage: str
    summary: str
    handler: Callable[[ClientController, str], bool]
    needs_args: bool = False
    online: bool = True
    multiline: bool = False
    """The text may hold several lines (each is sent as its own message)."""


def run(controller: ClientController, text: str) -> bool:
    """Run the slash command in text ('/name args'); errors become log lines."""
    name, _, raw_args = text[1:].partition(" ")
    raw_args = raw_args.rstrip()  # a pasted line's own line ending is harmless
    args = raw_args.strip()
    if has_line_break(name):
        return _error(controller, "A command name cannot hold a line break; nothing was sent")
    command = COMMANDS.get(name.lower())
    if command is None:
        return _error(controller, f"Unknown command /{name}; /help lists the commands")
    if command.needs_args and not args:
        return _error(controller, f"Usage: {command.usage}")
    if not command.multiline and has_line_break(raw_args):
        return _error(controller, f"/{name.lower()} takes one line: remove the line breaks "
                                  f"(nothing was sent)")
    if command.online and not controller.online:
        return _error(controller, f"Not connected: /{name.lower()} needs the server")
    try:
        return command.handler(controller, args)
    except MessageError as error:  # the wire format refused a line: nothing was sent
        return _error(controller, f"Not sent: {error}")
    except ValueError as error:
        return _error(controller, str(error))


def has_line_break(text: str) -> bool:
    """True when text holds CR, LF or NUL, which can never be part of one IRC line."""
    return any(c in text for c in "\r\n\0")


def _error(controller: ClientController, text: str) -> bool:
    controller.show([controller.entry(text, EntryKind.ERROR)])
    return False


def _info(controller: ClientController, text: str) -> bool:
    controller.show([controller.entry(text)])
    return True


# /me <text>
def _me(controller: ClientController, args: str) -> bool:
    return controller.say(args, action=True)


# /msg <nick|channel> <text>
def _msg(controller: ClientController, args: str) -> bool:
    target, _, text = args.partition(" ")
    if has_line_break(target):
        return _error(controller, "A nick or channel cannot hold a line break; nothing was sent")
    if not text.strip():
        return _error(controller, f"Usage: {COMMANDS['msg'].usage}")
    if not controller.say(text.strip(), target=target):
        return False
    if controller.session is not None and not controller.session.is_channel(target):
        controller.switch_to(target)  # a private chat opens and shows
    return True


# /nick <new nick>
def _nick(controller: ClientController, args: str) -> bool:
    assert controller.session is not None
    if " " in args:
        return _error(controller, f"Usage: {COMMANDS['nick'].usage}")
    return controller.send(controller.session.change_nick(args))


# /join <#channel>
def _join(controller: ClientController, args: str) -> bool:
    assert controller.session is not None
    if " " in args:
        return _error(controller, f"Usage: {COMMANDS['join'].usage}")
    found = controller.session.channel(args)
    if found is not None:
        controller.switch_to(found.name)
        return _info(controller, f"Now talking in {found.name}")
    return controller.send(controller.session.join(args))


# /part [<#channel>] [<reason>]
def _part(controller: ClientController, args: str) -> bool:
    assert controller.session is not None
    first, _, rest = args.partition(" ")
    channel, reason = (first, rest.strip()) if controller.session.is_channel(first) \
        else (controller.current, args)
    if channel is None:
        return _error(controller, f"You are in no channel. Usage: {COMMANDS['part'].usage}")
    if controller.session.channel(channel) is None:
        return _error(controller, f"You are not in {channel}")
    return controller.send(controller.session.part(channel, reason))


# /topic [<new topic>]
def _topic(controller: ClientController, args: str) -> bool:
    assert controller.session is not None
    found = controller.session.channel(controller.current) if controller.current else None
    if found is None:
        return _error(controller, "You are in no channel: /join #channel first")
    if not args:
        return _info(controller, f"Topic of {found.name}: {found.topic}" if found.topic
                     else f"{found.name} has no topic")
    return controller.send(controller.session.topic(found.name, args))


# /users
def _users(controller: ClientController, args: str) -> bool:
    controller.on_users()
    return True


# /quit [<reason>]
def _quit(controller: ClientController, args: str) -> bool:
    controller.shut_down(args)
    return True


# /forget-cert [<host>:<port>]
def _forget_cert(controller: ClientController, args: str) -> bool:
    params = controller.params
    key = parse_server_key(args) if args else server_key(params.host, params.port)
    if not key:
        return _error(controller, f"Usage: {COMMANDS['forget-cert'].usage}")
    if not controller.forget_certificate(key):
        return _error(controller, f"No certificate is pinned for {key}")
    return _info(controller, f"Forgot the pinned certificate of {key}: the next TLS "
                             f"connection to it asks again whether to trust it")


# /help
def _help(controller: ClientController, args: str) -> bool:
    lines = [f"{command.usage}  {command.summary}" for command in COMMANDS.values()]
    lines.append("//text  send text that starts with '/'")
    controller.show([controller.entry(line) for line in ["Commands:", *lines]])
    return True


COMMANDS: dict[str, Command] = {
    "me": Command("/me <action>", "describe what you do", _me, needs_args=True, multiline=True,
                  online=False),
    "msg": Command("/msg <nick> <text>", "send a private message", _msg, needs_args=True,
                   multiline=True, online=False),
    "nick": Command("/nick <new nick>", "change your nickname", _nick, needs_args=True),
    "join": Command("/join <#channel>", "join a channel and talk there", _join,
                    needs_args=True),
    "part": Command("/part [#channel] [reason]", "leave a channel (default: this one)", _part),
    "topic": Command("/topic [new topic]", "show or set this channel's topic", _topic),
    "users": Command("/users", "show who is in this channel", _users, online=False),
    "quit": Command("/quit [reason]", "leave the chat and close the window", _quit,
                    online=False),
    "forget-cert": Command("/forget-cert [host:port]",
                           "forget a server's pinned TLS certificate (default: this server)",
                           _forget_cert, online=False),
    "help": Command("/help", "list the commands", _help, online=False),
}
