"""HELP (Modern IRC): 704, 705s and 706 for a subject (server.helptopics), 524 for one it has no
help on. The subject is echoed as the client gave it, or `*` for the index and for one that
cannot be a parameter; topics are found whatever their case."""

from __future__ import annotations

from ircproto import numerics as n
from ircproto.message import Message
from server.commands.base import Context
from server.helptopics import INDEX, TOPICS


def subject_param(subject: str) -> str:
    """The subject as numerics name it: itself, `*` when it is not one word."""
    if not subject or " " in subject or subject.startswith(":"):
        return "*"
    return subject


# HELP [<subject>]
def handle_help(ctx: Context, message: Message) -> None:
    subject = message.param(0).strip()
    lines: tuple[str, ...]
    if not subject:
        title, lines, name = "** LocalChat help **", INDEX, "*"
    else:
        topic = TOPICS.get(subject.upper())
        if topic is None:
            ctx.reply(n.ERR_HELPNOTFOUND, subject_param(subject), "No help available on this topic")
            return
        title, lines, name = f"** {subject.upper()} **", topic, subject_param(subject)
    ctx.reply(n.RPL_HELPSTART, name, title)
    ctx.reply(n.RPL_HELPTXT, name, "")
    for line in lines[:-1]:
        ctx.reply(n.RPL_HELPTXT, name, line)
    ctx.reply(n.RPL_ENDOFHELP, name, lines[-1])
