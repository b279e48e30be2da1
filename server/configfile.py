"""server.toml and the command line merged into one ServerConfig: defaults, then the file, then
the flags; every key checked against server.options.OPTIONS; --print-config's TOML."""

from __future__ import annotations

import difflib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.config import ServerConfig, data_path
from server.options import (
    ACCOUNTS_FILE,
    BY_KEY,
    CONFIG_FILE,
    EXCLUSIVE,
    HISTORY_FILE,
    KINDS,
    OPTIONS,
    Option,
    default_of,
)

PATH_METAVARS = ("FILE", "DIR", "PATH")  # values relative to the config file's directory
MASK = "********"


class ConfigError(Exception):
    """A bad config file, key or value: one line naming the key (exit status 2)."""


@dataclass(frozen=True, slots=True)
class Settings:
    """The effective options (key -> value, None when unset), where the file was, the config."""

    values: dict[str, Any]
    source: Path | None
    config: ServerConfig

    @property
    def log_file(self) -> str | None:
        return self.values["log-file"]


def load(flags: Mapping[str, Any], config_file: str | None) -> Settings:
    """Defaults, then config_file (or server.toml in the data dir, if there), then flags (the
    keys of OPTIONS that the command line gave)."""
    source = config_path(config_file, flags.get("data-dir"))
    from_file = read_file(source) if source is not None else {}
    for group in EXCLUSIVE:  # a flag of a group replaces the file's choice in that group
        if any(key in flags for key in group):
            from_file = {k: v for k, v in from_file.items() if k not in group}
    values = {option.key: default_of(option) for option in OPTIONS} | from_file | dict(flags)
    for group in EXCLUSIVE:
        given = [key for key in group if values[key] is not None]
        if len(given) > 1:
            raise ConfigError(f"give {' or '.join(given)}, not both")
    if values["db"] is None:
        values["db"] = str(data_path(values["data-dir"]) / HISTORY_FILE)
    return Settings(values, source, build_config(values))


def config_path(explicit: str | None, data_dir: str | None) -> Path | None:
    """The file to read: explicit (which must exist), else server.toml in the data dir if it
    is there, else none."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"the config file {explicit} does not exist")
        return path
    default = data_path(data_dir) / CONFIG_FILE
    return default if default.is_file() else None


def read_file(path: Path) -> dict[str, Any]:
    """The options set in a TOML file, checked: an unknown key or a value of the wrong type is
    a ConfigError naming the file and the key."""
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read the config file {path}: "
                          f"{getattr(error, 'strerror', None) or error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    return {key: checked(path, key, value) for key, value in table.items()}


def checked(path: Path, key: str, value: Any) -> Any:
    option = BY_KEY.get(key)
    if option is None:
        close = difflib.get_close_matches(key.replace("_", "-"), BY_KEY, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigError(f"{path}: unknown key {key!r}{hint}")
    if not is_kind(value, option.kind):
        raise ConfigError(f"{path}: {key} must be {KINDS[option.kind]}, not {value!r}")
    if option.choices and value not in option.choices:
        raise ConfigError(f"{path}: {key} must be one of {', '.join(option.choices)}, "
                          f"not {value!r}")
    if option.kind is float:
        value = float(value)
    if option.metavar in PATH_METAVARS and value and value != ":memory:":
        value = str((path.parent / Path(value).expanduser()).resolve())
    return value


def is_kind(value: Any, kind: type) -> bool:
    if isinstance(value, bool) or kind is bool:
        return isinstance(value, bool) and kind is bool
    return isinstance(value, (int, float)) if kind is float else isinstance(value, kind)


def build_config(values: Mapping[str, Any]) -> ServerConfig:
    """The ServerConfig of the effective values (reads the MOTD and password files)."""
    fields = {option.field_name: values[option.key] for option in OPTIONS
              if option.field_name is not None}
    fields["motd"] = read_motd(values["motd"])
    fields["password"] = read_password(values["password"], values["password-file"])
    fields["db"] = values["db"]
    fields["accounts_db"] = str(data_path(values["data-dir"]) / ACCOUNTS_FILE)
    try:
        return ServerConfig(**fields)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def read_motd(path: str | None) -> tuple[str, ...] | None:
    if path is None:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        detail = getattr(error, "strerror", None) or error
        raise ConfigError(f"cannot read the MOTD file {path}: {detail}") from error
    return tuple(line.rstrip("\r") for line in text.splitlines())


def read_password(password: str | None, password_file: str | None) -> str | None:
    if password_file is None:
        return password
    try:
        lines = Path(password_file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        detail = getattr(error, "strerror", None) or error
        raise ConfigError(f"cannot read the password file {password_file}: {detail}") from error
    if not lines or not lines[0].strip():
        raise ConfigError(f"the password file {password_file} is empty")
    return lines[0].strip()


def render(settings: Settings) -> str:
    """The effective configuration as TOML (a valid server.toml); secrets masked, unset
    options as comments."""
    where = str(settings.source) if settings.source else "none (defaults and flags only)"
    lines = [f"# LocalChat server configuration in effect; config file: {where}"]
    for option in OPTIONS:
        lines.append(line_of(option, settings.values[option.key]))
    return "\n".join(lines) + "\n"


def line_of(option: Option, value: Any) -> str:
    if value is None:
        return f"# {option.key} = (not set)"
    if option.secret:
        return f"# {option.key} = {json.dumps(MASK)}  (set; not shown)"
    return f"{option.key} = {toml_value(value)}"


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string
