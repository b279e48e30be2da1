"""The lines we send, built from what the user typed and checked against the server's features:
registration, PRIVMSG and CTCP ACTION (split to fit), JOIN, PART, NICK, TOPIC, CHATHISTORY,
MARKREAD, PASSWD, QUIT, the everyday commands (WHOIS, LIST, INVITE, KICK, MODE, AWAY),
+typing TAGMSGs, multiline batches, replies, reactions and REDACT. A name or text the wire
refuses raises InvalidInput."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import datetime

from app.models.features import ServerFeatures
from app.models.multiline import BATCH_TYPE, CONCAT_TAG, Limits, batches, joined, pieces
from app.models.reacts import REACT_TAG, UNREACT_TAG, check_reaction
from app.models.replies import reply_tags
from app.models.splitter import payload_budget, split_text
from app.models.userinput import InvalidInput
from ircproto.message import Message, MessageError
from ircproto.names import NICKLEN, is_valid_channel, nick_error
from ircproto.servertime import format_server_time


def ctcp(command: str, arg: str = "") -> str:
    """A CTCP body (ACTION, VERSION, PING) framed in \\x01 for a PRIVMSG or NOTICE."""
    return f"\x01{command} {arg}\x01" if arg else f"\x01{command}\x01"


LIST_QUERIES = ("b", "e", "I")
"""MODE #channel b (bans), e (exceptions), I (invite exceptions): the lists, not a change."""

ACTION_WRAP = len(ctcp("ACTION", "x")) - 1
"""How many bytes the CTCP ACTION framing adds to a /me line."""


def typed(command: str, *params: str, tags: Mapping[str, str] | None = None) -> Message:
    """A message built from what the user typed: the wire format's refusal is their input's."""
    try:
        return Message(command, params, tags=tags or {})
    except MessageError as error:
        raise InvalidInput(f"Not sent: {error}") from error


class CommandBuilder:
    """Builds our commands under the server's current features (CHANTYPES, NICKLEN, history)."""

    def __init__(self, features: ServerFeatures) -> None:
        self._features = features
        self._references = itertools.count(1)

    def registration(self, nick: str, username: str, realname: str,
                     cap_lines: list[Message]) -> list[Message]:
        """The lines that open registration: CAP (when we negotiate), NICK, USER."""
        return [*cap_lines, Message("NICK", (nick,)), Message("USER", (username, "0", "*",
                                                                       realname))]

    def speech(self, nick: str, target: str, text: str, action: bool,
               reply_to: str = "") -> list[tuple[str, Message]]:
        """text to target as (piece, PRIVMSG) pairs, split to fit a line sent by nick; the
        first answers reply_to (a msgid) when given."""
        self.check_target(target)
        budget = payload_budget(nick, "PRIVMSG", target, ACTION_WRAP if action else 0)
        return [(piece, self.privmsg(target, piece, action,
                                     reply_to if index == 0 else ""))
                for index, piece in enumerate(split_text(text, budget))]

    def privmsg(self, target: str, text: str, action: bool = False,
                reply_to: str = "") -> Message:
        """One PRIVMSG (a CTCP ACTION for /me), answering reply_to when given."""
        return typed("PRIVMSG", target, ctcp("ACTION", text) if action else text,
                     tags=reply_tags(reply_to) if reply_to else None)

    def multiline(self, nick: str, target: str, text: str, limits: Limits,
                  reply_to: str = "") -> list[tuple[str, list[Message]]]:
        """text to target as draft/multiline batches within limits: (the text the batch
        stands for, its BATCH +ref, PRIVMSG and BATCH -ref lines) for each. Lines too long for
        one IRC line go on in draft/multiline-concat lines; the first batch answers reply_to
        (its tags go on the BATCH line, as the spec says)."""
        self.check_target(target)
        budget = min(payload_budget(nick, "PRIVMSG", target), limits.max_bytes)
        said = []
        for index, group in enumerate(batches(pieces(text, budget), limits)):
            reference = f"ml{next(self._references)}"
            tags = reply_tags(reply_to) if reply_to and index == 0 else None
            lines = [typed("BATCH", f"+{reference}", BATCH_TYPE, target, tags=tags)]
            for piece in group:
                piece_tags = {"batch": reference, **({CONCAT_TAG: ""} if piece.concat else {})}
                lines.append(typed("PRIVMSG", target, piece.text, tags=piece_tags))
            lines.append(typed("BATCH", f"-{reference}"))
            said.append((joined(group), lines))
        return said

    def react(self, target: str, msgid: str, reaction: str, added: bool = True) -> Message:
        """TAGMSG target reacting to msgid with reaction (+draft/react), or taking it back
        (+draft/unreact); InvalidInput for an empty or too long reaction."""
        self.check_target(target)
        tag = REACT_TAG if added else UNREACT_TAG
        return typed("TAGMSG", target, tags={tag: check_reaction(reaction),
                                             **reply_tags(msgid)})

    def redact(self, target: str, msgid: str) -> Message:
        """REDACT target msgid: delete that message (draft/message-redaction)."""
        self.check_target(target)
        return typed("REDACT", target, msgid)

    def around(self, target: str, msgid: str, limit: int = 1) -> Message:
        """CHATHISTORY AROUND target msgid limit: one message (and some around it) again."""
        return Message("CHATHISTORY", ("AROUND", target, f"msgid={msgid}", str(limit)))

    def check_target(self, target: str) -> None:
        """InvalidInput unless target is a valid channel name or nick."""
        if self._features.is_channel(target):
            if not is_valid_channel(target, self._features.chantypes):
                raise InvalidInput(f"'{target}' is not a valid channel name")
        elif nick_error(target, max(self._features.nicklen, NICKLEN)):
            raise InvalidInput(f"'{target}' is not a valid nick")

    def join(self, channel: str, key: str = "") -> Message:
        """JOIN channel [key]; InvalidInput when the name is not a valid channel, or the key
        not a valid one (no commas, no ':' first)."""
        if not is_valid_channel(channel, self._features.chantypes):
            raise InvalidInput(f"'{channel}' is not a valid channel name "
                               f"(it starts with one of {self._features.chantypes})")
        if key and ("," in key or key.startswith(":")):
            raise InvalidInput("A channel key has no commas and does not start with ':'")
        return typed("JOIN", channel, key) if key else typed("JOIN", channel)

    def part(self, channel: str, reason: str = "") -> Message:
        """PART channel."""
        return typed("PART", channel, reason) if reason else typed("PART", channel)

    def change_nick(self, nick: str) -> Message:
        """NICK nick; InvalidInput with the reason when nick is not valid."""
        error = nick_error(nick, self._features.nicklen)
        if error:
            raise InvalidInput(error)
        return typed("NICK", nick)

    def topic(self, channel: str, text: str | None = None) -> Message:
        """Ask for channel's topic (text None) or set it."""
        return typed("TOPIC", channel) if text is None else typed("TOPIC", channel, text)

    def history(self, sub: str, target: str, *refs: str) -> Message:
        """CHATHISTORY sub target refs... limit (LATEST/AFTER: a ref; TARGETS: two times)."""
        return Message("CHATHISTORY", (sub, target, *refs, str(self._features.history_limit)))

    def history_targets(self, since: datetime, until: datetime) -> Message:
        """CHATHISTORY TARGETS: the conversations active between since and until."""
        return Message("CHATHISTORY", ("TARGETS", f"timestamp={format_server_time(since)}",
                                       f"timestamp={format_server_time(until)}",
                                       str(self._features.history_limit)))

    def mark_read(self, target: str, moment: datetime) -> Message:
        """MARKREAD target timestamp=moment."""
        return Message("MARKREAD", (target, f"timestamp={format_server_time(moment)}"))

    def whois(self, nick: str) -> Message:
        """WHOIS nick; InvalidInput when nick is not a nick."""
        self.check_nick(nick)
        return typed("WHOIS", nick)

    def list_channels(self, mask: str = "") -> Message:
        """LIST, or LIST with the server's filter (channel names, '>3', ...)."""
        return typed("LIST", mask) if mask else typed("LIST")

    def invite(self, nick: str, channel: str) -> Message:
        """INVITE nick channel."""
        self.check_nick(nick)
        self.check_channel(channel)
        return typed("INVITE", nick, channel)

    def kick(self, channel: str, nick: str, reason: str = "") -> Message:
        """KICK channel nick [reason]."""
        self.check_channel(channel)
        self.check_nick(nick)
        return typed("KICK", channel, nick, reason) if reason else typed("KICK", channel, nick)

    def mode(self, target: str, *changes: str) -> Message:
        """MODE target [modestring [args...]]; InvalidInput when the modes neither start with
        + or - nor ask for a list (b, e, I)."""
        self.check_target(target)
        if changes and changes[0][:1] not in ("+", "-") and changes[0] not in LIST_QUERIES:
            raise InvalidInput(f"Modes start with + or -, not '{changes[0]}'")
        return typed("MODE", target, *changes)

    def away(self, text: str = "") -> Message:
        """AWAY with text (away), or AWAY alone (back)."""
        return typed("AWAY", text) if text else typed("AWAY")

    def typing(self, target: str, state: str) -> Message:
        """TAGMSG target carrying +typing=state."""
        return Message("TAGMSG", (target,), tags={"+typing": state})

    def check_nick(self, nick: str) -> None:
        """InvalidInput unless nick is a valid nick."""
        if self._features.is_channel(nick) or nick_error(nick, max(self._features.nicklen,
                                                                  NICKLEN)):
            raise InvalidInput(f"'{nick}' is not a valid nick")

    def check_channel(self, channel: str) -> None:
        """InvalidInput unless channel is a valid channel name."""
        if not is_valid_channel(channel, self._features.chantypes):
            raise InvalidInput(f"'{channel}' is not a valid channel name")

    def quit(self, reason: str = "") -> Message:
        """QUIT with reason."""
        return Message("QUIT", (reason,) if reason else ())

    def change_password(self, current: str, new: str) -> Message:
        """PASSWD current new; InvalidInput when new is empty or has spaces."""
        if not new or any(c.isspace() for c in new):
            raise InvalidInput("A password is one word: no spaces")
        return typed("PASSWD", current, new)
