"""What the client remembers between runs, and the parameters of one connection.

SettingsStore keeps the last host, port, nick, theme and view in settings.json under
platformdirs' user config dir (or $LOCALCHAT_CONFIG_DIR); a bad file means defaults and a warning.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

DEFAULT_PORT = 13333
DEFAULT_HOST = "127.0.0.1"
DEFAULT_CHANNEL = "#lobby"
CONFIG_DIR_ENV = "LOCALCHAT_CONFIG_DIR"
SETTINGS_FILE = "settings.json"
THEMES = ("light", "dark")  # the same names as app.views.base.THEMES (models cannot import views)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ConnectParams:
    """Where to connect and as whom."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    nick: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything remembered between runs. view names the window layout the views offer."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    nick: str = ""
    theme: str = "light"
    view: str = ""

    @property
    def connect_params(self) -> ConnectParams:
        """The remembered host, port and nick, as the connect dialog's defaults."""
        return ConnectParams(self.host, self.port, self.nick)


def default_config_dir() -> Path:
    """$LOCALCHAT_CONFIG_DIR when set, else the platform's per-user config dir for localchat."""
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_config_dir("localchat"))


class SettingsStore:
    """Loads and saves Settings as JSON. Never raises for a bad or missing file: it logs a
    warning and uses defaults (load) or reports False (save)."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self._directory = Path(directory) if directory is not None else default_config_dir()

    @property
    def path(self) -> Path:
        """The JSON file."""
        return self._directory / SETTINGS_FILE

    def load(self) -> Settings:
        """The saved settings; defaults (with a logged warning) when the file is bad."""
        try:
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
        return _from_json(data, self.path)

    def save(self, settings: Settings) -> bool:
        """Write settings atomically; False (with a logged warning) when that failed."""
        try:
            self._directory.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=self._directory, suffix=".tmp", delete=False
            ) as handle:
                json.dump(asdict(settings), handle, indent=2)
            os.replace(handle.name, self.path)
        except OSError as error:
            log.warning("Cannot save settings to %s: %s", self.path, error)
            return False
        return True

    def update(self, **changes: Any) -> bool:
        """Load, change the given fields, save; False when saving failed."""
        return self.save(replace(self.load(), **changes))


def _from_json(data: object, path: Path) -> Settings:
    """Settings from parsed JSON, keeping each valid field and defaulting (with a warning) the rest."""
    if not isinstance(data, dict):
        log.warning("Settings file %s does not hold an object; using defaults", path)
        return Settings()
    defaults = Settings()
    values: dict[str, Any] = {}
    for field in fields(Settings):
        if field.name not in data:
            continue
        value = data[field.name]
        if _is_valid(field.name, value):
            values[field.name] = value
        else:
            log.warning("Settings file %s: bad %s %r; using %r", path, field.name, value,
                        getattr(defaults, field.name))
    return Settings(**values)


def _is_valid(name: str, value: object) -> bool:
    if name == "port":
        return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536
    if name == "theme":
        return value in THEMES
    return isinstance(value, str)
