"""The everyday IRC slash commands people expect: /whois, /query, /list, /invite, /kick, /mode,
/clear, /ignore and /unignore (client side, remembered), /away and /back, /set (the chat
options); and the keyboard shortcuts /help lists. What the server answers comes back as
numerics, shown as status lines."""

from __future__ import annotations

from app.controllers.commandtypes import Command, CommandContext, session_of, usage_error
from app.models.ignores import IGNORE_NICKLEN
from app.models.options import USAGE
from app.models.userinput import InvalidInput
from ircproto.names import nick_error

DEFAULT_AWAY_TEXT = "Away"
"""The away message of a bare /away (AWAY without text would mean 'back')."""

SHORTCUTS = (
    ("Enter", "send what you typed"),
    ("Tab", "complete the nick before the cursor (again: the next match)"),
    ("Up / Down", "recall what you sent before"),
    ("Ctrl+Tab / Ctrl+Shift+Tab", "next / previous conversation (also Alt+Down / Alt+Up)"),
    ("Ctrl+F", "find in this conversation"),
    ("Ctrl+Shift+F", "search all conversations"),
    ("Ctrl+,", "Preferences (the options /set changes, Do not disturb, the theme)"),
    ("Escape", "leave (asks first)"),
)


def _channel_here(context: CommandContext, name: str) -> str:
    """The channel a command acts on: the current conversation when it is a channel."""
    session = session_of(context)
    if context.current is None or not session.is_channel(context.current):
        raise InvalidInput(f"This is not a channel: {COMMANDS[name].usage} needs one "
                           f"(or name it)")
    return context.current


def _words(args: str) -> list[str]:
    return args.split()


# /whois <nick>
def _whois(context: CommandContext, args: str) -> bool:
    if " " in args:
        raise usage_error(COMMANDS["whois"])
    return context.send(session_of(context).build.whois(args))


# /query <nick> [<text>]
def _query(context: CommandContext, args: str) -> bool:
    nick, _, text = args.partition(" ")
    error = nick_error(nick, IGNORE_NICKLEN)
    session = context.session
    if error or (session is not None and session.is_channel(nick)):
        raise InvalidInput(f"'{nick}' is not a nick: /query opens a private chat with someone"
                           f" (for a channel: /join)")
    context.switch_to(nick)
    if text.strip():
        context.say(text.strip(), target=nick)
    return True


# /list [<filter>]
def _list(context: CommandContext, args: str) -> bool:
    context.inform("Asking the server for its channels…")
    return context.send(session_of(context).build.list_channels(args))


# /invite <nick> [<#channel>]
def _invite(context: CommandContext, args: str) -> bool:
    words = _words(args)
    if len(words) > 2:
        raise usage_error(COMMANDS["invite"])
    channel = words[1] if len(words) == 2 else _channel_here(context, "invite")
    return context.send(session_of(context).build.invite(words[0], channel))


# /kick [<#channel>] <nick> [<reason>]
def _kick(context: CommandContext, args: str) -> bool:
    session = session_of(context)
    first, _, rest = args.partition(" ")
    if session.is_channel(first):
        channel, (nick, _, reason) = first, rest.strip().partition(" ")
    else:
        channel, nick, reason = _channel_here(context, "kick"), first, rest
    if not nick:
        raise usage_error(COMMANDS["kick"])
    return context.send(session.build.kick(channel, nick, reason.strip()))


# /mode [<target>] [<modes> [<args>...]]
def _mode(context: CommandContext, args: str) -> bool:
    session, words = session_of(context), _words(args)
    if not words or words[0][:1] in ("+", "-"):
        target = context.current if context.current is not None else session.nick
        return context.send(session.build.mode(target, *words))
    return context.send(session.build.mode(words[0], *words[1:]))


# /clear
def _clear(context: CommandContext, args: str) -> bool:
    context.clear_conversation()
    return True


# /ignore [<nick>]
def _ignore(context: CommandContext, args: str) -> bool:
    if not args:
        nicks = context.ignores.nicks
        context.inform(f"Ignoring: {', '.join(nicks)}" if nicks else
                       "Ignoring nobody (/ignore <nick> hides what someone says)")
        return True
    if " " in args:
        raise usage_error(COMMANDS["ignore"])
    if not context.ignores.add(args):
        raise InvalidInput(f"{args} is already ignored (/unignore {args} to see them again)")
    if context.save_ignores():
        context.inform(f"Ignoring {args}: their messages are not shown (/unignore {args})")
    return True


# /unignore <nick>
def _unignore(context: CommandContext, args: str) -> bool:
    if not context.ignores.remove(args):
        raise InvalidInput(f"{args} is not ignored")
    if context.save_ignores():
        context.inform(f"No longer ignoring {args}")
    return True


# /away [<text>]
def _away(context: CommandContext, args: str) -> bool:
    return context.set_away(args or DEFAULT_AWAY_TEXT)


# /back
def _back(context: CommandContext, args: str) -> bool:
    if args:
        raise usage_error(COMMANDS["back"])
    return context.set_away("")


# /set [<option> <value>]
def _set(context: CommandContext, args: str) -> bool:
    name, _, value = args.partition(" ")
    if name and not value.strip():
        raise InvalidInput(f"/set {name} needs a value. Usage: {USAGE}")
    context.set_option(name, value)
    return True


COMMANDS: dict[str, Command] = {
    "whois": Command("/whois <nick>", "who someone is (the server answers)", _whois,
                     needs_args=True),
    "query": Command("/query <nick> [text]", "open a private chat (and say text)", _query,
                     needs_args=True, online=False),
    "list": Command("/list [filter]", "list the server's channels", _list),
    "invite": Command("/invite <nick> [#channel]", "invite someone (default: this channel)",
                      _invite, needs_args=True),
    "kick": Command("/kick [#channel] <nick> [reason]", "remove someone from a channel",
                    _kick, needs_args=True),
    "mode": Command("/mode [target] [+/-modes [args]]",
                    "show or change modes (default: this channel)", _mode),
    "clear": Command("/clear", "empty this conversation's log (here only)", _clear,
                     online=False),
    "ignore": Command("/ignore [nick]", "hide what nick says (alone: list who is ignored)",
                      _ignore, online=False),
    "unignore": Command("/unignore <nick>", "show nick's messages again", _unignore,
                        needs_args=True, online=False),
    "away": Command("/away [message]", "mark yourself away", _away),
    "back": Command("/back", "you are back (no longer away)", _back),
    "set": Command("/set [option value]", "show or change the options: typing on|off, "
                   "joins compact|full, autoaway <minutes>", _set, online=False),
}
CHAT_COMMANDS = COMMANDS
"""The table commands.py merges into its own."""
