"""Referrals to book, one per row, laid out for the room there is: at 80 columns the
urgency and the calls tried give way to the patient's name."""

from __future__ import annotations

from datetime import date

from rich.text import Text

from schedtui.core.schedule.referrals import ReferralRow, is_overdue
from schedtui.core.support.text import printable
from schedtui.widgets.fitted_table import Column, RowsTable


class ReferralTable(RowsTable[ReferralRow, date]):
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

    def cells(self, row: ReferralRow, today: date) -> dict[str, Text]:
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
