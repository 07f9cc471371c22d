"""How a calendar grid cell reads: visits by status (symbol and colour), blocks shaded with
their label, open time as a dot, time off shaded dark; an overbooking marked with '!'."""

from __future__ import annotations

from rich.style import Style

from schedtui.core.support.text import printable
from schedtui.core.views.day_grid import Cell

STATUS_STYLES = {
    status: Style.parse(look)
    for status, look in {
        "booked": "bold",
        "arrived": "bold cyan",
        "checked-in": "bold cyan",
        "fulfilled": "green",
        "noshow": "bold red",
        "pending": "italic",
        "proposed": "italic",
    }.items()
}
PLAIN = Style()
BLOCK = Style.parse("italic on grey23")
OPEN = Style.parse("dim")
OFF = Style.parse("on grey7")


def cell_look(cell: Cell) -> tuple[str, Style]:
    """A cell's words and style: the symbol leads, so it reads without colour too."""
    if cell.kind == "visit":
        body = cell.text if cell.first else "│"
        look = STATUS_STYLES.get(cell.status or "", PLAIN)
        return ("!" if cell.overbooked else "") + printable(body), look
    if cell.kind == "block":
        return (printable(cell.text) if cell.first else "░"), BLOCK
    if cell.kind == "open":
        return "·", OPEN
    return "", OFF
