"""The outbox's messages, one per row, failures first, laid out for the room there is:
at 80 columns the address and the tries give way to the error."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.text import Text

from schedtui.core.messages.listing import MessageRow
from schedtui.core.support.text import printable
from schedtui.widgets.fitted_table import Column, RowsTable

#: Statuses that need a supervisor: written in capitals as well as red.
TROUBLE = ("failed", "dead")


class OutboxTable(RowsTable[MessageRow, ZoneInfo]):
    """Messages, failures and dead letters first (plain `Text`: stored words never act as
    markup)."""

    DEFAULT_CSS = """
    OutboxTable { height: 1fr; }
    """
    FULL = (
        Column("Id", "id", 6),
        Column("Status", "status", 10),
        Column("Kind", "kind", 12),
        Column("Via", "channel", 5),
        Column("MRN", "mrn", 10),
        Column("When", "when", 18),
        Column("To", "to", 24),
        Column("Tries", "tries", 5),
        Column("Error or delivery", "error", 40),
    )
    BRIEF = (
        Column("Id", "id", 5),
        Column("Status", "status", 9),
        Column("Kind", "kind", 12),
        Column("Via", "channel", 5),
        Column("When", "when", 15),
        Column("Error", "error", 24),
    )

    def cells(self, message: MessageRow, zone: ZoneInfo) -> dict[str, Text]:
        trouble = message.status in TROUBLE
        local = (message.sent_at or message.scheduled_for).astimezone(zone)
        texts = {
            "id": str(message.id),
            "status": message.status.upper() if trouble else message.status,
            "kind": message.kind, "channel": message.channel, "mrn": message.mrn,
            "when": f"{local:%b %d %I:%M %p}".replace(" 0", " "), "to": message.to,
            "tries": str(message.attempts), "error": message.error or message.delivery,
        }  # fmt: skip
        return {
            key: Text(printable(value), style="bold red" if trouble and key == "status" else "")
            for key, value in texts.items()
        }
