"""Every key the footer shows on a screen is a command palette entry too (Ctrl+P), named
by the key's label and described by the action's own docstring."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen


def binding_commands(app: App[Any], screen: Screen[Any], skip: set[str]) -> Iterable[SystemCommand]:
    """The screen's shown bindings (focused widget first) as palette commands, except the
    titles in `skip` (commands the app already lists)."""
    for key, active in screen.active_bindings.items():
        binding, node = active.binding, active.node
        title = binding.description
        if not (binding.show and title and active.enabled) or title in skip or node is app:
            continue
        skip.add(title)
        name = binding.action.split("(", 1)[0]
        method = getattr(node, f"action_{name}", None)
        doc = (getattr(method, "__doc__", None) or "").strip().splitlines()
        help_text = f"{doc[0] if doc else title} ({app.get_key_display(binding) or key})"
        yield SystemCommand(title, help_text, partial(app.run_action, binding.action, node))
