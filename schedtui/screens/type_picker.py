"""Choosing the visit type for a time picked on the calendar."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from schedtui.core.directory import best_type
from schedtui.core.text import printable


class TypePicker(ModalScreen[str | None]):
    """Which visit: type a word of its name; Enter takes the closest."""

    DEFAULT_CSS = """
    TypePicker { align: center middle; }
    TypePicker #type-box { width: 64; height: auto; border: thick $primary;
                           background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="type-picker.cancel")]

    def __init__(self, question: str, types: dict[str, str]) -> None:
        super().__init__()
        self.question, self.types = question, types

    def compose(self) -> ComposeResult:
        with Vertical(id="type-box"):
            yield Static(printable(self.question), markup=False)
            yield Input(placeholder="Visit type: follow-up, new patient, MRI...", id="type-typed")

    @on(Input.Submitted)
    def chosen(self, event: Input.Submitted) -> None:
        """The closest type, or say none is close."""
        code = best_type(event.value, self.types)
        if code is None:
            self.notify("No visit type matches; try a word of its name.", severity="warning")
            return
        self.dismiss(code)

    def action_cancel(self) -> None:
        """Book nothing."""
        self.dismiss(None)
