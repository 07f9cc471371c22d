"""One line asked for, with the question above it (why a visit is double-booked...)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from schedtui.core.support.text import printable
from schedtui.screens.base import keys_said


class AskLine(ModalScreen[str | None]):
    """Type the answer; Enter hands it back, Esc changes nothing."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask-line.cancel")]

    def __init__(self, question: str, placeholder: str) -> None:
        super().__init__()
        self.question, self.placeholder = question, placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-box"):
            yield Static(printable(self.question), id="ask-question", markup=False)
            yield Input(placeholder=self.placeholder, id="ask-line")
            yield Static(
                keys_said(self, "Enter goes on; {{ask-line.cancel}} changes nothing."), markup=False
            )

    @on(Input.Submitted)
    def answered(self, event: Input.Submitted) -> None:
        """Hand back what was typed (core says if it is not enough)."""
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Change nothing."""
        self.dismiss(None)
