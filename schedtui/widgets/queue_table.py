"""The work queue's items, one per row, laid out for the room there is: at 80 columns
the urgency gives way to what the item is."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.text import Text

from schedtui.core.support.text import printable
from schedtui.core.views.work_queue import QueueItem
from schedtui.widgets.fitted_table import Column, RowsTable


class QueueTable(RowsTable[QueueItem, ZoneInfo]):
    """What is due, most pressing first (plain `Text`: stored words never act as markup);
    urgent items are marked URGENT as well as coloured, so they read without colour."""

    DEFAULT_CSS = """
    QueueTable { height: 1fr; }
    """
    FULL = (
        Column("Due", "due", 18),
        Column("Kind", "kind", 13),
        Column("MRN", "mrn", 10),
        Column("Urgency", "urgency", 8),
        Column("What", "what", 60),
    )
    BRIEF = (
        Column("Due", "due", 15),
        Column("Kind", "kind", 9),
        Column("MRN", "mrn", 9),
        Column("What", "what", 40),
    )

    def cells(self, item: QueueItem, zone: ZoneInfo) -> dict[str, Text]:
        urgent = item.urgency == "urgent"
        local = item.due.astimezone(zone)
        texts = {
            "due": f"{local:%b %d %I:%M %p}".replace(" 0", " "),
            "kind": item.kind, "mrn": item.patient_mrn,
            "urgency": "URGENT" if urgent else item.urgency, "what": item.what,
        }  # fmt: skip
        return {
            key: Text(printable(value), style="bold red" if urgent and key == "urgency" else "")
            for key, value in texts.items()
        }
