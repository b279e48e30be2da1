"""The one LocalChat version: pyproject's [project] version, read from the installed package's
metadata, or from pyproject.toml itself when running from a source tree that was never installed.
"""

from __future__ import annotations

import functools
import importlib.metadata
import tomllib
from pathlib import Path

PROJECT = "localchat"
UNKNOWN = "0+unknown"  # neither installed nor in a source tree (should not happen)
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


@functools.cache
def localchat_version() -> str:
    """The version string, e.g. '0.1.0' (the same for the server and the client)."""
    try:
        return importlib.metadata.version(PROJECT)
    except importlib.metadata.PackageNotFoundError:
        return source_tree_version(PYPROJECT)


def source_tree_version(pyproject: Path) -> str:
    """[project] version of pyproject (a LocalChat source tree), else UNKNOWN."""
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return UNKNOWN
    if project.get("name") != PROJECT or not isinstance(project.get("version"), str):
        return UNKNOWN
    return str(project["version"])


def server_version() -> str:
    """The server's version token (004 RPL_MYINFO, 002, the mDNS TXT `v`): no spaces."""
    return f"{PROJECT}-{localchat_version()}"


def client_version() -> str:
    """What the client answers to CTCP VERSION and sends as its realname."""
    return f"LocalChat {localchat_version()}"
