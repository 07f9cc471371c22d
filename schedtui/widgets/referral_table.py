"""Referrals to book, one per row, laid out for the room there is: at 80 columns the
urgency and the calls tried give way to the patient's name."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from rich.text import Text

from schedtui.core.schedule.referrals import ReferralRow, is_overdue
from schedtui.core.support.text import printable
from schedtui.widgets.fitted_table import Column, FittedTable


class ReferralTable(FittedTable):
    """The referral worklist's rows (plain `Text`: stored names never act as markup); an
    overdue row is marked OVERDUE as well as red, so it reads without colour."""

    DEFAULT_CSS = """
    ReferralTable { height: 1fr; }
    """
    FULL = (
        Column("Due", "due", 19),
        Column("Patient", "patient", 24),
        Column("MRN", "mrn", 10),
        Column("Type", "type", 7),
        Column("Urgency", "urgency", 8),
        Column("Status", "status", 10),
        Column("Calls", "calls", 18),
    )
    BRIEF = (
        Column("Due", "due", 18),
        Column("Patient", "patient", 22),
        Column("MRN", "mrn", 9),
        Column("Type", "type", 6),
        Column("Status", "status", 9),
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, zebra_stripes=True)
        self.rows_shown: list[ReferralRow] = []
        self.today: date | None = None

    def show(self, rows: Iterable[ReferralRow], today: date) -> None:
        """Replace the rows, keeping the cursor where it was if it can."""
        self.rows_shown, self.today = list(rows), today
        cursor = self.cursor_row
        self.clear()
        for row in self.rows_shown:
            self.add_cells(self._cells(row, today), key=str(row.id))
        if self.row_count:
            self.move_cursor(row=min(cursor, self.row_count - 1))

    def refill(self) -> None:
        if self.today is not None:
            self.show(self.rows_shown, self.today)

    @staticmethod
    def _cells(row: ReferralRow, today: date) -> dict[str, Text]:
        late = is_overdue(row, today)
        due = f"{row.due:%a %b %d}".replace(" 0", " ") if row.due else "-"
        calls = f"{row.contacts}: {row.last_outcome}" if row.contacts else ""
        texts = {
            "due": ("OVERDUE " if late else "") + due, "patient": row.patient_name,
            "mrn": row.patient_mrn, "type": row.type_code, "urgency": row.urgency,
            "status": row.status, "calls": calls,
        }  # fmt: skip
        return {
            key: Text(printable(value), style="bold red" if late and key == "due" else "")
            for key, value in texts.items()
        }
