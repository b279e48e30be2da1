"""What the client remembers between runs, and the parameters of one connection.

SettingsStore keeps the last host, port, nick, TLS choice, theme ('' until the user picks one:
the system's), view, the pinned TLS certificate fingerprints, the chat options (typing
notifications, automatic away, ignored nicks, compact join/part lines) and the notification
settings in settings.json under platformdirs' user config dir (or $LOCALCHAT_CONFIG_DIR), 0600
in a 0700 directory; a bad file means defaults. The server password (only when asked to
remember it) is kept in the CredentialStore, never in that file: one an older LocalChat wrote
there is moved out on load.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields, replace
from enum import Enum
from pathlib import Path
from typing import Any

import platformdirs

from app.models.credentials import SERVER_PASSWORD, CredentialStore
from app.models.placement import parse_placement
from app.models.privatefiles import FILE_MODE, private_dir, tighten
from app.models.trust import is_fingerprint, server_key
from ircproto.message import has_line_break
from ircproto.names import nick_error

DEFAULT_PORT = 13333
DEFAULT_HOST = "127.0.0.1"
DEFAULT_CHANNEL = "#lobby"
CONFIG_DIR_ENV = "LOCALCHAT_CONFIG_DIR"
SETTINGS_FILE = "settings.json"
DEFAULT_AUTO_AWAY_MINUTES = 10
MAX_AUTO_AWAY_MINUTES = 24 * 60
THEMES = ("light", "dark")
"""The theme names; the views and the command line take theirs from here."""
NOTIFY_MODES = ("all", "mentions", "never")
"""The per-conversation notification settings (app.models.notifyplan.NotifyMode's values)."""
_CREDENTIAL_FIELDS = frozenset({"password", "remember_password", "host", "port"})
"""The settings whose change may mean storing or removing the remembered server password."""

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ConnectParams:
    """Where to connect and as whom: over TLS or not, with the server password ('' for none),
    and whether to remember that password. The password never shows in a repr."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    nick: str = ""
    tls: bool = False
    password: str = field(default="", repr=False)
    remember_password: bool = False
    account_password: str = field(default="", repr=False)
    """The password of the account named nick, typed to log in from another device ('' to use
    the stored one, or to register the nick); never remembered as such: once the server takes
    it, it goes to the CredentialStore."""
    announced_fingerprint: str = ""
    """The certificate fingerprint the server announced on the LAN (DNS-SD `fp=`) when it was
    picked from the list: a hint the trust dialog compares with, never remembered."""


def params_error(params: ConnectParams) -> str:
    """Why params cannot be used to connect ('' when they can); the dialog and the controller
    both ask this."""
    host = params.host.strip()
    if not host or any(c.isspace() for c in host):
        return "Enter the server's name or address (a host name without spaces)."
    if not 0 < params.port < 65536:
        return f"The port must be between 1 and 65535, not {params.port}."
    error = nick_error(params.nick.strip())
    if error:
        return f"Invalid nickname: {error}."
    if has_line_break(params.password) or has_line_break(params.account_password):
        return "The password cannot contain line breaks or NUL characters."
    if any(c.isspace() for c in params.account_password):
        return "The account password cannot contain spaces."
    return ""


class PinRemoval(Enum):
    """What forgetting a server's pinned certificate came to."""

    FORGOTTEN = "forgotten"
    NOT_PINNED = "not pinned"
    NOT_SAVED = "not saved"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything remembered between runs. view names the window layout the views offer; pins
    maps server_key(host, port) to the certificate fingerprint trusted for that server; password
    is the server password, kept (in the credential store) only when remember_password is set.
    theme '' follows the system's preference; send_typing sends +typing notifications;
    auto_away_minutes without input mark us away (0: never); ignored lists the nicks whose lines
    are not shown; compact_joins folds joins, parts and quits into one line."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    nick: str = ""
    theme: str = ""
    view: str = ""
    tls: bool = False
    password: str = field(default="", repr=False)
    remember_password: bool = False
    pins: dict[str, str] = field(default_factory=dict)
    send_typing: bool = True
    auto_away_minutes: int = DEFAULT_AUTO_AWAY_MINUTES
    ignored: list[str] = field(default_factory=list)
    compact_joins: bool = False
    notify: dict[str, str] = field(default_factory=dict)
    """What a conversation notifies for, by its folded name: 'all', 'mentions' or 'never'
    (a conversation not named here: all in a private chat, mentions in a channel)."""
    dnd: bool = False
    """Do not disturb: no desktop notification at all."""
    windows: dict[str, str] = field(default_factory=dict)
    """Where each window layout (view name) was when it last closed: a Tk geometry
    'WIDTHxHEIGHT+X+Y' (app.models.placement), fitted to the screen when it opens again."""

    @property
    def connect_params(self) -> ConnectParams:
        """The remembered host, port, nick, TLS choice and password, as the connect dialog's
        defaults."""
        password = self.password if self.remember_password else ""
        return ConnectParams(self.host, self.port, self.nick, self.tls, password,
                             self.remember_password)


def default_config_dir() -> Path:
    """$LOCALCHAT_CONFIG_DIR when set, else the platform's per-user config dir for localchat."""
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_config_dir("localchat"))


class SettingsStore:
    """Loads and saves Settings as JSON (the server password in credentials, by default a
    CredentialStore in the same directory). Never raises for a bad or missing file: it logs a
    warning and uses defaults (load) or reports False (save)."""

    def __init__(self, directory: Path | str | None = None,
                 credentials: CredentialStore | None = None) -> None:
        self._directory = Path(directory) if directory is not None else default_config_dir()
        self.credentials = credentials if credentials is not None \
            else CredentialStore(self._directory)

    @property
    def directory(self) -> Path:
        """The config directory (settings, and the credential file where no keyring is)."""
        return self._directory

    @property
    def path(self) -> Path:
        """The JSON file."""
        return self._directory / SETTINGS_FILE

    def load(self, credentials: bool = True) -> Settings:
        """The saved settings; defaults (with a logged warning) when the file is bad. Without
        credentials, the remembered server password is not read from the credential store
        (the keyring may be slow: settings changes that do not touch it skip it)."""
        try:
            tighten(self._directory, 0o700)
            tighten(self.path, FILE_MODE)
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Settings()
        except (OSError, UnicodeDecodeError) as error:
            log.warning("Cannot read settings file %s (%s); using defaults", self.path, error)
            return Settings()
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            log.warning("Settings file %s is not valid JSON (%s); using defaults", self.path, error)
            return Settings()
        settings = _from_json(data, self.path)
        if settings.password and not self._move_password_out(settings):
            return settings if settings.remember_password else replace(settings, password="")
        return self._with_password(settings) if credentials else replace(settings, password="")

    def _move_password_out(self, settings: Settings) -> bool:
        """An older LocalChat kept the server password here in plain text: put it in the
        credential store and rewrite the file without it. False when the store refused it (the
        file is left as it was)."""
        key = server_key(settings.host, settings.port)
        if settings.remember_password and not self.credentials.set(key, SERVER_PASSWORD,
                                                                   settings.password):
            log.warning("Could not move the saved password out of %s", self.path)
            return False
        if self._write(settings):
            log.info("Moved the saved server password from %s to %s", self.path,
                     self.credentials.where)
        return True

    def _with_password(self, settings: Settings) -> Settings:
        """settings with the remembered server password from the credential store."""
        if not settings.remember_password:
            return replace(settings, password="")
        found = self.credentials.get(server_key(settings.host, settings.port), SERVER_PASSWORD)
        return replace(settings, password=found or "")

    def _keep_password(self, settings: Settings) -> bool:
        """Store the server password when it is to be remembered, else remove a stored one."""
        key = server_key(settings.host, settings.port)
        stored = self.credentials.get(key, SERVER_PASSWORD)
        if settings.remember_password and settings.password:
            return stored == settings.password or self.credentials.set(
                key, SERVER_PASSWORD, settings.password)
        return stored is None or self.credentials.delete(key, SERVER_PASSWORD)

    def save(self, settings: Settings) -> bool:
        """Write settings atomically (the server password to the credential store); False (with
        a logged warning) when that failed."""
        return self._keep_password(settings) & self._write(settings)

    def _write(self, settings: Settings) -> bool:
        try:
            private_dir(self._directory)
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=self._directory, suffix=".tmp", delete=False
            ) as handle:
                os.chmod(handle.name, FILE_MODE)
                json.dump({**self._unknown(), **_to_json(settings)}, handle, indent=2)
            os.replace(handle.name, self.path)
        except OSError as error:
            log.warning("Cannot save settings to %s: %s", self.path, error)
            return False
        return True

    def _unknown(self) -> dict[str, Any]:
        """What the file holds that this version does not know (a newer LocalChat's settings):
        written back as it was, never dropped."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return {}
        known = {item.name for item in fields(Settings)}
        return {key: value for key, value in data.items() if key not in known} \
            if isinstance(data, dict) else {}

    def update(self, **changes: Any) -> bool:
        """Load, change the given fields, save; False when saving failed. A change that does
        not concern the server password (theme, options, pins...) never calls the credential
        store, which would be a keyring round trip on the Tk thread."""
        if _CREDENTIAL_FIELDS.isdisjoint(changes):
            settings = self.load(credentials=False)
            if not settings.password:  # no plain password an older version left to move out
                return self._write(replace(settings, **changes))
        return self.save(replace(self.load(), **changes))

    def forget_pin(self, key: str) -> PinRemoval:
        """Remove the pinned certificate of the server under key (see trust.server_key)."""
        pins = dict(self.load().pins)
        if pins.pop(key, None) is None:
            return PinRemoval.NOT_PINNED
        return PinRemoval.FORGOTTEN if self.update(pins=pins) else PinRemoval.NOT_SAVED


def _to_json(settings: Settings) -> dict[str, Any]:
    """settings as a JSON object, without the password (the credential store keeps it)."""
    data = asdict(settings)
    del data["password"]
    return data


def _from_json(data: object, path: Path) -> Settings:
    """Settings from parsed JSON, keeping each valid field and defaulting (with a warning) the
    rest."""
    if not isinstance(data, dict):
        log.warning("Settings file %s does not hold an object; using defaults", path)
        return Settings()
    defaults = Settings()
    values: dict[str, Any] = {}
    for item in fields(Settings):
        if item.name not in data:
            continue
        value = data[item.name]
        if _is_valid(item.name, value):
            values[item.name] = value
        elif item.name == "password":
            log.warning("Settings file %s: the password is not text; ignoring it", path)
        else:
            log.warning("Settings file %s: bad %s %r; using %r", path, item.name, value,
                        getattr(defaults, item.name))
    return Settings(**values)


def _is_valid(name: str, value: object) -> bool:
    if name == "port":
        return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536
    if name == "theme":
        return value in THEMES or value == ""
    if name in ("tls", "remember_password", "send_typing", "compact_joins", "dnd"):
        return isinstance(value, bool)
    if name == "auto_away_minutes":
        return isinstance(value, int) and not isinstance(value, bool) and \
            0 <= value <= MAX_AUTO_AWAY_MINUTES
    if name == "ignored":
        return isinstance(value, list) and all(isinstance(nick, str) for nick in value)
    if name == "pins":
        return isinstance(value, dict) and all(
            isinstance(key, str) and is_fingerprint(pin) for key, pin in value.items())
    if name == "notify":
        return isinstance(value, dict) and all(
            isinstance(key, str) and mode in NOTIFY_MODES for key, mode in value.items())
    if name == "windows":
        return isinstance(value, dict) and all(
            isinstance(key, str) and isinstance(place, str) and parse_placement(place)
            for key, place in value.items())
    return isinstance(value, str)
