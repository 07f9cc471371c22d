"""How a calendar grid cell reads: visits by status (symbol and colour), blocks shaded with
their label, open time as a dot, time off blank; an overbooking marked with '!'."""

from __future__ import annotations

from rich.text import Text

from schedtui.core.day_grid import Cell
from schedtui.core.text import printable

STATUS_STYLES = {
    "booked": "bold",
    "arrived": "bold cyan",
    "checked-in": "bold cyan",
    "fulfilled": "green",
    "noshow": "bold red",
    "pending": "italic",
    "proposed": "italic",
}


def cell_text(cell: Cell) -> Text:
    """A cell as it reads: visits by status (symbol and colour), blocks shaded with their
    label, open time as a dot, time off blank; an overbooking marked with '!'."""
    if cell.kind == "visit":
        body = cell.text if cell.first else "│"
        style = STATUS_STYLES.get(cell.status or "", "")
        return Text(("!" if cell.overbooked else "") + printable(body), style=style)
    if cell.kind == "block":
        return Text(printable(cell.text) if cell.first else "░", style="italic on grey23")
    if cell.kind == "open":
        return Text("·", style="dim")
    return Text("", style="on grey11")
