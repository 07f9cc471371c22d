"""The help screen (F1): the packaged help text in a modal."""

from __future__ import annotations

from importlib.resources import files

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from schedtui.keymap import KeyNames
from schedtui.screens.base import key_names


def help_text() -> str:
    """The packaged help, as Markdown."""
    return files("schedtui").joinpath("help.md").read_text(encoding="utf-8")


def _moved_keys(names: KeyNames) -> str:
    """A note at the top naming the keys this user's keymap moved."""
    moved = names.moved()
    if not moved:
        return ""
    rows = "\n".join(f"| {key} | {binding.description} |" for binding, key in moved)
    return (
        "**Your keys.** The [keymap] setting moves these keys; this help names them "
        f"as you have them.\n\n| Key | What it does |\n|-----|-----|\n{rows}\n\n"
    )


class HelpScreen(ModalScreen[None]):
    """Keys and first steps; Escape or F1 closes it."""

    BINDINGS = [
        Binding("escape,f1,q", "close", "Close help", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        names = key_names(self)
        with VerticalScroll(id="help-body"):
            yield Markdown(names.fill(_moved_keys(names) + help_text()))

    def action_close(self) -> None:
        """Back to where the user was."""
        self.dismiss(None)
