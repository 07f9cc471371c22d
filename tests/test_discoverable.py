"""Every key a screen shows in its footer is explained on the F1 help screen and can be
found in the command palette."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from textual.binding import Binding
from textual.dom import DOMNode

import schedtui.screens
import schedtui.widgets
from schedtui.app import SchedApp
from schedtui.screens.help import help_text


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


def test_there_are_shown_keys_to_check() -> None:
    assert len(_shown()) > 20


@pytest.mark.parametrize(("owner", "binding"), _shown(), ids=lambda v: getattr(v, "key", v))
def test_every_shown_key_is_on_the_help_screen(owner: str, binding: Binding) -> None:
    """Named by its binding id, so the help says the key the user has (a keymap moves it)."""
    assert f"{{{{{binding.id}}}}}" in help_text(), f"{owner}: {binding.key} ({binding.description})"
