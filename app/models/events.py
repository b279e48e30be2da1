"""What happened, as plain past-tense dataclasses: the connection's items on its queue and the
session's answers to each Message. The controller turns them into view calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.models.log import LogEntry
from app.models.users import UserItem
from ircproto.message import Message

# --- put on the queue by the connection's reader thread (with Messages and LineErrors) ---


@dataclass(frozen=True, slots=True)
class ConnectionOpened:
    """The TCP connection is up."""

    host: str
    port: int


@dataclass(frozen=True, slots=True)
class ConnectFailed:
    """The connection never came up; reason is a sentence for the user."""

    reason: str


@dataclass(frozen=True, slots=True)
class ConnectionClosed:
    """An open connection ended. by_us: we closed it (quit, close()); otherwise the peer or the
    network did, and reason says how."""

    reason: str
    by_us: bool


# --- returned by the session ---


@dataclass(frozen=True, slots=True)
class MessageReceived:
    """One line for the log: chat, action, notice, system or error."""

    entry: LogEntry


@dataclass(frozen=True, slots=True)
class Registered:
    """The server welcomed us (001) as nick."""

    nick: str
    server: str


@dataclass(frozen=True, slots=True)
class NickRejected:
    """Registration failed on the nick (432 erroneous, 433 in use) and no fallback nick is left."""

    code: str
    nick: str
    reason: str


@dataclass(frozen=True, slots=True)
class UserJoined:
    """nick joined channel; own when it was us."""

    channel: str
    nick: str
    own: bool = False


@dataclass(frozen=True, slots=True)
class UserParted:
    """nick left channel (PART, or KICK when kicked_by is set); own when it was us."""

    channel: str
    nick: str
    reason: str = ""
    own: bool = False
    kicked_by: str = ""


@dataclass(frozen=True, slots=True)
class UserQuit:
    """nick left the network; channels lists where we saw them."""

    nick: str
    reason: str
    channels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NickChanged:
    """old is now known as new; own when it was us."""

    old: str
    new: str
    own: bool = False


@dataclass(frozen=True, slots=True)
class TopicChanged:
    """channel's topic is now topic (set by setter, '' when the server just told us)."""

    channel: str
    topic: str
    setter: str = ""


@dataclass(frozen=True, slots=True)
class UsersChanged:
    """channel's user list changed; users is the whole list, sorted for display."""

    channel: str
    users: tuple[UserItem, ...]


@dataclass(frozen=True, slots=True)
class JoinRefused:
    """The server refused our JOIN of channel (471, 473, 474, 475) saying reason."""

    channel: str
    reason: str


@dataclass(frozen=True, slots=True)
class MessageRefused:
    """The server refused our message to target (404 ERR_CANNOTSENDTOCHAN) saying reason."""

    target: str
    reason: str


@dataclass(frozen=True, slots=True)
class ErrorReceived:
    """The server sent ERROR: it is about to close the connection."""

    reason: str


@dataclass(frozen=True, slots=True)
class ServerNotice:
    """A NOTICE from the server itself (not from a user)."""

    text: str


@dataclass(frozen=True, slots=True)
class HistoryReceived:
    """A chathistory batch for target ended after count messages, the newest last_msgid
    (target '' for the end of a CHATHISTORY TARGETS answer)."""

    target: str
    count: int
    last_msgid: str = ""


@dataclass(frozen=True, slots=True)
class SearchAnswered:
    """A soju.im/search batch ended: the messages the server found (oldest first)."""

    messages: tuple[Message, ...]


@dataclass(frozen=True, slots=True)
class HistoryTargetFound:
    """CHATHISTORY TARGETS: target had messages, the newest at time."""

    target: str
    time: datetime


@dataclass(frozen=True, slots=True)
class ReadMarkerSet:
    """MARKREAD: everything in target up to time has been read (on some client of ours)."""

    target: str
    time: datetime


@dataclass(frozen=True, slots=True)
class RequestFailed:
    """FAIL <command> <code> <context...>: a request of ours was refused."""

    command: str
    code: str
    context: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RequestNoted:
    """NOTE <command> <code> <context...> :<text>: the server said something about a request."""

    command: str
    code: str
    text: str


@dataclass(frozen=True, slots=True)
class LoggedIn:
    """The server says we are logged in to account (900), by SASL or after REGISTER."""

    account: str


@dataclass(frozen=True, slots=True)
class AccountCreated:
    """REGISTER SUCCESS: the server made account for our nick with the session's password."""

    account: str


@dataclass(frozen=True, slots=True)
class LoginRefused:
    """SASL failed before registration (902/904/905/906, or the server's proof was wrong);
    registration is held (no CAP END sent)."""

    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class NickOwned:
    """Before registration: nick belongs to an account we are not logged in to (FAIL REGISTER
    ACCOUNT_EXISTS, or 433 saying it is registered); registration is held."""

    nick: str
    reason: str


@dataclass(frozen=True, slots=True)
class PasswordChanged:
    """PASSWD SUCCESS: the account's password is now the one we sent."""


@dataclass(frozen=True, slots=True)
class TypingNotified:
    """nick sent +typing=state (active, paused, done) in target (a channel, or for a private
    chat the other person's nick)."""

    target: str
    nick: str
    state: str


@dataclass(frozen=True, slots=True)
class AwayChanged:
    """nick is now away with text (away-notify, or 305/306 for us), or back when text is ''."""

    nick: str
    text: str
    own: bool = False


@dataclass(frozen=True, slots=True)
class ReactionChanged:
    """nick reacted to the message msgid in target with reaction (+draft/react), or took it
    back (added False: +draft/unreact); replayed when it came from history."""

    target: str
    msgid: str
    nick: str
    reaction: str
    added: bool = True
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class MessageRedacted:
    """REDACT (draft/message-redaction): by deleted the message msgid in target."""

    target: str
    msgid: str
    by: str
    reason: str = ""


# --- made by the controller ---


@dataclass(frozen=True, slots=True)
class ConnectionLost:
    """We lost the server without asking to."""

    reason: str


@dataclass(frozen=True, slots=True)
class Reconnecting:
    """The next connection attempt starts in delay seconds (attempt counts from 1)."""

    delay: float
    attempt: int


@dataclass(frozen=True, slots=True)
class CasemappingChanged:
    """The server's ISUPPORT named another CASEMAPPING: names fold differently from now on."""

    casemapping: str


@dataclass(frozen=True, slots=True)
class ChannelKeyChanged:
    """channel's key (+k) is now key ("" when it has none): ours to give again on a rejoin."""

    channel: str
    key: str


Event = (
    MessageReceived | Registered | NickRejected | UserJoined | UserParted | UserQuit
    | NickChanged | TopicChanged | UsersChanged | ErrorReceived | ServerNotice | HistoryReceived
    | HistoryTargetFound | ReadMarkerSet | RequestFailed | LoggedIn | AccountCreated
    | LoginRefused | NickOwned | PasswordChanged | SearchAnswered | TypingNotified
    | AwayChanged | CasemappingChanged | RequestNoted | ReactionChanged | MessageRedacted
    | JoinRefused | MessageRefused | ChannelKeyChanged
)
ConnectionItem = ConnectionOpened | ConnectFailed | ConnectionClosed
