"""Choosing the visit type for a time picked on the calendar: the types that provider
takes, the caller's own kinds of visit first, shown as the scheduler types."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from schedtui.core.schedule.booking_choices import (
    BookingChoices,
    VisitType,
    offered,
    type_candidates,
)
from schedtui.core.support.text import printable


class TypePicker(ModalScreen[str | None]):
    """Which visit: type a word of its name; Enter takes the first shown."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="type-picker.cancel")]

    def __init__(self, question: str, choices: BookingChoices, provider_id: int) -> None:
        super().__init__()
        self.question, self.choices, self.provider_id = question, choices, provider_id

    def compose(self) -> ComposeResult:
        with Vertical(id="type-box"):
            yield Static(printable(self.question), markup=False)
            yield Input(placeholder="Visit type: follow-up, new patient, MRI...", id="type-typed")
            yield Static("", id="type-offered", markup=False)

    def on_mount(self) -> None:
        self.offer()

    def candidates(self) -> list[VisitType]:
        typed = self.query_one("#type-typed", Input).value
        return type_candidates(typed, self.choices, (self.provider_id,))

    @on(Input.Changed)
    def offer(self) -> None:
        """What Enter would choose, as the scheduler types."""
        typed = self.query_one("#type-typed", Input).value
        line = offered(self.candidates(), typed, "No visit type this provider takes matches.")
        self.query_one("#type-offered", Static).update(printable(line))

    @on(Input.Submitted)
    def chosen(self) -> None:
        """The first type shown, or say none is close."""
        found = self.candidates()
        if not found:
            self.notify(
                "No visit type this provider takes matches; try a word of its name.",
                severity="warning",
            )
            return
        self.dismiss(found[0].code)

    def action_cancel(self) -> None:
        """Book nothing."""
        self.dismiss(None)
