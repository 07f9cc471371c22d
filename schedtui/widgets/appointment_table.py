"""A table of appointments: time in the site's zone, provider, patient, type, status."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from schedtui.core.schedule.statuses import status_text
from schedtui.core.support.text import printable
from schedtui.core.views.today import TodayRow
from schedtui.widgets.fitted_table import Column, FittedTable

STATUS_STYLES = {
    "booked": "bold",
    "arrived": "bold cyan",
    "checked-in": "bold green",
    "fulfilled": "dim",
    "cancelled": "dim strike",
    "noshow": "bold red",
}


def flags(row: TodayRow) -> str:
    """Short marks a scheduler scans for: overbooked, interpreter language."""
    marks = []
    if row.overbooked:
        marks.append("OB")
    if row.interpreter_language:
        marks.append(f"INT:{row.interpreter_language}")
    return " ".join(marks)


class AppointmentTable(FittedTable):
    """Appointments, one per row. Every cell is plain `Text`: stored names never act as markup.
    Fixed widths: the table never reflows while rows arrive. At 80 columns the MRN, length
    and mode give way (the card shows them)."""

    DEFAULT_CSS = """
    AppointmentTable { height: 1fr; }
    """
    FULL = (
        Column("Time", "time", 10),
        Column("Site", "site", 5),
        Column("Provider", "provider", 14),
        Column("Patient", "patient", 25),
        Column("MRN", "mrn", 10),
        Column("Type", "type", 7),
        Column("Min", "minutes", 4),
        Column("Mode", "mode", 10),
        Column("Status", "status", 13),
        Column("Flags", "flags", 10),
    )
    BRIEF = (
        Column("Time", "time", 9),
        Column("Site", "site", 4),
        Column("Provider", "provider", 12),
        Column("Patient", "patient", 18),
        Column("Type", "type", 6),
        Column("Status", "status", 11),
        Column("Flags", "flags", 8),
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, zebra_stripes=True)
        self.rows_shown: list[TodayRow] = []

    def show(self, rows: Iterable[TodayRow]) -> None:
        """Replace the table's content with `rows`, keeping the cursor where it was if it can."""
        self.rows_shown = list(rows)
        cursor = self.cursor_row
        self.clear()
        for row in self.rows_shown:
            self.add_cells(self._cells(row), key=str(row.appointment_id))
        if self.row_count:
            self.move_cursor(row=min(cursor, self.row_count - 1))

    def refill(self) -> None:
        self.show(self.rows_shown)

    def _cells(self, row: TodayRow) -> dict[str, Text]:
        style = STATUS_STYLES.get(row.status, "")
        return {
            "time": Text(row.local_time),
            "site": Text(printable(row.site_code)),
            "provider": Text(printable(row.provider_name)),
            "patient": Text(printable(row.patient_name)),
            "mrn": Text(printable(row.patient_mrn)),
            "type": Text(row.type_code),
            "minutes": Text(str(row.minutes), justify="right"),
            "mode": Text("tele" if row.visit_mode == "telehealth" else "in person"),
            "status": Text(status_text(row.status, row.confirmed), style=style),
            "flags": Text(flags(row)),
        }
