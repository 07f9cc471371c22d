"""The open patient's upcoming visits, one a row; `c` cancels and `r` reschedules the one
under the cursor (the screen asks why and does it)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from schedtui.core.schedule.statuses import status_text
from schedtui.core.support.formats import moment_text
from schedtui.core.support.text import printable
from schedtui.core.views.patient_panel import Visit

COLUMNS = (("When", 27), ("Type", 6), ("Provider", 14), ("Status", 12))


def visit_when(visit: Visit) -> str:
    """The visit's start in its site's own zone, the way it is read to the caller."""
    return moment_text(visit.local_start)


class VisitTable(DataTable[Text]):
    """Upcoming visits of the patient on screen."""

    BINDINGS = [
        Binding("c", "cancel_visit", "Cancel visit", id="visits.cancel"),
        Binding("r", "reschedule_visit", "Reschedule", id="visits.reschedule"),
        Binding("q", "screening", "Screening", id="visits.screening"),
    ]

    @dataclass
    class Asked(Message):
        """The scheduler asked to cancel or reschedule `visit`, or for its screening."""

        visit: Visit
        what: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row")
        self.visits: list[Visit] = []

    def on_mount(self) -> None:
        for label, width in COLUMNS:
            self.add_column(label, width=width)
        self.display = False  # until a patient with upcoming visits is open

    def show(self, visits: tuple[Visit, ...]) -> None:
        """List `visits` (the cursor goes back to the first)."""
        self.visits = list(visits)
        self.display = bool(visits)
        self.clear()
        for visit in visits:
            cells = (
                visit_when(visit),
                visit.type_code,
                visit.provider,
                status_text(visit.status, visit.confirmed),
            )
            self.add_row(*(Text(printable(c)) for c in cells), key=str(visit.appointment_id))

    def _ask(self, what: str) -> None:
        if self.visits:
            self.post_message(self.Asked(self.visits[self.cursor_row], what))

    def action_cancel_visit(self) -> None:
        """Cancel the visit under the cursor (you choose the reason)."""
        self._ask("cancel")

    def action_reschedule_visit(self) -> None:
        """Move the visit under the cursor to another open time."""
        self._ask("reschedule")

    def action_screening(self) -> None:
        """Answer (or change) the screening questions of the visit under the cursor."""
        self._ask("screening")
