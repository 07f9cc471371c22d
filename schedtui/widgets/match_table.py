"""The lookup's list of matching patients. Wide, every column; at 80 columns the age
gives way (the panel shows it) and the alerts are said in a word, so the MRN, next visit
and alerts always show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from schedtui.core.security.masking import masked
from schedtui.core.support.formats import day_text
from schedtui.core.support.text import printable
from schedtui.widgets.fitted_table import Column, FittedTable

if TYPE_CHECKING:
    from schedtui.core.patients.lookup.service import PatientMatch


def cells(match: PatientMatch, *, brief: bool, mask: bool) -> dict[str, Text]:
    """One patient's cells; with the privacy mask on, birth date and phone are hidden."""
    upcoming = day_text(match.next_appointment) if match.next_appointment else ""
    values = {
        "name": match.name,
        "dob": masked(day_text(match.dob), mask),
        "age": str(match.age),
        "phone": masked(match.phone, mask),
        "mrn": match.mrn,
        "next": upcoming,
        "alerts": ", ".join(match.brief_alerts if brief else match.alerts),
    }
    return {key: Text(printable(value)) for key, value in values.items()}


class MatchTable(FittedTable):
    """Matches, one per row, keyed by patient id."""

    FULL = (
        Column("Name", "name", 22),
        Column("DOB", "dob", 10),
        Column("Age", "age", 3),
        Column("Phone", "phone", 14),
        Column("MRN", "mrn", 9),
        Column("Next", "next", 10),
        Column("Alerts", "alerts", 24),
    )
    BRIEF = (
        Column("Name", "name", 19),
        Column("DOB", "dob", 10),
        Column("Phone", "phone", 14),
        Column("MRN", "mrn", 8),
        Column("Next", "next", 10),
        Column("Alerts", "alerts", 10),
    )

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.matches: list[PatientMatch] = []
        self.mask = False

    def show(self, matches: list[PatientMatch], *, mask: bool, keep_cursor: bool) -> None:
        """Fill the rows (the cursor stays on its row when asked and still there)."""
        self.matches = matches
        self.mask = mask
        row = self.cursor_row if keep_cursor else 0
        self.clear()
        for match in matches:
            self.add_cells(
                cells(match, brief=bool(self.brief), mask=mask), key=str(match.patient_id)
            )
        if keep_cursor and matches:
            self.move_cursor(row=min(row, len(matches) - 1), animate=False)

    def refill(self) -> None:
        self.show(self.matches, mask=self.mask, keep_cursor=True)
