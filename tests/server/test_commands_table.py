"""The command table is complete: every handler is in it under its own name, every documented
command answers (never 421), and FAIL replies are always sendable."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from types import ModuleType

import pytest

import server.commands
from server.commands import COMMANDS
from tests.server.fakes import Harness, commands

SYNTAX = re.compile(r"^# (?:@\S+ )?([A-Z]+)\b")  # `# JOIN <channel>...`, `# @+tag TAGMSG ...`


def command_modules() -> list[ModuleType]:
    names = [info.name for info in pkgutil.iter_modules(server.commands.__path__)]
    return [importlib.import_module(f"server.commands.{name}") for name in names]


def handlers() -> dict[str, object]:
    """Every handle_* function defined in a command module, by qualified name."""
    found: dict[str, object] = {}
    for module in command_modules():
        for name, value in vars(module).items():
            if name.startswith("handle_") and inspect.isfunction(value):
                if value.__module__ == module.__name__:
                    found[f"{module.__name__}.{name}"] = value
    return found


def documented() -> set[str]:
    """The commands named by the syntax lines right above the handlers."""
    verbs = set()
    for module in command_modules():
        lines = inspect.getsource(module).splitlines()
        for index, line in enumerate(lines):
            if not line.startswith("def handle_"):
                continue
            above = index - 1
            while lines[above].startswith("# "):
                above -= 1
            found = {m.group(1) for m in map(SYNTAX.match, lines[above + 1 : index]) if m}
            assert len(found) == 1, f"{module.__name__}: no syntax line above {line!r}"
            verbs |= found
    return verbs


def test_commands_table_holds_every_handler_of_every_command_module():
    in_table = {entry.handler for entry in COMMANDS.values()}
    missing = [name for name, handler in handlers().items() if handler not in in_table]
    assert missing == []
    assert len(handlers()) == len(COMMANDS) > 20


def test_commands_table_names_each_handler_after_its_command():
    for name, entry in COMMANDS.items():
        assert entry.handler.__name__ == f"handle_{name.lower()}", name


def test_commands_documented_are_exactly_the_table():
    assert documented() == set(COMMANDS)


@pytest.mark.parametrize("verb", sorted(documented()))
def test_commands_every_documented_command_answers_other_than_421(verb):
    h = Harness()
    alice, _bob = h.connect("alice"), h.connect("bob")
    for line in (verb, f"{verb} #lobby", f"{verb} bob :hello there"):
        if alice in h.closed:  # QUIT
            break
        replies = h.send(alice, line)
        assert "421" not in commands(replies), (line, [m.format() for m in replies])
    assert h.bugs == []


@pytest.mark.parametrize("verb", sorted(v for v, e in COMMANDS.items() if e.registered))
def test_commands_before_registration_get_451_not_421(verb):
    h = Harness()
    expected = [] if COMMANDS[verb].silent else ["451"]  # NOTICE never answers an error
    assert commands(h.send(h.connect(), f"{verb} x y z :w")) == expected


@pytest.mark.parametrize("line", ["MARKREAD #lobby :timestamp=not a time",
                                  "CHATHISTORY LATEST #lobby * :5 6"])
def test_commands_fail_echoing_a_trailing_param_with_spaces_is_still_sent(line):
    h = Harness()
    alice = h.connect("alice")
    fail, = h.send(alice, line)
    assert fail.command == "FAIL" and fail.params[1] == "INVALID_PARAMS"
    assert " " not in "".join(fail.params[:-1])
    assert h.bugs == [] and alice not in h.closed
