"""Going to a day typed the way people say it ("next tue", "dec 3", "+2w")."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input


class GoToDay(ModalScreen[str | None]):
    """Type a day the way people say it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="goto.cancel")]

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Go to: next tue, dec 3, +2w, 2026-12-03", id="goto-day")

    @on(Input.Submitted)
    def chosen(self, event: Input.Submitted) -> None:
        """Hand back what was typed."""
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Stay on the day shown."""
        self.dismiss(None)
