"""Every key a screen shows in its footer is explained on the F1 help screen and can be
found in the command palette."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest
from textual.binding import Binding
from textual.dom import DOMNode

import schedtui.screens
import schedtui.widgets
from schedtui.app import SchedApp
from schedtui.screens.help import help_text

NAMED = {"escape": "Esc", "enter": "Enter", "delete": "Delete", "tab": "Tab"}


def _classes() -> list[type[DOMNode]]:
    found: list[type[DOMNode]] = [SchedApp]
    for package in (schedtui.screens, schedtui.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            found += [
                c
                for _, c in inspect.getmembers(module, inspect.isclass)
                if issubclass(c, DOMNode) and c.__module__ == module.__name__
            ]
    return found


def _shown() -> list[tuple[str, Binding]]:
    shown = []
    for cls in _classes():
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.show and binding.description:
                shown.append((cls.__name__, binding))
    return shown


def _as_written(key: str) -> list[str]:
    """How the help may write a key: Ctrl+B, F8, Esc, or a character set apart."""
    key = NAMED.get(key, key)
    if key.startswith("ctrl+"):
        return ["Ctrl+" + key.removeprefix("ctrl+").upper()]
    if re.fullmatch(r"f\d+", key):
        return [key.upper()]
    names = {"left_square_bracket": "[", "right_square_bracket": "]", "plus": "+", "minus": "-"}
    char = names.get(key, key)
    if len(char) == 1:
        return [f"**{char}**", f"| {char} ", f"`{char}`", f"{char} and", f"and {char}"]
    return [char]


def test_there_are_shown_keys_to_check() -> None:
    assert len(_shown()) > 20


@pytest.mark.parametrize(("owner", "binding"), _shown(), ids=lambda v: getattr(v, "key", v))
def test_every_shown_key_is_on_the_help_screen(owner: str, binding: Binding) -> None:
    keys = [way for k in binding.key.split(",") for way in _as_written(k.strip())]
    text = help_text()
    assert any(k in text for k in keys), f"{owner}: {binding.key} ({binding.description})"
