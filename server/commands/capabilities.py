"""IRCv3 capability negotiation: CAP LS/LIST/REQ/END (version 302, with cap-notify).

Other commands read client.caps themselves; CAP END completes a registration it held back.
"""

from __future__ import annotations

from ircproto import numerics as n
from ircproto.message import Message
from server.commands.accounts import REGISTRATION_CAP
from server.commands.base import LIST_LINE_LIMIT, Context, ReplyError, fit_lines
from server.commands.invite import INVITE_NOTIFY_CAP
from server.commands.redact import CAP as REDACTION_CAP
from server.commands.replay import EVENT_PLAYBACK
from server.commands.search import SEARCH_CAP
from server.commands.welcome import complete_registration
from server.delivery import ACCOUNT_TAG, MESSAGE_TAGS, SERVER_TIME
from server.multiline import CAP as MULTILINE_CAP
from server.multiline import CAP_VALUE as MULTILINE_LIMITS
from server.sasl import MECHANISMS, mechanisms

# Name -> value shown by CAP LS 302 ('' for none).
CAPABILITIES: dict[str, str] = {
    "account-notify": "",
    "account-tag": "",
    "away-notify": "",
    "batch": "",
    "cap-notify": "",
    REGISTRATION_CAP: "before-connect",
    "draft/chathistory": "",
    "draft/no-implicit-names": "",
    EVENT_PLAYBACK: "",  # history replays reactions (TAGMSG) too
    REDACTION_CAP: "",
    MULTILINE_CAP: MULTILINE_LIMITS,
    "draft/read-marker": "",
    "echo-message": "",
    "extended-join": "",
    "extended-monitor": "",
    INVITE_NOTIFY_CAP: "",
    "labeled-response": "",
    "message-tags": "",
    "multi-prefix": "",
    "sasl": ",".join(MECHANISMS),  # with EXTERNAL too for a client certificate (list_caps)
    "server-time": "",
    "setname": "",
    SEARCH_CAP: "",
    "userhost-in-names": "",
}


def cap_lines(nick: str, sub: str, items: list[str], limit: int = LIST_LINE_LIMIT
              ) -> list[tuple[str, ...]]:
    """The params of each CAP line listing items: all but the last carry '*' (302 multiline)."""
    lines = fit_lines(items, limit)
    return [*((nick, sub, "*", line) for line in lines[:-1]), (nick, sub, lines[-1])]


def send_cap_list(ctx: Context, sub: str, items: list[str]) -> None:
    for params in cap_lines(ctx.session.nick, sub, items):
        ctx.send(ctx.session, Message("CAP", params, ctx.server_name))


# CAP LS [<version>] | CAP LIST | CAP REQ :<capabilities> | CAP END
def handle_cap(ctx: Context, message: Message) -> None:
    sub, client = message.params[0].upper(), ctx.session
    if sub in ("LS", "REQ") and not client.registered:
        client.cap_negotiating = True  # registration now waits for CAP END
    if sub == "LS":
        list_caps(ctx, message.param(1))
    elif sub == "LIST":
        send_cap_list(ctx, "LIST", sorted(client.caps))
    elif sub == "REQ":
        request_caps(ctx, message.param(1))
    elif sub == "END":  # again after a refused nick: registration is tried once more
        if not client.registered:
            client.cap_negotiating = False
            complete_registration(ctx)
    else:
        raise ReplyError(n.ERR_INVALIDCAPCMD, message.params[0], "Invalid CAP subcommand")


def list_caps(ctx: Context, version: str) -> None:
    """CAP LS: with 302 or later the values too, and cap-notify is then implied."""
    client = ctx.session
    client.cap_version = max(client.cap_version, int(version) if version.isdigit() else 0)
    if client.cap_version >= 302:
        if "cap-notify" not in client.caps:
            client.caps.add("cap-notify")
            ctx.state.cap_holders.changed(set(), {"cap-notify"})
        values = {**CAPABILITIES, "sasl": ",".join(mechanisms(client.certfp))}
        items = [f"{k}={v}" if v else k for k, v in values.items()]
    else:
        items = list(CAPABILITIES)
    send_cap_list(ctx, "LS", items)


def request_caps(ctx: Context, text: str) -> None:
    """CAP REQ: all or nothing; one unknown capability refuses the whole set with NAK."""
    client, names = ctx.session, text.split()
    wanted = [(name[1:], False) if name.startswith("-") else (name, True) for name in names]
    if not names or any(name not in CAPABILITIES for name, _ in wanted):
        ctx.send(client, Message("CAP", (client.nick, "NAK", text), ctx.server_name))
        return
    before = set(client.caps)
    for name, enable in wanted:
        if enable:
            client.caps.add(name)
        else:
            client.caps.discard(name)
    ctx.state.cap_holders.changed(before, client.caps)
    client.tag_mask = tag_mask(client.caps)
    ctx.send(client, Message("CAP", (client.nick, "ACK", text), ctx.server_name))


def tag_mask(caps: set[str]) -> int:
    """The delivery tag bits for a set of capabilities."""
    return (
        (SERVER_TIME if "server-time" in caps else 0)
        | (MESSAGE_TAGS if "message-tags" in caps else 0)
        | (ACCOUNT_TAG if "account-tag" in caps else 0)
    )
