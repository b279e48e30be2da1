"""House rules the server's source keeps, checked on the source itself: numerics by name only,
imports at module level only (no import inside a function to dodge a cycle)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import ircproto.numerics
import server

SOURCES = sorted(Path(server.__file__).parent.rglob("*.py"))
NUMERIC = re.compile(r"\d{3}")


def test_source_rules_cover_the_whole_server_package():
    names = {path.name for path in SOURCES}
    assert {"table.py", "reader.py", "listener.py", "hub.py", "tcp.py"} <= names


def test_source_rules_no_bare_numeric_literals_in_the_server():
    found = [
        f"{path.name}:{node.lineno} {node.value!r}"
        for path in SOURCES
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and NUMERIC.fullmatch(node.value)
    ]
    assert found == []


def test_source_rules_every_numeric_name_is_unique():
    names = {k: v for k, v in vars(ircproto.numerics).items() if k.isupper()}
    assert all(re.fullmatch(r"(RPL|ERR)_[A-Z0-9]+", name) for name in names)
    assert len(set(names.values())) == len(names)


def test_source_rules_imports_only_at_module_level():
    nested = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for top in tree.body:
            for node in ast.walk(top):
                if node is not top and isinstance(node, ast.Import | ast.ImportFrom):
                    nested.append(f"{path.name}:{node.lineno}")
    assert nested == []
