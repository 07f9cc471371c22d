"""The pieces every schedtui form shares: a label, an input and a message line per field
(hidden until there is something to say), and showing what is wrong where it is wrong.

A field `name` of a form with id prefix `form` is the Input `#form-name`, its message the
Static `#form-err-name`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from schedtui.core.support.text import printable


def field_rows(
    form: str, fields: Iterable[tuple[str, str]], prefill: dict[str, str] | None = None
) -> Iterator[Widget]:
    """Label, input and hidden message line for each (name, label)."""
    for name, label in fields:
        yield Label(label, markup=False)  # a label may come from the store (a question)
        yield Input(value=(prefill or {}).get(name, ""), id=f"{form}-{name}")
        message = Static("", id=f"{form}-err-{name}", classes="error", markup=False)
        message.display = False
        yield message


def clear_errors(screen: DOMNode, form: str, names: Iterable[str]) -> None:
    """Hide every message line (before the fields are checked again)."""
    for name in names:
        screen.query_one(f"#{form}-err-{name}", Static).display = False


def typed_values(screen: DOMNode, form: str, names: Iterable[str]) -> dict[str, str]:
    """What is typed in each field, and every message line hidden again."""
    names = list(names)
    clear_errors(screen, form, names)
    return {name: screen.query_one(f"#{form}-{name}", Input).value for name in names}


def show_errors(screen: DOMNode, form: str, errors: dict[str, str]) -> None:
    """Each message under its field (shown literally); the first wrong field takes focus."""
    for name, text in errors.items():
        message = screen.query_one(f"#{form}-err-{name}", Static)
        message.update(printable(text))
        message.display = True
    if errors:
        screen.query_one(f"#{form}-{next(iter(errors))}", Input).focus()
