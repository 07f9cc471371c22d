"""A table of appointments: time in the site's zone, provider, patient, type, status."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import DataTable

from schedtui.core.statuses import status_text
from schedtui.core.text import printable
from schedtui.core.today import TodayRow

STATUS_STYLES = {
    "booked": "bold",
    "arrived": "bold cyan",
    "checked-in": "bold green",
    "fulfilled": "dim",
    "cancelled": "dim strike",
    "noshow": "bold red",
}
#: Label, key and width of each column. Fixed widths: the table never reflows while rows
#: arrive, and what a scheduler scans stays where their eyes expect it.
COLUMNS = (
    ("Time", "time", 10),
    ("Site", "site", 5),
    ("Provider", "provider", 14),
    ("Patient", "patient", 25),
    ("MRN", "mrn", 10),
    ("Type", "type", 7),
    ("Min", "minutes", 4),
    ("Mode", "mode", 10),
    ("Status", "status", 13),
    ("Flags", "flags", 10),
)


def flags(row: TodayRow) -> str:
    """Short marks a scheduler scans for: overbooked, interpreter language."""
    marks = []
    if row.overbooked:
        marks.append("OB")
    if row.interpreter_language:
        marks.append(f"INT:{row.interpreter_language}")
    return " ".join(marks)


class AppointmentTable(DataTable[Text]):
    """Appointments, one per row. Every cell is plain `Text`: stored names never act as markup."""

    DEFAULT_CSS = """
    AppointmentTable { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for label, key, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def show(self, rows: Iterable[TodayRow]) -> None:
        """Replace the table's content with `rows`, keeping the cursor where it was if it can."""
        cursor = self.cursor_row
        self.clear()
        for row in rows:
            self.add_row(*self._cells(row), key=str(row.appointment_id))
        if self.row_count:
            self.move_cursor(row=min(cursor, self.row_count - 1))

    def _cells(self, row: TodayRow) -> tuple[Text, ...]:
        style = STATUS_STYLES.get(row.status, "")
        return (
            Text(row.local_time),
            Text(row.site_code),
            Text(printable(row.provider_name)),
            Text(printable(row.patient_name)),
            Text(printable(row.patient_mrn)),
            Text(row.type_code),
            Text(str(row.minutes), justify="right"),
            Text("tele" if row.visit_mode == "telehealth" else "in person"),
            Text(status_text(row.status), style=style),
            Text(flags(row)),
        )
