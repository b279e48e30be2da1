"""ircproto.version: one version string, from the metadata or the source tree's pyproject.toml."""

from __future__ import annotations

import importlib.metadata
import tomllib

from ircproto import version
from ircproto.version import (
    PYPROJECT,
    UNKNOWN,
    client_version,
    localchat_version,
    server_version,
    source_tree_version,
)


def pyproject_version() -> str:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]


def test_version_is_pyprojects_everywhere():
    assert localchat_version() == pyproject_version()
    assert server_version() == f"localchat-{pyproject_version()}"
    assert client_version() == f"LocalChat {pyproject_version()}"
    assert " " not in server_version()


def test_version_without_metadata_reads_the_source_tree(monkeypatch):
    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    version.localchat_version.cache_clear()
    try:
        assert localchat_version() == pyproject_version()
    finally:
        version.localchat_version.cache_clear()


def test_source_tree_version_of_another_project_or_no_file_is_unknown(tmp_path):
    other = tmp_path / "pyproject.toml"
    other.write_text('[project]\nname = "other"\nversion = "9.9"\n', encoding="utf-8")
    assert source_tree_version(other) == UNKNOWN
    assert source_tree_version(tmp_path / "missing.toml") == UNKNOWN
    other.write_text("not = [toml", encoding="utf-8")
    assert source_tree_version(other) == UNKNOWN
    other.write_text('[project]\nname = "localchat"\nversion = "2.0"\n', encoding="utf-8")
    assert source_tree_version(other) == "2.0"
